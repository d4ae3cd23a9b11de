import { isIP } from 'node:net';
import path from 'node:path';
import * as z from '../shared/protocol/zod';
import { MssanteError } from '../shared/errors/mssante-error';
import { type ResolvedConfig, pscConfig } from '../native-host/config/load';
import { configFault, PscSchema, pscEndpointsFault } from '../native-host/config/schema';
import { readNamedFile } from '../native-host/config/named-file';
import { staticLookup } from '../native-host/net/static-lookup';

/**
 * The intermediate LPS server's configuration file (docs/lps-server.md), mode 0600: it names
 * the PSC client registration (secret, private_key_jwt key or client certificate, as the host's
 * `psc` block, schema.ts), which never leaves the server.
 *
 *   { "version"?: 1,
 *     "publicUrl": "https://lps.example.fr:8443",   what workstations and PSC's redirect reach
 *     "listen": { "host": "0.0.0.0", "port": 8443 },
 *     "tls": { "certFile": "…", "keyFile": "…" },
 *     "psc": { "preset": …, "clientId": …, "auth": … },   the registration at PSC
 *     "hosts"?: { "<name>": "<IP>" },                    names not in DNS (a lab's PSC)
 *     "sessions"?: { "max"?: 10000, "pendingSeconds"?: 600, "checkSeconds"?: 30 },
 *     "log"?: "<file>" }                                  operational log (stderr without it)
 *
 * The redirect URI registered at PSC is `<publicUrl>/v1/psc/callback`.
 */
const port = z.number().check(z.int(), z.positive(), z.lte(65_535));

export const LpsServerConfigSchema = z.strictObject({
  version: z.optional(z.literal(1)),
  publicUrl: z.string().check(z.regex(/^https:\/\/[a-z0-9.-]+(:\d{1,5})?$/i)),
  listen: z.strictObject({ host: z.optional(z.string()), port }),
  tls: z.strictObject({ certFile: z.string(), keyFile: z.string() }),
  psc: PscSchema,
  hosts: z.optional(
    z.record(z.string(), z.string().check(z.refine((a) => isIP(a) !== 0, 'not an IP address'))),
  ),
  sessions: z.optional(
    z.strictObject({
      max: z.optional(z.number().check(z.int(), z.positive())),
      pendingSeconds: z.optional(z.number().check(z.int(), z.positive())),
      checkSeconds: z.optional(z.number().check(z.int(), z.positive())),
      idleSeconds: z.optional(z.number().check(z.int(), z.positive())),
      maxSeconds: z.optional(z.number().check(z.int(), z.positive())),
    }),
  ),
  log: z.optional(z.string()),
});

export type LpsServerConfigFile = z.infer<typeof LpsServerConfigSchema>;

export interface LpsServerConfig {
  publicUrl: string;
  redirectUri: string;
  listen: { host: string; port: number };
  tls: { cert: string; key: string };
  psc: NonNullable<ResolvedConfig['psc']>;
  sessions: { max: number; pendingSeconds: number; checkSeconds: number };
  idleSeconds?: number;
  maxSeconds?: number;
  log?: string;
}

function invalid(detail: string): never {
  throw new MssanteError('E_LPS_CONFIG', { detail });
}

/** Reads and checks the server's configuration; files are relative to its folder. */
export function loadLpsServerConfig(file: string): LpsServerConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readNamedFile(file, 'E_LPS_CONFIG', '(file)'));
  } catch (error) {
    if (error instanceof MssanteError) throw error;
    return invalid('not JSON');
  }
  const parsed = LpsServerConfigSchema.safeParse(raw);
  if (!parsed.success) return invalid(configFault(parsed.error.issues));
  const config = parsed.data;
  const dir = path.dirname(path.resolve(file));
  const lookup = config.hosts ? staticLookup(config.hosts) : undefined;
  const pscFault = pscEndpointsFault(config.psc);
  if (pscFault) invalid(pscFault);
  const publicUrl = config.publicUrl.replace(/\/$/, '');
  return {
    publicUrl,
    redirectUri: `${publicUrl}/v1/psc/callback`,
    listen: { host: config.listen.host ?? '0.0.0.0', port: config.listen.port },
    tls: {
      cert: readNamedFile(path.resolve(dir, config.tls.certFile), 'E_LPS_CONFIG', 'tls.certFile'),
      key: readNamedFile(path.resolve(dir, config.tls.keyFile), 'E_LPS_CONFIG', 'tls.keyFile'),
    },
    psc: pscConfig(config.psc, dir, lookup),
    sessions: {
      max: config.sessions?.max ?? 10_000,
      pendingSeconds: config.sessions?.pendingSeconds ?? 600,
      checkSeconds: config.sessions?.checkSeconds ?? config.psc.sessionCheckSeconds ?? 30,
    },
    ...(config.sessions?.idleSeconds ? { idleSeconds: config.sessions.idleSeconds } : {}),
    ...(config.sessions?.maxSeconds ? { maxSeconds: config.sessions.maxSeconds } : {}),
    ...(config.log ? { log: path.resolve(dir, config.log) } : {}),
  };
}
