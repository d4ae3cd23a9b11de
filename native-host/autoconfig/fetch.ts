import http from 'node:http';
import net, { type LookupFunction } from 'node:net';
import type { TLSSocket } from 'node:tls';
import {
  type Autoconfig,
  type AutoconfigServer,
  chooseServer,
  expandUsername,
  type MailboxType,
  parseAutoconfig,
} from '../../shared/domain/autoconfig/config-v1-1';
import type { ErrorCode } from '../../shared/errors/codes';
import { MssanteError } from '../../shared/errors/mssante-error';
import { HOST_WAITS_MS } from '../../shared/protocol/deadlines';
import { type PeerReport, secureUpstream, type TrustContext } from '../trust/verify';
import { readBoundedBody } from '../net/bounded-body';
import { withDeadline } from '../net/deadline';
import { webPkiAnchors } from '../trust/web-pki';

export interface AutoconfigFetchOptions {
  trust: TrustContext;
  lookup?: LookupFunction;
  /** Port of autoconfig.<domain>; 443 unless a sandbox or a test says otherwise. */
  port?: number;
  /** For the whole download: connection, TLS, revocation check and answer. */
  timeoutMs?: number;
  maxBytes?: number;
  /** The mailbox type the servers are chosen for (docs/setup.md); without it PER, else APP. */
  type?: MailboxType;
  /** The web PKI's anchors (default webPkiAnchors(): Node's default store); [] for none. */
  webPki?: readonly string[];
}

export const AUTOCONFIG_MAX_BYTES = 64 * 1024;
export const AUTOCONFIG_TIMEOUT_MS = HOST_WAITS_MS.autoconfig;

export interface DiscoveredServer {
  host: string;
  port: number;
  socketType: 'STARTTLS';
  /** The username template, expanded for the address (`%EMAILADDRESS%` → the address). */
  username: string;
  authentication: string[];
}

export type TypeChoice =
  { imap: DiscoveredServer; smtp: DiscoveredServer } | { code: ErrorCode; detail: string };

/** What the setup page shows (ECO.1.1.9), and what the autoconfig server proved to be. */
export interface DiscoveredConfig {
  address: string;
  domain: string;
  url: string;
  providerId?: string;
  /** The type `imap` and `smtp` were chosen for. */
  type: MailboxType;
  imap: DiscoveredServer;
  smtp: DiscoveredServer;
  /** The choice for every mailbox type, or why none fits (the setup page asks before the type). */
  byType: Record<MailboxType, TypeChoice>;
  server: {
    certificate: string;
    issuer: string;
    pki: 'igc-sante' | 'web';
    protocol: string;
    cipher: string;
  };
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
 * TLS connection follows the bridge's rules (secureUpstream: TLS 1.2 with the six suites or TLS
 * 1.3, dates, host name, key usage, revocation) with one difference (docs/trust.md): the
 * certificate may come from the IGC Santé Élémentaire Organisations CA or from the web PKI
 * (Node's default store, seed footnote (*)); the request is written only once they all passed. Redirects
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
  const timeout = () => new MssanteError('E_AUTOCONFIG_TIMEOUT', { detail: `${host}:${port}` });
  let timedOut = false;
  const download = async () => {
    const plain = await connect(host, port, sockets, options.lookup);
    const { socket, report } = await secureUpstream(
      plain,
      host,
      options.trust,
      undefined,
      options.webPki ?? webPkiAnchors(),
    );
    sockets.push(socket);
    if (timedOut) throw timeout();
    return { body: await get(socket, host, port, maxBytes), report };
  };
  try {
    const { body, report } = await withDeadline(download(), timeoutMs, timeout);
    return discovered(address, domain, url, body, report, options.type);
  } finally {
    timedOut = true;
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
  type?: MailboxType,
): DiscoveredConfig {
  const config = parseAutoconfig(new Uint8Array(body));
  if (!config.domains.some((d) => d.toLowerCase() === domain))
    throw new MssanteError('E_AUTOCONFIG_NOT_MSSANTE', {
      detail: `${domain} not among ${config.domains.join(', ').slice(0, 200)}`,
    });
  const byType = {
    PER: chooseFronts(config, 'PER', address),
    ORG: chooseFronts(config, 'ORG', address),
    APP: chooseFronts(config, 'APP', address),
  };
  const chosen = type ?? ('imap' in byType.PER ? 'PER' : 'imap' in byType.APP ? 'APP' : 'PER');
  const choice = byType[chosen];
  if (!('imap' in choice)) throw new MssanteError(choice.code, { detail: choice.detail });
  return {
    address,
    domain,
    url,
    ...(config.providerId ? { providerId: config.providerId } : {}),
    type: chosen,
    imap: choice.imap,
    smtp: choice.smtp,
    byType,
    server: {
      certificate: report.certificate,
      issuer: report.issuer,
      pki: report.pki,
      protocol: report.session.protocol,
      cipher: report.session.cipher,
    },
  };
}

/** The IMAP and SMTP servers of one mailbox type (chooseServer), or the refusal as data. */
export function chooseFronts(config: Autoconfig, type: MailboxType, address: string): TypeChoice {
  const imap = chooseServer(config.incoming, 'imap', type);
  if (!imap.ok) return { code: imap.code, detail: imap.detail };
  const smtp = chooseServer(config.outgoing, 'smtp', type);
  if (!smtp.ok) return { code: smtp.code, detail: smtp.detail };
  try {
    return {
      imap: discoveredServer(imap.server, address),
      smtp: discoveredServer(smtp.server, address),
    };
  } catch (error) {
    if (error instanceof MssanteError) return { code: error.code, detail: error.detail ?? '' };
    throw error;
  }
}

function discoveredServer(found: AutoconfigServer, address: string): DiscoveredServer {
  const hostname = found.hostname.toLowerCase();
  if (!DNS_NAME.test(hostname))
    throw new MssanteError('E_AUTOCONFIG_INVALID', {
      detail: `${found.type} hostname ${found.hostname.slice(0, 100)}`,
    });
  return {
    host: hostname,
    port: found.port,
    socketType: 'STARTTLS',
    username: expandUsername(found.username ?? '%EMAILADDRESS%', address),
    authentication: [...found.authentication],
  };
}
