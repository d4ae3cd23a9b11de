import { isIP } from 'node:net';
import * as z from '../../shared/protocol/zod';
import { MssanteError } from '../../shared/errors/mssante-error';
import { pscEndpointsFault, pscUrlFault } from './psc-url';

export { pscEndpointsFault };

/**
 * The host's `config.json` (docs/configuration.md): the one door between whoever deploys the
 * host — an establishment, a lab, the project's own lab/ — and the product. This schema is the
 * only description of the file; `load.ts` is the only code that reads it, and every writer (the
 * lab's `writeSandboxHostConfig`, the tests) validates what it writes against it.
 *
 *   { "version"?: 1,
 *     "lps"?: { "url": "https://<intermediate LPS server>", "caFile"?, "checkSeconds"? },
 *     "psc"?: { "preset": "bas" | "production" | "custom", "issuer"?, "discovery"?,
 *               "clientId": "…", "auth": { "method": … } | (older) "clientSecret": "…",
 *               "sessionCheckSeconds"? },       (embedded: the host is its own LPS server)
 *     "trust": { "set": "ans-test" | "production" }
 *            | { "set": "sandbox", "rootCert": "<pem file>", "intermediateCert": "<pem file>" },
 *     "hosts"?: { "<name or *.domain>": "<IP address>" },
 *     "autoconfig"?: { "ports": { "<mail domain>": <port of autoconfig.<domain>> } },
 *     "annuaire"?: { "source": "ldap", "url": "ldap[s]://…", "base"? }
 *                | { "source": "ldap", "preset": "public" } | { "source": "offline" },
 *     "productReference"?: "<X-MSS-NIL value>" }
 *
 * Unknown keys are refused (a misspelt key would otherwise be silently ignored), and so is the
 * `{ "sandbox": "<dir>" }` shape of earlier versions: the lab now writes a whole file.
 */
export const HOST_CONFIG_VERSION = 1;

const nonEmpty = () => z.string().check(z.minLength(1));
const port = z.number().check(z.int(), z.positive(), z.lte(65_535));
const hostName = z
  .string()
  .check(z.regex(/^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i));

/** `psc.auth`: how the host authenticates itself at PSC (files are read by psc-auth.ts). */
const secretAuth = z.strictObject({
  method: z.enum(['client_secret_basic', 'client_secret_post']),
  clientSecret: nonEmpty(),
});
const keyJwtAuth = z.strictObject({
  method: z.literal('private_key_jwt'),
  keyFile: nonEmpty(),
  alg: z.optional(z.enum(['RS256', 'PS256', 'ES256'])),
  kid: z.optional(nonEmpty()),
});
const tlsAuth = z.strictObject({
  method: z.literal('tls_client_auth'),
  certFile: z.optional(nonEmpty()),
  keyFile: z.optional(nonEmpty()),
  pkcs12File: z.optional(nonEmpty()),
  passphrase: z.optional(z.string()),
  caFile: z.optional(nonEmpty()),
});
export const PscAuthSchema = z.discriminatedUnion('method', [secretAuth, keyJwtAuth, tlsAuth]);
export type PscAuthFile = z.infer<typeof PscAuthSchema>;
export type KeyJwtAuthFile = z.infer<typeof keyJwtAuth>;
export type TlsAuthFile = z.infer<typeof tlsAuth>;

/** An issuer or discovery URL: HTTPS, or HTTP on a loopback IP literal (psc-url.ts). */
const pscUrl = () =>
  z.string().check(
    z.refine((v) => pscUrlFault(v) === undefined, {
      error: (issue) => pscUrlFault(String(issue.input)),
    }),
  );

export const PscSchema = z.strictObject({
  preset: z.enum(['bas', 'production', 'custom']),
  issuer: z.optional(pscUrl()),
  discovery: z.optional(pscUrl()),
  clientId: nonEmpty(),
  auth: z.optional(z.unknown()),
  clientSecret: z.optional(z.string()),
  sessionCheckSeconds: z.optional(z.number().check(z.int(), z.positive())),
});

const TrustSchema = z.union([
  z.strictObject({ set: z.enum(['ans-test', 'production']) }),
  z.strictObject({
    set: z.literal('sandbox'),
    rootCert: nonEmpty(),
    intermediateCert: nonEmpty(),
  }),
]);

const AnnuaireSchema = z.union([
  z.strictObject({ source: z.literal('ldap'), preset: z.literal('public') }),
  z.strictObject({
    source: z.literal('ldap'),
    url: z.string().check(z.regex(/^ldaps?:\/\/[^\s/]+/i)),
    base: z.optional(z.string()),
  }),
  z.strictObject({ source: z.literal('offline') }),
]);

/**
 * `lps`: the intermediate LPS server that holds this workstation's PSC sessions
 * (docs/lps-server.md); the host then holds no PSC credential. `caFile`: the CA(s) its HTTPS
 * certificate chains to (the system's roots when absent).
 */
const LpsSchema = z.strictObject({
  url: z.string().check(z.regex(/^https:\/\/[a-z0-9.-]+(:\d{1,5})?$/i)),
  caFile: z.optional(nonEmpty()),
  checkSeconds: z.optional(z.number().check(z.int(), z.positive())),
});

export const HostConfigSchema = z.strictObject({
  version: z.optional(z.literal(HOST_CONFIG_VERSION)),
  psc: z.optional(PscSchema),
  lps: z.optional(LpsSchema),
  trust: TrustSchema,
  /** Name → address overrides (names not in DNS: a lab's, an establishment's split horizon). */
  hosts: z.optional(
    z.record(hostName, z.string().check(z.refine((a) => isIP(a) !== 0, 'not an IP address'))),
  ),
  /** The port of autoconfig.<domain> per mail domain (443 when not listed). */
  autoconfig: z.optional(z.strictObject({ ports: z.record(hostName, port) })),
  annuaire: z.optional(AnnuaireSchema),
  /**
   * ECO.2.4.3: the "référence produit" convergence.esante.gouv.fr gives the editor, sent as
   * X-MSS-NIL by the SMTP bridge on a message leaving without it (DEFAULT_NIL when absent).
   * Printable ASCII, no leading or trailing space: it goes into a header line as it is.
   */
  productReference: z.optional(
    z.string().check(z.regex(/^[\x21-\x7e](?:[\x20-\x7e]{0,198}[\x21-\x7e])?$/)),
  ),
});

export type HostConfigFile = z.infer<typeof HostConfigSchema>;
export type PscConfigFile = NonNullable<HostConfigFile['psc']>;
export type AnnuaireConfigFile = NonNullable<HostConfigFile['annuaire']>;

/** The first fault of a zod result as `field: why`, for E_CONFIG_INVALID's detail. */
export function configFault(issues: readonly z.core.$ZodIssue[], prefix: string[] = []): string {
  const issue = issues[0];
  if (!issue) return 'invalid';
  const field = [...prefix, ...issue.path.map(String)].join('.') || '(file)';
  return `${field}: ${issue.message}`;
}

/** Checks a parsed config.json; throws E_CONFIG_INVALID naming the first wrong field. */
export function parseHostConfig(raw: unknown): HostConfigFile {
  if (typeof raw === 'object' && raw !== null && 'sandbox' in raw)
    throw new MssanteError('E_CONFIG_INVALID', {
      detail:
        'sandbox: the { "sandbox": dir } shape is gone; `npx mssante-lab host-config` writes a whole file for a running sandbox',
    });
  const parsed = HostConfigSchema.safeParse(raw);
  if (!parsed.success)
    throw new MssanteError('E_CONFIG_INVALID', { detail: configFault(parsed.error.issues) });
  const psc = parsed.data.psc;
  if (psc && parsed.data.lps)
    throw new MssanteError('E_CONFIG_INVALID', {
      detail: 'lps: give either lps (an intermediate LPS server) or psc (embedded), not both',
    });
  const fault = psc && pscEndpointsFault(psc);
  if (fault) throw new MssanteError('E_CONFIG_INVALID', { detail: fault });
  return parsed.data;
}
