import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { endianness } from 'node:os';
import { loopbackIdentity } from '../../../native-host/bridge/loopback-identity';
import {
  checkPeerUser,
  type LoopbackPair,
  peerUidIn,
  procAddress,
} from '../../../native-host/bridge/peer-uid';

/** /proc/net/tcp as a little-endian Linux prints it: a listener, the bridge's end, the peer's end. */
const TABLE = [
  '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
  '   0: 0100007F:3A98 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1247 1 0 100 0 0 10 0',
  '   1: 0100007F:3A98 0100007F:D431 01 00000000:00000000 00:00000000 00000000     0        0 2001 1 0 20 4 30 10 -1',
  '   2: 0100007F:D431 0100007F:3A98 01 00000000:00000000 00:00000000 00000000   999        0 2002 1 0 20 4 30 10 -1',
].join('\n');
const PAIR: LoopbackPair = {
  peer: { address: '127.0.0.1', port: 0xd431 },
  local: { address: '127.0.0.1', port: 0x3a98 },
};

describe('hostile: the loopback bridge knows who is on the other end (19.1)', () => {
  it('hostile: reads addresses as the kernel prints them (little- and big-endian)', () => {
    assert.equal(procAddress('127.0.0.1', 993, 'LE'), '0100007F:03E1');
    assert.equal(procAddress('127.0.0.1', 993, 'BE'), '7F000001:03E1');
  });

  it("hostile: finds the uid of the peer's socket, not the bridge's own end of the connection", () => {
    assert.equal(peerUidIn(TABLE, PAIR, 'LE'), 999);
  });

  it('hostile: finds a dual-stack client in /proc/net/tcp6 by its IPv4-mapped addresses', () => {
    assert.equal(
      procAddress('127.0.0.1', 993, 'LE', true),
      '0000000000000000FFFF00000100007F:03E1',
    );
    const tcp6 = `header\n   0: ${procAddress('127.0.0.1', 0xd431, 'LE', true)} ${procAddress('127.0.0.1', 0x3a98, 'LE', true)} 01 00000000:00000000 00:00000000 00000000  1001        0 3003`;
    assert.equal(peerUidIn(tcp6, PAIR, 'LE', true), 1001);
    assert.equal(peerUidIn(tcp6, PAIR, 'LE'), null, 'not an IPv4 line');
  });

  it('hostile: no matching line (peer gone), or not IPv4: no uid', () => {
    assert.equal(
      peerUidIn(TABLE, { ...PAIR, peer: { address: '127.0.0.1', port: 1 } }, 'LE'),
      null,
    );
    assert.equal(peerUidIn(TABLE, { ...PAIR, peer: { address: '::1', port: 0xd431 } }, 'LE'), null);
    assert.equal(peerUidIn('garbage\n\n  1: x', PAIR, 'LE'), null);
  });

  it('hostile: another uid is refused, the own uid admitted, an unreadable table refused (fail closed)', async () => {
    // The peer's line in this machine's byte order, owned by uid 1000.
    const peerEnd = procAddress('127.0.0.1', PAIR.peer.port, endianness());
    const bridgeEnd = procAddress('127.0.0.1', PAIR.local.port, endianness());
    const line = `header\n   2: ${peerEnd} ${bridgeEnd} 01 00000000:00000000 00:00000000 00000000  1000        0 2002`;
    const table = async (file: string) => (file === '/proc/net/tcp' ? line : 'header\n');
    const le = PAIR;
    assert.deepEqual(await checkPeerUser(le, table, 'linux', 0), { kind: 'other', uid: 1000 });
    assert.deepEqual(await checkPeerUser(le, table, 'linux', 1000), { kind: 'same' });
    const unreadable = () => Promise.reject(new Error('EACCES'));
    assert.deepEqual(await checkPeerUser(le, unreadable, 'linux', 0), { kind: 'other', uid: null });
    assert.deepEqual(await checkPeerUser(le, table, 'darwin', 0), { kind: 'unchecked' });
    // Not in tcp, found in tcp6 (a dual-stack client): its owner decides.
    const mappedPeer = procAddress('127.0.0.1', PAIR.peer.port, endianness(), true);
    const mappedBridge = procAddress('127.0.0.1', PAIR.local.port, endianness(), true);
    const dual = async (file: string) =>
      file === '/proc/net/tcp6'
        ? `header\n   0: ${mappedPeer} ${mappedBridge} 01 00000000:00000000 00:00000000 00000000     0        0 3003`
        : 'header\n';
    assert.deepEqual(await checkPeerUser(le, dual, 'linux', 0), { kind: 'same' });
    assert.deepEqual(await checkPeerUser(le, dual, 'linux', 1000), { kind: 'other', uid: 0 });
  });

  it('hostile: each host start gets its own loopback certificate for 127.0.0.1 only', async () => {
    const [a, b] = await Promise.all([loopbackIdentity(), loopbackIdentity()]);
    assert.notEqual(a.fingerprint, b.fingerprint);
    const cert = new X509Certificate(a.certPem);
    assert.equal(cert.checkIP('127.0.0.1'), '127.0.0.1');
    assert.equal(cert.checkHost('localhost'), undefined);
    assert.equal(Buffer.from(a.certBase64, 'base64').equals(cert.raw), true);
  });
});
