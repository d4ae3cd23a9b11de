import net, { type LookupFunction } from 'node:net';
import type tls from 'node:tls';
import { MssanteError } from '../../shared/errors/mssante-error';
import { withDeadline } from '../net/deadline';
import { type PeerReport, secureUpstream, type TrustContext } from '../trust/verify';

export interface LdapsTarget {
  host: string;
  port: number;
}

export interface LdapsPreflightOptions {
  trust: TrustContext;
  /** Name resolution of the Annuaire's host (the sandbox's names); the system's otherwise. */
  lookup?: LookupFunction;
  /** For the whole pre-flight: TCP connection, handshake, checks and revocation. */
  timeoutMs: number;
}

/** A TLS connection to the Annuaire on which every rule passed and nothing was written yet. */
export interface VerifiedLdaps {
  socket: tls.TLSSocket;
  /** What was checked: server, negotiated session, certificate (with its SHA-256), revocation. */
  report: PeerReport;
}

/** The host and port of an `ldaps://` URL (636 when the URL names none). */
export function ldapsTarget(url: string): LdapsTarget {
  const parsed = new URL(url);
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  // No host is a configuration fault, never a silent fallback to this machine.
  if (!host)
    throw new MssanteError('E_CONFIG_INVALID', { detail: `annuaire.url: no host in ${url}` });
  return { host, port: parsed.port ? Number(parsed.port) : 636 };
}

function tcpConnect(
  target: LdapsTarget,
  lookup: LookupFunction | undefined,
  sockets: net.Socket[],
): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({
      host: target.host,
      port: target.port,
      ...(lookup ? { lookup } : {}),
    });
    sockets.push(socket);
    socket.once('connect', () => resolve(socket));
    socket.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new MssanteError('E_ANNUAIRE_UNREACHABLE', {
          detail: `${target.host}:${target.port}: ${error.code ?? error.message}`,
          cause: error,
        }),
      ),
    );
  });
}

/**
 * The Annuaire over TLS under the same rules as the bridge's IMAP and SMTP (issue 7): TCP to the
 * server, then `secureUpstream` — TLS 1.2 with the six suites or TLS 1.3, the negotiated session
 * re-checked, a chain to an Élémentaire Organisations CA of the selected set only (never the
 * system store), dates, host name, key usage, revocation by CRL/OCSP. Resolves with the verified
 * socket, on which no LDAP byte has been written; every refusal is the bridge's coded error
 * (`E_TLS_*`, `E_TRUST_*`), and the socket is destroyed. An unreachable server is
 * `E_ANNUAIRE_UNREACHABLE` and a pre-flight over `timeoutMs` is `E_ANNUAIRE_TIMEOUT`, the codes
 * after which the host may answer from the offline index.
 */
export async function ldapsPreflight(
  target: LdapsTarget,
  options: LdapsPreflightOptions,
): Promise<VerifiedLdaps> {
  const sockets: net.Socket[] = [];
  let settled = false;
  const work = (async () => {
    const plain = await tcpConnect(target, options.lookup, sockets);
    const { socket, report } = await secureUpstream(plain, target.host, options.trust);
    sockets.push(socket);
    return { socket, report };
  })();
  try {
    const verified = await withDeadline(
      work,
      options.timeoutMs,
      () =>
        new MssanteError('E_ANNUAIRE_TIMEOUT', {
          detail: `${target.host}:${target.port}: TLS pre-flight over ${options.timeoutMs} ms`,
        }),
    );
    settled = true;
    return verified;
  } finally {
    // On any failure (or a success that came after the deadline), nothing stays open.
    if (!settled) {
      for (const s of sockets) s.destroy();
      void work.then((late) => late.socket.destroy()).catch(() => undefined);
    }
  }
}
