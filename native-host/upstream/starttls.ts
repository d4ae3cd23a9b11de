import net, { type LookupFunction } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { MssanteError } from '../../shared/errors/mssante-error';
import { type PeerReport, secureUpstream, type TrustContext } from '../trust/verify';
import { LineReader } from './line-reader';

export type UpstreamProtocol = 'imap' | 'smtp';

export interface UpstreamTarget {
  protocol: UpstreamProtocol;
  host: string;
  port: number;
  lookup?: LookupFunction;
  /** Name sent in SMTP EHLO. */
  ehloName?: string;
  timeoutMs?: number;
  /** The APP mailbox's ORG AUTH_CLI certificate, presented during the TLS handshake. */
  clientCertificate?: { pfx: Buffer; passphrase: string };
}

export interface SecuredUpstream {
  socket: TLSSocket;
  report: PeerReport;
  /** The server's greeting before TLS (for the audit journal). */
  greeting: string;
}

async function imapStarttls(reader: LineReader): Promise<string> {
  const greeting = await reader.next();
  if (!/^\* (OK|PREAUTH)\b/i.test(greeting))
    throw new MssanteError('E_UPSTREAM_PROTOCOL', { detail: greeting.slice(0, 100) });
  reader.send('A1 CAPABILITY');
  let capabilities = '';
  for (;;) {
    const line = await reader.next();
    if (/^\* CAPABILITY /i.test(line)) capabilities += ` ${line.slice(13)}`;
    else if (/^A1 /i.test(line)) {
      if (!/^A1 OK/i.test(line))
        throw new MssanteError('E_UPSTREAM_PROTOCOL', { detail: line.slice(0, 100) });
      break;
    }
  }
  if (!/(^| )STARTTLS( |$)/i.test(capabilities.trim()))
    throw new MssanteError('E_STARTTLS_UNAVAILABLE', {
      detail: `CAPABILITY${capabilities}`.slice(0, 200),
    });
  reader.send('A2 STARTTLS');
  for (;;) {
    const line = await reader.next();
    if (/^A2 OK/i.test(line)) return greeting;
    if (/^A2 /i.test(line))
      throw new MssanteError('E_STARTTLS_REFUSED', { detail: line.slice(0, 100) });
  }
}

/** One SMTP reply (multi-line `250-…` then `250 …`). */
export async function smtpReply(reader: LineReader): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  for (;;) {
    const line = await reader.next();
    const match = /^(\d{3})([ -])(.*)$/.exec(line);
    if (!match) throw new MssanteError('E_UPSTREAM_PROTOCOL', { detail: line.slice(0, 100) });
    lines.push(match[3]!);
    if (match[2] === ' ') return { code: Number(match[1]), lines };
  }
}

async function smtpStarttls(reader: LineReader, ehloName: string): Promise<string> {
  const greeting = await smtpReply(reader);
  if (greeting.code !== 220)
    throw new MssanteError('E_UPSTREAM_PROTOCOL', {
      detail: `${greeting.code} ${greeting.lines[0] ?? ''}`,
    });
  reader.send(`EHLO ${ehloName}`);
  const ehlo = await smtpReply(reader);
  if (ehlo.code !== 250)
    throw new MssanteError('E_UPSTREAM_PROTOCOL', { detail: `EHLO ${ehlo.code}` });
  if (!ehlo.lines.some((l) => /^STARTTLS\b/i.test(l)))
    throw new MssanteError('E_STARTTLS_UNAVAILABLE', {
      detail: ehlo.lines.join(' ').slice(0, 200),
    });
  reader.send('STARTTLS');
  const answer = await smtpReply(reader);
  if (answer.code !== 220)
    throw new MssanteError('E_STARTTLS_REFUSED', {
      detail: `${answer.code} ${answer.lines[0] ?? ''}`,
    });
  return `220 ${greeting.lines[0] ?? ''}`;
}

/**
 * Opens an operator's IMAP (ECO.1.0.2) or SMTP submission (ECO.1.0.1) endpoint, requires
 * STARTTLS, and returns the TLS socket only once the trust policy accepted the server. No
 * authentication command can be sent before that: the caller only gets a socket afterwards.
 */
export async function openUpstream(
  target: UpstreamTarget,
  trust: TrustContext,
): Promise<SecuredUpstream> {
  const plain = await new Promise<net.Socket>((resolve, reject) => {
    const socket = net.connect({
      host: target.host,
      port: target.port,
      noDelay: true,
      ...(target.lookup ? { lookup: target.lookup } : {}),
    });
    socket.setTimeout(target.timeoutMs ?? 30_000, () =>
      socket.destroy(new Error('connection timed out')),
    );
    socket.once('connect', () => {
      socket.setTimeout(0);
      resolve(socket);
    });
    socket.once('error', (e) =>
      reject(
        new MssanteError('E_UPSTREAM_UNREACHABLE', {
          detail: `${target.host}:${target.port}: ${e.message}`,
          cause: e,
        }),
      ),
    );
  });
  const reader = new LineReader(plain, target.timeoutMs ?? 30_000);
  try {
    const greeting =
      target.protocol === 'imap'
        ? await imapStarttls(reader)
        : await smtpStarttls(reader, target.ehloName ?? 'localhost');
    const { socket, report } = await secureUpstream(
      reader.release(),
      target.host,
      trust,
      target.clientCertificate,
    );
    return { socket, report, greeting };
  } catch (error) {
    plain.destroy();
    if (error instanceof MssanteError) {
      throw error.detail?.startsWith(`${target.host}:`)
        ? error
        : new MssanteError(error.code, {
            detail: `${target.host}:${target.port}: ${error.detail ?? ''}`,
            cause: error,
          });
    }
    throw new MssanteError('E_UPSTREAM_PROTOCOL', {
      detail: `${target.host}:${target.port}`,
      cause: error,
    });
  }
}
