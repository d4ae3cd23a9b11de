import { readFile } from 'node:fs/promises';
import { endianness } from 'node:os';

/** The two ends of an accepted loopback TCP connection, as the bridge's socket sees them. */
export interface LoopbackPair {
  /** The peer's address and port (the client's end). */
  peer: { address: string; port: number };
  /** The bridge's own address and port. */
  local: { address: string; port: number };
}

/**
 * `127.0.0.1:993` as /proc/net/tcp prints it (address in the kernel's byte order, port
 * big-endian); `mapped`: as /proc/net/tcp6 prints the IPv4-mapped `::ffff:127.0.0.1` of a
 * dual-stack client socket (four 32-bit words, each in the kernel's byte order).
 */
export function procAddress(
  address: string,
  port: number,
  order = endianness(),
  mapped = false,
): string {
  const bytes = address.split('.').map((b) => Number(b).toString(16).padStart(2, '0'));
  if (order === 'LE') bytes.reverse();
  const v4 = bytes.join('').toUpperCase();
  const host = mapped ? `0000000000000000${order === 'LE' ? 'FFFF0000' : '0000FFFF'}${v4}` : v4;
  return `${host}:${port.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * The owning uid of the peer's socket of `pair` in the text of /proc/net/tcp (or tcp6 with
 * `mapped`): the line whose local address is the peer's end and whose remote address is the
 * bridge's. Null when no line matches (the peer already closed) or the connection is not IPv4.
 */
export function peerUidIn(
  table: string,
  pair: LoopbackPair,
  order = endianness(),
  mapped = false,
): number | null {
  if (!/^\d+\.\d+\.\d+\.\d+$/.test(pair.peer.address)) return null;
  const local = procAddress(pair.peer.address, pair.peer.port, order, mapped);
  const remote = procAddress(pair.local.address, pair.local.port, order, mapped);
  for (const line of table.split('\n')) {
    // sl local rem st tx:rx tr:when retrnsmt uid …
    const fields = line.trim().split(/\s+/);
    if (fields.length < 8 || fields[1] !== local || fields[2] !== remote) continue;
    const uid = Number(fields[7]);
    return Number.isInteger(uid) ? uid : null;
  }
  return null;
}

/**
 * Who is on the other end of a loopback connection, by OS user:
 * - `same`: the peer's socket belongs to the host's own user;
 * - `other`: it belongs to another user (uid given), or cannot be found (fail closed);
 * - `unchecked`: the platform has no cheap way here (not Linux; see docs/security.md for macOS
 *   and Windows).
 */
export type PeerVerdict =
  { kind: 'same' } | { kind: 'other'; uid: number | null } | { kind: 'unchecked' };

/**
 * Linux: reads /proc/net/tcp, then /proc/net/tcp6 for a dual-stack client (no dependency, no
 * subprocess), and compares the owner with our own uid.
 */
export async function checkPeerUser(
  pair: LoopbackPair,
  read: (file: string) => Promise<string> = (file) => readFile(file, 'latin1'),
  platform: NodeJS.Platform = process.platform,
  ownUid: number | undefined = process.getuid?.(),
): Promise<PeerVerdict> {
  if (platform !== 'linux' || ownUid === undefined) return { kind: 'unchecked' };
  let uid: number | null;
  try {
    uid = peerUidIn(await read('/proc/net/tcp'), pair);
    if (uid === null)
      uid = peerUidIn(await read('/proc/net/tcp6').catch(() => ''), pair, endianness(), true);
  } catch {
    return { kind: 'other', uid: null };
  }
  return uid === ownUid ? { kind: 'same' } : { kind: 'other', uid };
}
