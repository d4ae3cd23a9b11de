import type { LookupFunction } from 'node:net';
import path from 'node:path';
import { MssanteError } from '../../shared/errors/mssante-error';
import { DEFAULT_NIL } from '../../shared/domain/mail/headers';
import { ANNUAIRE_PRESET } from '../annuaire/preset';
import { staticLookup } from '../net/static-lookup';
import { projectRoot } from '../project-root';
import { PSC_PRESETS, type PscEndpoints } from '../psc/presets';
import type { ClientAuthConfig } from '../psc/session';
import { loadSandboxTrustSet, loadShippedTrustSet, type TrustSet } from '../trust/trust-sets';
import { readNamedFile } from './named-file';
import { readHostConfigText } from './private-file';
import { allowsPlainHttp } from './psc-url';
import { resolvePscAuth } from './psc-auth';
import { type AnnuaireConfigFile, type HostConfigFile, parseHostConfig } from './schema';

/**
 * The only reader of the host's `<state>/config.json` (schema.ts says what it holds; mode 0600:
 * it holds the PSC client secret of the intermediate LPS server, a looser mode is refused, see
 * private-file.ts). Without the file the host is not configured: every caller gets
 * E_CONFIG_MISSING, which the popup shows as "not configured".
 */
export interface ResolvedConfig {
  preset: 'bas' | 'production' | 'custom' | 'lps-server';
  /** The intermediate LPS server holding the PSC sessions (then there is no `psc`). */
  lps?: { url: string; ca?: string; lookup?: LookupFunction; checkSeconds?: number };
  psc?: {
    endpoints: PscEndpoints;
    clientId: string;
    auth: ClientAuthConfig;
    allowHttp: boolean;
    idleSeconds?: number;
    maxSeconds?: number;
    sessionCheckSeconds?: number;
  };
  trust: TrustSet;
  lookup?: LookupFunction;
  /** The port of autoconfig.<domain> per mail domain (443 for the others). */
  autoconfigPorts: Record<string, number>;
  annuaire: AnnuaireConfig;
  /** ECO.2.4.3: the X-MSS-NIL value the SMTP bridge adds to a message sent without one. */
  productReference: string;
}

/**
 * Where the host's Annuaire searches go: an LDAP directory (the public Annuaire Santé when
 * config.json says nothing), or only the imported extraction file. With `ldap`, the offline
 * index (when one was imported) answers when the directory cannot be reached.
 */
export type AnnuaireConfig = { source: 'ldap'; url: string; base: string } | { source: 'offline' };

export const ANCHORS_DIR = (): string =>
  path.join(projectRoot(), 'native-host', 'trust', 'anchors');

/** config.json of a state folder, checked against the schema; null when there is none. */
export function readHostConfig(stateDir: string): HostConfigFile | null {
  const text = readHostConfigText(stateDir);
  if (text === null) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw new MssanteError('E_CONFIG_INVALID', { detail: 'config.json is not JSON', cause });
  }
  return parseHostConfig(raw);
}

function requireHostConfig(stateDir: string): HostConfigFile {
  const config = readHostConfig(stateDir);
  if (!config)
    throw new MssanteError('E_CONFIG_MISSING', { detail: path.join(stateDir, 'config.json') });
  return config;
}

export function annuaireConfig(value: AnnuaireConfigFile | undefined): AnnuaireConfig {
  if (value === undefined || 'preset' in value) return { source: 'ldap', ...ANNUAIRE_PRESET };
  if (value.source === 'offline') return { source: 'offline' };
  return { source: 'ldap', url: value.url, base: value.base || ANNUAIRE_PRESET.base };
}

/** The Annuaire configuration of a state folder (read at each call). */
export function resolveAnnuaireConfig(stateDir: string): AnnuaireConfig {
  return annuaireConfig(requireHostConfig(stateDir).annuaire);
}

/** PSC client options from config.json's `psc` (also the intermediate server's `psc`). */
export function pscConfig(
  psc: NonNullable<HostConfigFile['psc']>,
  stateDir: string,
  lookup: LookupFunction | undefined,
): NonNullable<ResolvedConfig['psc']> {
  const issuer = psc.issuer ?? '';
  return {
    endpoints:
      psc.preset === 'custom'
        ? { issuer, discovery: psc.discovery ?? `${issuer}/.well-known/openid-configuration` }
        : PSC_PRESETS[psc.preset],
    clientId: psc.clientId,
    auth: resolvePscAuth(psc, stateDir, lookup),
    // Plain HTTP only for an issuer on a loopback address (a local stub), never a remote one.
    allowHttp: psc.preset === 'custom' && allowsPlainHttp(issuer),
    ...(psc.sessionCheckSeconds ? { sessionCheckSeconds: psc.sessionCheckSeconds } : {}),
  };
}

/** The whole configuration of a state folder, its trust set and PSC key files loaded. */
export function resolveConfig(stateDir: string): ResolvedConfig {
  const config = requireHostConfig(stateDir);
  const wanted = config.trust;
  const trust =
    wanted.set === 'sandbox'
      ? loadSandboxTrustSet(wanted.rootCert, wanted.intermediateCert)
      : loadShippedTrustSet(wanted.set, ANCHORS_DIR());
  const lookup = config.hosts ? staticLookup(config.hosts) : undefined;
  const resolved: ResolvedConfig = {
    preset: config.psc?.preset ?? 'custom',
    trust,
    autoconfigPorts: Object.fromEntries(
      Object.entries(config.autoconfig?.ports ?? {}).map(([d, p]) => [d.toLowerCase(), p]),
    ),
    annuaire: annuaireConfig(config.annuaire),
    productReference: config.productReference ?? DEFAULT_NIL,
  };
  if (config.psc) resolved.psc = pscConfig(config.psc, stateDir, lookup);
  if (config.lps) {
    resolved.preset = 'lps-server';
    resolved.lps = {
      url: config.lps.url,
      ...(config.lps.caFile
        ? {
            ca: readNamedFile(
              path.resolve(stateDir, config.lps.caFile),
              'E_CONFIG_INVALID',
              'lps.caFile',
            ),
          }
        : {}),
      ...(lookup ? { lookup } : {}),
      ...(config.lps.checkSeconds ? { checkSeconds: config.lps.checkSeconds } : {}),
    };
  }
  if (lookup) resolved.lookup = lookup;
  return resolved;
}
