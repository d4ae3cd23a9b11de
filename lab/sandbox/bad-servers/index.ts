import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type tls from 'node:tls';
import { TLS12_SUITES } from '../../../native-host/trust/tls-policy';
import { ensurePackages } from '../../system/packages';
import type { ErrorCode } from '../../../shared/errors/codes';
import { type Endpoint, HOST_NAMES } from '../contracts';
import type { LeafOptions, MiniPki } from '../pki/mini-pki';
import { type StarttlsServer, starttlsServer } from './starttls-server';

export { type StarttlsServer, starttlsServer } from './starttls-server';

const DAY = 86_400_000;

interface BadCase {
  protocol: 'imap' | 'smtp';
  /** The rule it breaks, and the code a client following the rules refuses it with. */
  breaks: string;
  expected: ErrorCode;
  leaf?: (now: number) => LeafOptions;
  tls?: tls.TlsOptions | 'dh1024';
  starttls?: 'absent' | 'refuse';
}

/**
 * The negative cases of the trust matrix (issues 5 part 4 and 7): each server greets like IMAP or
 * SMTP, offers STARTTLS (unless that is its fault) and breaks exactly one rule.
 */
export const BAD_CASES = {
  tls11: {
    protocol: 'imap',
    breaks: 'ECO.1.1.1',
    expected: 'E_TLS_VERSION',
    tls: { minVersion: 'TLSv1.1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT:@SECLEVEL=0' },
  },
  cbcSha1: {
    protocol: 'imap',
    breaks: 'ECO.1.1.3',
    expected: 'E_TLS_SUITE',
    tls: { maxVersion: 'TLSv1.2', ciphers: 'AES128-SHA:@SECLEVEL=0' },
  },
  chacha20: {
    protocol: 'imap',
    breaks: 'ECO.1.1.3',
    expected: 'E_TLS_SUITE',
    tls: { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-CHACHA20-POLY1305' },
  },
  dh1024: { protocol: 'imap', breaks: 'ECO.1.1.3', expected: 'E_TLS_DH_TOO_SMALL', tls: 'dh1024' },
  // ECDHE with a 224-bit curve only: the client offers P-256, P-384 and P-521, so no group is
  // shared and the handshake fails (handshake_failure alert: E_TLS_SUITE, docs/trust.md).
  ecdh224: {
    protocol: 'imap',
    breaks: 'ECO.1.1.3',
    expected: 'E_TLS_SUITE',
    tls: {
      maxVersion: 'TLSv1.2',
      ciphers: 'ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256',
      ecdhCurve: 'secp224r1',
    },
  },
  expired: {
    protocol: 'imap',
    breaks: 'ECO.1.1.5',
    expected: 'E_TRUST_EXPIRED',
    leaf: (now) => ({ from: new Date(now - 60 * DAY), to: new Date(now - DAY) }),
  },
  expiredSmtp: {
    protocol: 'smtp',
    breaks: 'ECO.1.1.5',
    expected: 'E_TRUST_EXPIRED',
    leaf: (now) => ({ from: new Date(now - 60 * DAY), to: new Date(now - DAY) }),
  },
  notYetValid: {
    protocol: 'imap',
    breaks: 'ECO.1.1.5',
    expected: 'E_TRUST_NOT_YET_VALID',
    leaf: (now) => ({ from: new Date(now + DAY), to: new Date(now + 60 * DAY) }),
  },
  revokedCrl: { protocol: 'imap', breaks: 'ECO.1.1.6', expected: 'E_TRUST_REVOKED' },
  revokedOcsp: { protocol: 'imap', breaks: 'ECO.1.1.6', expected: 'E_TRUST_REVOKED' },
  foreignCa: {
    protocol: 'imap',
    breaks: 'ECO.1.1.10',
    expected: 'E_TRUST_UNKNOWN_CA',
    leaf: () => ({ issuer: 'foreign' }),
  },
  rootIssued: {
    protocol: 'imap',
    breaks: 'ECO.1.1.10',
    expected: 'E_TRUST_NOT_ORGANISATIONS_CA',
    leaf: () => ({ issuer: 'root' }),
  },
  wrongHost: {
    protocol: 'imap',
    breaks: 'ECO.1.1.10',
    expected: 'E_TRUST_HOSTNAME',
    leaf: () => ({ name: 'smtp.elsewhere.test' }),
  },
  noStarttls: {
    protocol: 'imap',
    breaks: 'ECO.1.0.2',
    expected: 'E_STARTTLS_UNAVAILABLE',
    starttls: 'absent',
  },
  starttlsRefused: {
    protocol: 'imap',
    breaks: 'ECO.1.0.2',
    expected: 'E_STARTTLS_REFUSED',
    starttls: 'refuse',
  },
  noStarttlsSmtp: {
    protocol: 'smtp',
    breaks: 'ECO.1.0.1',
    expected: 'E_STARTTLS_UNAVAILABLE',
    starttls: 'absent',
  },
  starttlsRefusedSmtp: {
    protocol: 'smtp',
    breaks: 'ECO.1.0.1',
    expected: 'E_STARTTLS_REFUSED',
    starttls: 'refuse',
  },
} as const satisfies Record<string, BadCase>;

export type BadCaseName = keyof typeof BAD_CASES;
export const BAD_CASE_NAMES = Object.keys(BAD_CASES) as BadCaseName[];

export interface BadServers {
  /** Where each case listens; `host` is the sandbox name its certificate is issued for. */
  servers: Record<BadCaseName, Endpoint & { protocol: 'imap' | 'smtp' }>;
  /** Authentication commands (AUTHENTICATE, LOGIN, AUTH) that reached a case's server, ever. */
  authAttempts(name: BadCaseName): number;
  /**
   * Serial numbers (lower-case hex) the caller must publish as revoked: in the CRL served at
   * `crlUrl` (`crl`), and as `revoked` by the OCSP responder only (`ocsp`).
   */
  revokedSerials: { crl: string[]; ocsp: string[] };
  stop(): Promise<void>;
}

/** A 1024-bit DH group (`openssl dhparam 1024`), kept in `dir` when given. */
function dh1024(dir?: string): string {
  const file = dir && path.join(dir, 'dh1024.pem');
  if (file && existsSync(file)) return readFileSync(file, 'utf8');
  ensurePackages([{ command: 'openssl', pkg: 'openssl' }]);
  const made = spawnSync('openssl', ['dhparam', '1024'], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`openssl dhparam 1024 failed: ${made.stderr}`);
  if (file) {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, made.stdout, { mode: 0o600 });
  }
  return made.stdout;
}

/** A serial number that stays positive in DER and is unlikely to meet another certificate's. */
const serial = () => `7${randomBytes(7).toString('hex')}`;

/**
 * Starts one STARTTLS server per bad case on loopback ports, with certificates from the sandbox
 * PKI (CRL distribution point and OCSP responder at the given URLs). The sandbox daemon
 * publishes them as `badServers` in runtime.json; the trust matrix connects to them.
 */
export async function startBadServers(options: {
  pki: MiniPki;
  crlUrl: string;
  ocspUrl: string;
  /** Where the 1024-bit DH group is kept between runs (generated once). */
  dir?: string;
}): Promise<BadServers> {
  const revokedSerials = { crl: [serial()], ocsp: [serial()] };
  const dh = dh1024(options.dir);
  const now = Date.now();
  const started = await Promise.all(
    BAD_CASE_NAMES.map(async (name): Promise<[BadCaseName, StarttlsServer]> => {
      const spec: BadCase = BAD_CASES[name];
      const host = HOST_NAMES[spec.protocol];
      const { cert, keyPem } = await options.pki.issue({
        name: host,
        crlUrl: options.crlUrl,
        ocspUrl: options.ocspUrl,
        ...(name === 'revokedCrl' ? { serial: revokedSerials.crl[0]! } : {}),
        ...(name === 'revokedOcsp' ? { serial: revokedSerials.ocsp[0]! } : {}),
        ...spec.leaf?.(now),
      });
      const issuer = spec.leaf?.(now).issuer;
      const chain = issuer === 'foreign' || issuer === 'root' ? '' : options.pki.organisations;
      const extra: tls.TlsOptions =
        spec.tls === 'dh1024'
          ? {
              maxVersion: 'TLSv1.2',
              ciphers: 'DHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0',
              dhparam: dh,
            }
          : (spec.tls ?? {});
      const server = await starttlsServer({
        protocol: spec.protocol,
        ...(spec.starttls ? { starttls: spec.starttls } : {}),
        tls: {
          cert: cert.toString() + chain.toString(),
          key: keyPem,
          ciphers: TLS12_SUITES.join(':'),
          dhparam: 'auto',
          ...extra,
        },
      });
      return [name, server];
    }),
  );
  const byName = new Map(started);
  return {
    servers: Object.fromEntries(
      started.map(([name, server]) => [
        name,
        {
          host: HOST_NAMES[BAD_CASES[name].protocol],
          port: server.port,
          protocol: BAD_CASES[name].protocol,
        },
      ]),
    ) as BadServers['servers'],
    authAttempts: (name) => byName.get(name)?.authAttempts() ?? 0,
    revokedSerials,
    stop: async () => {
      await Promise.all(started.map(([, server]) => server.close()));
    },
  };
}
