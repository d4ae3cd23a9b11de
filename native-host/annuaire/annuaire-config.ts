import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { SandboxRuntime } from '../../sandbox/contracts';
import { sandboxDir } from '../../sandbox/paths';
import { MssanteError } from '../../shared/errors/mssante-error';
import { readHostConfigText } from '../app/private-file';
import { projectRoot } from '../project-root';
import { ANNUAIRE_PRESET } from './ldap-client';

/**
 * Where the host's Annuaire searches go (docs/configuration.md, key `annuaire` of config.json):
 *
 *   { "source": "ldap", "url": "ldap://…", "base": "ou=bal,o=mssante,c=fr" }
 *   { "source": "ldap", "preset": "public" }          the public directory (ANNUAIRE_PRESET)
 *   { "source": "offline" }                            only the imported extraction file
 *
 * Without the key: the sandbox's directory (its runtime.json `ldap`) in sandbox mode, else the
 * public directory. With `ldap`, the offline index (when one was imported) answers when the
 * directory cannot be reached.
 */
export type AnnuaireConfig = { source: 'ldap'; url: string; base: string } | { source: 'offline' };

function invalid(detail: string): never {
  throw new MssanteError('E_CONFIG_INVALID', { detail: `annuaire: ${detail}` });
}

/** Checks the `annuaire` value of config.json. */
export function parseAnnuaireConfig(raw: unknown): AnnuaireConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) invalid('not an object');
  const value = raw as Record<string, unknown>;
  if (value.source === 'offline') return { source: 'offline' };
  if (value.source !== 'ldap') invalid('source must be "ldap" or "offline"');
  if (value.preset !== undefined) {
    if (value.preset !== 'public') invalid('preset must be "public"');
    return { source: 'ldap', ...ANNUAIRE_PRESET };
  }
  if (typeof value.url !== 'string' || value.url === '') invalid('url missing');
  if (value.base !== undefined && typeof value.base !== 'string') invalid('base must be text');
  return { source: 'ldap', url: value.url, base: (value.base as string) || ANNUAIRE_PRESET.base };
}

function sandboxLdap(dir: string): AnnuaireConfig {
  const file = path.join(dir, 'runtime.json');
  if (!existsSync(file))
    throw new MssanteError('E_CONFIG_MISSING', { detail: `sandbox not running (${dir})` });
  const runtime = JSON.parse(readFileSync(file, 'utf8')) as SandboxRuntime;
  return { source: 'ldap', url: runtime.ldap.url, base: runtime.ldap.base };
}

/** The Annuaire configuration of a state dir (read at each call: the sandbox may move). */
export function resolveAnnuaireConfig(
  stateDir: string,
  env: NodeJS.ProcessEnv = process.env,
): AnnuaireConfig {
  const text = readHostConfigText(stateDir);
  if (text === null) return sandboxLdap(sandboxDir(projectRoot(), env));
  let config: { annuaire?: unknown; sandbox?: unknown };
  try {
    config = JSON.parse(text) as typeof config;
  } catch (cause) {
    throw new MssanteError('E_CONFIG_INVALID', { detail: 'config.json is not JSON', cause });
  }
  if (config.annuaire !== undefined) return parseAnnuaireConfig(config.annuaire);
  if (typeof config.sandbox === 'string') return sandboxLdap(config.sandbox);
  return { source: 'ldap', ...ANNUAIRE_PRESET };
}
