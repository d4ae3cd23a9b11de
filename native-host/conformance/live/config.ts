import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as z from '../../../shared/protocol/zod';
import { isNationalId } from '../../../shared/domain/identity/national-id';
import { MssanteError } from '../../../shared/errors/mssante-error';
import { PSC_PRESETS, type PscEndpoints } from '../../psc/presets';
import type { PscSessionOptions } from '../../psc/session';
import { ANCHORS_DIR } from '../../config/load';
import { allowsPlainHttp, pscEndpointsFault } from '../../config/psc-url';
import { loadSandboxTrustSet, loadShippedTrustSet, type TrustSet } from '../../trust/trust-sets';

const endpoint = z.object({
  host: z.string().check(z.minLength(1)),
  port: z.number().check(z.int(), z.positive()),
});

/**
 * The file a lab fills in for `mssante conformance --live <file>` (docs/conformance.md). It holds
 * the PSC client secret of the lab's intermediate LPS server: keep it mode 0600.
 */
export const LiveConfigSchema = z.object({
  /** The name the results are filed under in the report. */
  platform: z.string().check(z.minLength(1)),
  mailbox: z.object({
    address: z.string().check(z.regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/)),
    profile: z.enum(['PER', 'ORG']),
  }),
  imap: endpoint,
  smtp: endpoint,
  psc: z.object({
    preset: z.enum(['bas', 'production', 'custom']),
    issuer: z.optional(z.string()),
    discovery: z.optional(z.string()),
    clientId: z.string().check(z.minLength(1)),
    clientSecret: z.string().check(z.minLength(1)),
    /**
     * `ciba`: a push to the lab's e-CPS (nationalId), the binding message printed; `browser`: the
     * URL printed, the redirect comes back to a loopback listener.
     */
    login: z.enum(['ciba', 'browser']),
    nationalId: z.optional(z.string().check(z.refine(isNationalId, 'not a PSC national id'))),
    loginTimeoutSeconds: z.optional(z.number().check(z.int(), z.positive())),
  }),
  trust: z.union([
    z.object({ set: z.enum(['ans-test', 'production']) }),
    z.object({
      set: z.literal('sandbox'),
      rootCert: z.string(),
      intermediateCert: z.string(),
    }),
  ]),
  /** Name → address overrides (the sandbox's names are not in DNS); `*.domain` keys allowed. */
  hosts: z.optional(z.record(z.string(), z.string())),
  /** ECO.1.1.9: the autoconfig server's port (443 unless told; the sandbox's differs). */
  autoconfig: z.optional(z.object({ port: z.optional(z.number().check(z.int(), z.positive())) })),
  /** ECO.3.1.4: the Annuaire's LDAP server, its base, and a name to search for. */
  ldap: z.optional(
    z.object({
      url: z.string().check(z.regex(/^ldaps?:\/\//)),
      base: z.string(),
      name: z.optional(z.string()),
    }),
  ),
});

export type LiveConfig = z.infer<typeof LiveConfigSchema>;

/** Reads and checks a live configuration; relative certificate paths are read from its folder. */
export function readLiveConfig(file: string): LiveConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new MssanteError('E_CONFORMANCE_CONFIG', {
      detail: `${file}: ${(error as Error).message}`.slice(0, 200),
      cause: error,
    });
  }
  const config = parseLiveConfig(raw);
  if (config.trust.set === 'sandbox') {
    const dir = path.dirname(path.resolve(file));
    config.trust.rootCert = path.resolve(dir, config.trust.rootCert);
    config.trust.intermediateCert = path.resolve(dir, config.trust.intermediateCert);
  }
  return config;
}

export function parseLiveConfig(raw: unknown): LiveConfig {
  const parsed = LiveConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new MssanteError('E_CONFORMANCE_CONFIG', {
      detail: `${first?.path.join('.') ?? ''}: ${first?.message ?? ''}`.slice(0, 200),
    });
  }
  const config = parsed.data;
  if (config.psc.preset === 'custom' && !config.psc.issuer)
    throw new MssanteError('E_CONFORMANCE_CONFIG', { detail: 'psc.issuer: required by custom' });
  const urlFault = pscEndpointsFault(config.psc);
  if (urlFault) throw new MssanteError('E_CONFORMANCE_CONFIG', { detail: urlFault });
  if (config.psc.login === 'ciba' && !config.psc.nationalId)
    throw new MssanteError('E_CONFORMANCE_CONFIG', {
      detail: `psc.nationalId: required by ${config.psc.login}`,
    });
  return config;
}

export function liveTrustSet(config: LiveConfig): TrustSet {
  const t = config.trust;
  return t.set === 'sandbox'
    ? loadSandboxTrustSet(t.rootCert, t.intermediateCert)
    : loadShippedTrustSet(t.set, ANCHORS_DIR());
}

/** PSC session options, as the host resolves them (docs/configuration.md). */
export function livePscOptions(config: LiveConfig): PscSessionOptions {
  const psc = config.psc;
  const endpoints: PscEndpoints =
    psc.preset === 'custom'
      ? {
          issuer: psc.issuer ?? '',
          discovery: psc.discovery ?? `${psc.issuer}/.well-known/wallet-openid-configuration`,
        }
      : PSC_PRESETS[psc.preset];
  return {
    endpoints,
    clientId: psc.clientId,
    auth: { method: 'client_secret_basic', secret: psc.clientSecret },
    // Plain HTTP only for an issuer on this machine (the local stub), never for a remote one.
    allowHttp: psc.preset === 'custom' && allowsPlainHttp(psc.issuer),
    loginTimeoutMs: (psc.loginTimeoutSeconds ?? 300) * 1000,
  };
}

/** What the report says about where the run went: no secret. */
export function describeTarget(config: LiveConfig): Record<string, string> {
  return {
    mailbox: `${config.mailbox.address} (${config.mailbox.profile})`,
    imap: `${config.imap.host}:${config.imap.port}`,
    smtp: `${config.smtp.host}:${config.smtp.port}`,
    psc: `${config.psc.preset} (${config.psc.login})`,
    trust: config.trust.set,
    ...(config.ldap ? { ldap: `${config.ldap.url} ${config.ldap.base}` } : {}),
  };
}
