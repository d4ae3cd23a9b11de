import http from 'node:http';
import net, { type LookupFunction } from 'node:net';
import type { TLSSocket } from 'node:tls';
import {
  type AutoconfigServer,
  expandUsername,
  parseAutoconfig,
} from '../../shared/domain/autoconfig/config-v1-1';
import { MssanteError } from '../../shared/errors/mssante-error';
import { type PeerReport, secureUpstream, type TrustContext } from '../trust/verify';
import { readBoundedBody } from '../net/bounded-body';

export interface AutoconfigFetchOptions {
  trust: TrustContext;
  lookup?: LookupFunction;
  /** Port of autoconfig.<domain>; 443 unless a sandbox or a test says otherwise. */
  port?: number;
  /** For the whole download: connection, TLS, revocation check and answer. */
  timeoutMs?: number;
  maxBytes?: number;
}

export const AUTOCONFIG_MAX_BYTES = 64 * 1024;
export const AUTOCONFIG_TIMEOUT_MS = 15_000;

export interface DiscoveredServer {
  host: string;
  port: number;
  socketType: 'STARTTLS';
  /** The username template, expanded for the address (`%EMAILADDRESS%` → the address). */
  username: string;
  authentication: string[];
}

/** What the setup page shows (ECO.1.1.9), and what the autoconfig server proved to be. */
export interface DiscoveredConfig {
  address: string;
  domain: string;
  url: string;
  providerId?: string;
  imap: DiscoveredServer;
  smtp: DiscoveredServer;
  server: { certificate: string; protocol: string; cipher: string };
}

// A DNS name: labels of letters, digits and hyphens (what may go into a URL and a Host header).
const DNS_NAME =
  /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/;

/** The mail domain of an address, lower-cased, or E_ADDRESS_INVALID. */
export function mailDomain(address: string): string {
  const at = address.lastIndexOf('@');
  const domain = address.slice(at + 1).toLowerCase();
  if (at < 1 || /\s/.test(address) || !DNS_NAME.test(domain))
    throw new MssanteError('E_ADDRESS_INVALID', { detail: address.slice(0, 100) });
  return domain;
}

/**
 * ECO.1.1.9: downloads `https://autoconfig.<domain>/mail/config-v1.1.xml` for an address. The
 * TLS connection follows the same rules as the bridge's upstream connections (secureUpstream:
 * TLS 1.2 with the six suites or TLS 1.3, IGC Santé Élémentaire Organisations chain, dates, host
 * name, key usage, revocation) and the request is written only once they all passed. Redirects
 * are refused (the file must come from the domain's own server), the answer is bounded in size
 * and time, parsed without entities, and must describe IMAP and SMTP with STARTTLS.
 */
export async function fetchAutoconfig(
  address: string,
  options: AutoconfigFetchOptions,
): Promise<DiscoveredConfig> {
  const domain = mailDomain(address);
  const host = `autoconfig.${domain}`;
  const port = options.port ?? 443;
  const url = `https://${host}${port === 443 ? '' : `:${port}`}/mail/config-v1.1.xml`;
  const timeoutMs = options.timeoutMs ?? AUTOCONFIG_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? AUTOCONFIG_MAX_BYTES;
  const sockets: net.Socket[] = [];
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new MssanteError('E_AUTOCONFIG_TIMEOUT', { detail: `${host}:${port}` })),
      timeoutMs,
    );
  });
  let timedOut = false;
  const download = async () => {
    const plain = await connect(host, port, sockets, options.lookup);
    const { socket, report } = await secureUpstream(plain, host, options.trust);
    sockets.push(socket);
    if (timedOut) throw new MssanteError('E_AUTOCONFIG_TIMEOUT', { detail: `${host}:${port}` });
    return { body: await get(socket, host, port, maxBytes), report };
  };
  const work = download();
  work.catch(() => {}); // after a timeout, its own failure is of no interest
  try {
    const { body, report } = await Promise.race([work, deadline]);
    return discovered(address, domain, url, body, report);
  } finally {
    timedOut = true;
    clearTimeout(timer);
    for (const s of sockets) s.destroy();
  }
}

function connect(
  host: string,
  port: number,
  sockets: net.Socket[],
  lookup?: LookupFunction,
): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port, ...(lookup ? { lookup } : {}) });
    sockets.push(socket);
    socket.once('connect', () => resolve(socket));
    socket.once('error', (e) =>
      reject(
        new MssanteError('E_UPSTREAM_UNREACHABLE', {
          detail: `${host}:${port}: ${e.message}`,
          cause: e,
        }),
      ),
    );
  });
}

/** One GET on the verified TLS socket; status, redirect and size checked as the answer comes. */
function get(socket: TLSSocket, host: string, port: number, maxBytes: number): Promise<Buffer> {
  const where = `${host}:${port}`;
  return new Promise((resolve, reject) => {
    const request = http.request({
      method: 'GET',
      path: '/mail/config-v1.1.xml',
      headers: {
        host: port === 443 ? host : where,
        accept: 'text/xml, application/xml',
        connection: 'close',
      },
      // The socket is already secured and verified: the request goes on it and nowhere else.
      createConnection: () => socket,
    });
    request.once('error', (e) =>
      reject(
        e instanceof MssanteError
          ? e
          : new MssanteError('E_UPSTREAM_PROTOCOL', { detail: `${where}: ${e.message}`, cause: e }),
      ),
    );
    request.once('response', (response) => {
      const status = response.statusCode ?? 0;
      if (status >= 300 && status < 400) {
        response.resume();
        const location = String(response.headers.location ?? '').slice(0, 200);
        return reject(
          new MssanteError('E_AUTOCONFIG_REDIRECT', { detail: `${where}: ${status} ${location}` }),
        );
      }
      if (status !== 200) {
        response.resume();
        return reject(
          new MssanteError('E_AUTOCONFIG_HTTP_STATUS', { detail: `${where}: ${status}` }),
        );
      }
      const tooLarge = () =>
        new MssanteError('E_AUTOCONFIG_TOO_LARGE', { detail: `${where}: over ${maxBytes} bytes` });
      readBoundedBody(response, maxBytes, tooLarge).then(resolve, (e: Error) => {
        request.destroy();
        reject(
          e instanceof MssanteError
            ? e
            : new MssanteError('E_UPSTREAM_PROTOCOL', {
                detail: `${where}: ${e.message}`,
                cause: e,
              }),
        );
      });
    });
    request.end();
  });
}

function discovered(
  address: string,
  domain: string,
  url: string,
  body: Buffer,
  report: PeerReport,
): DiscoveredConfig {
  const config = parseAutoconfig(new Uint8Array(body));
  if (!config.domains.some((d) => d.toLowerCase() === domain))
    throw new MssanteError('E_AUTOCONFIG_NOT_MSSANTE', {
      detail: `${domain} not among ${config.domains.join(', ').slice(0, 200)}`,
    });
  const pick = (servers: readonly AutoconfigServer[], type: 'imap' | 'smtp'): DiscoveredServer => {
    const found = servers.find((s) => s.type === type && s.socketType.toUpperCase() === 'STARTTLS');
    if (!found)
      throw new MssanteError('E_AUTOCONFIG_NOT_MSSANTE', {
        detail: `no ${type.toUpperCase()} server with STARTTLS`,
      });
    const hostname = found.hostname.toLowerCase();
    if (!DNS_NAME.test(hostname))
      throw new MssanteError('E_AUTOCONFIG_INVALID', {
        detail: `${type} hostname ${found.hostname.slice(0, 100)}`,
      });
    return {
      host: hostname,
      port: found.port,
      socketType: 'STARTTLS',
      username: expandUsername(found.username ?? '%EMAILADDRESS%', address),
      authentication: [...found.authentication],
    };
  };
  return {
    address,
    domain,
    url,
    ...(config.providerId ? { providerId: config.providerId } : {}),
    imap: pick(config.incoming, 'imap'),
    smtp: pick(config.outgoing, 'smtp'),
    server: {
      certificate: report.certificate,
      protocol: report.session.protocol,
      cipher: report.session.cipher,
    },
  };
}
