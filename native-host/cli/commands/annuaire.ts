import type { LookupFunction } from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { toMssanteError } from '../../../shared/errors/mssante-error';
import { AnnuaireLdapClient } from '../../annuaire/ldap-client';
import { ANNUAIRE_PRESET } from '../../annuaire/preset';
import { resolveAnnuaireConfig, resolveConfig } from '../../config/load';
import { stateDir } from '../../state-dir';
import { trustContext } from '../../trust/context';
import type { TrustContext } from '../../trust/verify';
import { usageError } from '../args';
import type { CliCommand, CliIo } from '../command';
import { CRITERIA_OPTIONS, criteriaFromArgs } from './annuaire-criteria';
import { entryLine } from './annuaire-output';

/**
 * `mssante annuaire search …` over LDAP (ECO.3.1.4). The server is `--url` (and `--base`), else
 * `--public` (the public Annuaire Santé), else the one the host's config.json names.
 */
const USAGE = `usage:
  mssante annuaire search [WORDS…] [--name N] [--first-name F] [--profession P] [--speciality S]
      [--postal-code C] [--city V] [--organisation O] [--type PER|ORG|APP] [--id ID] [--mail M]
      [--url ldap://HOST:PORT] [--base DN] [--public] [--timeout SECONDS] [--json]
      WORDS alone: autocomplete (prefixes of name, first name, address, organisation);
      without --url nor --public: the Annuaire of the host's config.json
  mssante annuaire import FILE | search --offline … | info --offline
      the offline index of the public extraction file ("mssante annuaire import" alone: its usage)`;

const usage = (io: CliIo, why?: string): number => usageError(io, USAGE, why);

function server(values: {
  url?: string | undefined;
  base?: string | undefined;
  public?: boolean | undefined;
}): { url: string; base: string } | null {
  if (values.url) return { url: values.url, base: values.base ?? ANNUAIRE_PRESET.base };
  if (values.public) return { url: ANNUAIRE_PRESET.url, base: values.base ?? ANNUAIRE_PRESET.base };
  const configured = resolveAnnuaireConfig(stateDir());
  if (configured.source !== 'ldap') return null;
  return { url: configured.url, base: values.base ?? configured.base };
}

async function runSearch(args: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        json: { type: 'boolean' },
        url: { type: 'string' },
        base: { type: 'string' },
        public: { type: 'boolean' },
        timeout: { type: 'string' },
        ...CRITERIA_OPTIONS,
      },
    });
  } catch (error) {
    return usage(io, (error as Error).message);
  }
  const v = parsed.values;
  const json = v.json === true;
  const timeout = v.timeout === undefined ? undefined : Number(v.timeout);
  if (timeout !== undefined && !(timeout > 0)) return usage(io, '--timeout');
  const criteria = criteriaFromArgs(v);
  const words = parsed.positionals.join(' ');
  const hasCriteria = Object.keys(criteria).length > 0;
  if (hasCriteria === (words !== ''))
    return usage(
      io,
      io.locale === 'fr'
        ? 'des MOTS ou des critères (--name…), l’un des deux'
        : 'WORDS or criteria (--name…), one of the two',
    );
  let target: { url: string; base: string } | null;
  try {
    target = server(v);
  } catch (error) {
    const wire = toMssanteError(error).toWire(io.locale);
    io.stderr(`${wire.code}: ${wire.message}\n`);
    return usage(io, '--url | --public');
  }
  if (!target)
    return usage(
      io,
      io.locale === 'fr'
        ? 'l’hôte ne cherche que dans l’index hors ligne : donnez --url, --public ou --offline'
        : 'the host searches only its offline index: give --url, --public or --offline',
    );
  let client: AnnuaireLdapClient | null = null;
  try {
    client = new AnnuaireLdapClient({
      ...target,
      ...(/^ldaps:/i.test(target.url) ? ldapsTrust() : {}),
      ...(timeout !== undefined ? { timeoutMs: timeout * 1000 } : {}),
    });
    const result = hasCriteria ? await client.search(criteria) : await client.autocomplete(words);
    if (json) io.stdout(JSON.stringify({ ok: true, server: target, ...result }) + '\n');
    else {
      const fr = io.locale === 'fr';
      const lines = result.entries.map(entryLine);
      if (lines.length === 0) lines.push(fr ? 'Aucune entrée.' : 'No entry.');
      if (result.truncated)
        lines.push(
          fr
            ? `… d’autres entrées correspondent : précisez la recherche (${result.entries.length} affichées).`
            : `… more entries match: refine the search (${result.entries.length} shown).`,
        );
      io.stdout(lines.join('\n') + '\n');
    }
    return 0;
  } catch (error) {
    const wire = toMssanteError(error).toWire(io.locale);
    if (json) io.stdout(JSON.stringify({ ok: false, error: wire }) + '\n');
    else io.stderr(`${wire.code}: ${wire.message}\n`);
    return 1;
  } finally {
    await client?.close();
  }
}

export const command: CliCommand = {
  name: 'annuaire',
  summary: 'search the Annuaire Santé over LDAP',
  async run(args, io) {
    const [sub, ...rest] = args;
    // The offline index (annuaire-offline.ts), loaded only when asked for (native SQLite addon).
    if (sub === 'import' || ((sub === 'search' || sub === 'info') && rest.includes('--offline')))
      return (await import('./annuaire-offline')).offlineCommand.run(args, io);
    if (sub === 'search') return runSearch(rest, io);
    return usage(io);
  },
};

/** `ldaps://`: the host's own trust set and names (config.json), as for every upstream. */
function ldapsTrust(): { trust: TrustContext; lookup?: LookupFunction } {
  const config = resolveConfig(stateDir());
  return {
    trust: trustContext(config.trust, {
      cacheDir: path.join(stateDir(), 'crl-cache'),
      ...(config.lookup ? { lookup: config.lookup } : {}),
    }),
    ...(config.lookup ? { lookup: config.lookup } : {}),
  };
}
