import { existsSync, readFileSync } from 'node:fs';
import type { LookupFunction } from 'node:net';
import path from 'node:path';
import type { SandboxRuntime } from '../../sandbox/contracts';
import { sandboxDir } from '../../sandbox/paths';
import { sandboxLookup } from '../../sandbox/resolve';
import { MssanteError } from '../../shared/errors/mssante-error';
import { projectRoot } from '../project-root';
import { PSC_PRESETS, type PscEndpoints, sandboxEndpoints } from '../psc/presets';
import type { ClientAuthConfig } from '../psc/session';
import { readHostConfigText } from './private-file';
import { resolvePscAuth } from './psc-auth';
import {
  loadSandboxTrustSet,
  loadShippedTrustSet,
  type TrustSet,
  type TrustSetName,
} from '../trust/trust-sets';

/**
 * The host's configuration, `<state>/config.json` (mode 0600: it holds the PSC client secret of
 * the intermediate LPS server; a looser mode is refused, see private-file.ts). Two shapes:
 *
 *   { "sandbox": "<dir>" }                       everything from the local sandbox's runtime.json
 *   { "psc": { "preset": "bas" | "production" | "custom", "issuer"?, "discovery"?,
 *              "clientId": "…", "auth": { "method": … } },    (psc-auth.ts; or the older
 *                                                               flat "clientSecret": "…")
 *     "trust": { "set": "ans-test" | "production" }
 *             | { "set": "sandbox", "rootCert": "<pem file>", "intermediateCert": "<pem file>" },
 *     "hosts"?: { "<name or *.domain>": "127.0.0.1" } }
 *
 * `psc` may be left out: the bridges then still apply the trust policy (and say why a server is
 * refused) but cannot log in with XOAUTH2.
 *
 * Without a file, the host uses the project's sandbox when one is running (what `npm start` and
 * the tests need), and otherwise says PSC is not configured.
 */
export interface ResolvedConfig {
  preset: 'sandbox' | 'bas' | 'production' | 'custom';
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
  sandbox?: SandboxRuntime;
}

interface ConfigFile {
  sandbox?: string;
  psc?: {
    preset: 'bas' | 'production' | 'custom';
    issuer?: string;
    discovery?: string;
    clientId: string;
    auth?: unknown;
    clientSecret?: string;
    sessionCheckSeconds?: number;
  };
  trust?:
    | { set: Exclude<TrustSetName, 'sandbox'> }
    | { set: 'sandbox'; rootCert: string; intermediateCert: string };
  hosts?: Record<string, string>;
}

export const ANCHORS_DIR = (): string =>
  path.join(projectRoot(), 'native-host', 'trust', 'anchors');

function readSandbox(dir: string): SandboxRuntime {
  const file = path.join(dir, 'runtime.json');
  if (!existsSync(file))
    throw new MssanteError('E_CONFIG_MISSING', { detail: `sandbox not running (${dir})` });
  return JSON.parse(readFileSync(file, 'utf8')) as SandboxRuntime;
}

export function resolveConfig(
  stateDir: string,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedConfig {
  const file = path.join(stateDir, 'config.json');
  const text = readHostConfigText(stateDir);
  const config: ConfigFile =
    text !== null ? (JSON.parse(text) as ConfigFile) : { sandbox: sandboxDir(projectRoot(), env) };
  if (config.sandbox !== undefined) {
    const runtime = readSandbox(config.sandbox);
    const pki = runtime.internal.pki;
    return {
      preset: 'sandbox',
      psc: {
        endpoints: sandboxEndpoints(runtime.psc.issuer),
        clientId: runtime.internal.pscHostClient.clientId,
        auth: {
          method: 'client_secret_basic',
          secret: runtime.internal.pscHostClient.clientSecret,
        },
        allowHttp: true,
      },
      trust: loadSandboxTrustSet(pki.rootCert, pki.intermediateCert),
      lookup: sandboxLookup(runtime.hosts),
      sandbox: runtime,
    };
  }
  if (!config.trust) throw new MssanteError('E_CONFIG_MISSING', { detail: file });
  const wanted = config.trust;
  const trust =
    wanted.set === 'sandbox'
      ? loadSandboxTrustSet(wanted.rootCert, wanted.intermediateCert)
      : loadShippedTrustSet(wanted.set, ANCHORS_DIR());
  const psc = config.psc;
  const lookup = config.hosts ? sandboxLookup(config.hosts) : undefined;
  const resolvedPsc: NonNullable<ResolvedConfig['psc']> | undefined = psc && {
    endpoints:
      psc.preset === 'custom'
        ? {
            issuer: psc.issuer ?? '',
            discovery: psc.discovery ?? `${psc.issuer}/.well-known/openid-configuration`,
          }
        : PSC_PRESETS[psc.preset],
    clientId: psc.clientId,
    auth: resolvePscAuth(psc, stateDir, lookup),
    // Plain HTTP only for an issuer on this machine (a local stub), never for a remote one.
    allowHttp:
      psc.preset === 'custom' && /^http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(psc.issuer ?? ''),
    ...(psc.sessionCheckSeconds ? { sessionCheckSeconds: psc.sessionCheckSeconds } : {}),
  };
  const resolved: ResolvedConfig = { preset: psc?.preset ?? 'custom', trust };
  if (resolvedPsc) resolved.psc = resolvedPsc;
  if (lookup) resolved.lookup = lookup;
  return resolved;
}
