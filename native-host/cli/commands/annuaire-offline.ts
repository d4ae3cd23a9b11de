import { parseArgs } from 'node:util';
import { errorMessage } from '../../../shared/errors/codes';
import { toMssanteError } from '../../../shared/errors/mssante-error';
import type { ImportProgress, ImportReport } from '../../annuaire/offline-import';
import { OfflineAnnuaire, offlineIndexDir } from '../../annuaire/offline-index';
import { stateDir } from '../../state-dir';
import { usageError } from '../args';
import type { CliCommand, CliIo } from '../command';
import { entryLine } from './annuaire-output';
import { CRITERIA_OPTIONS, criteriaFromArgs } from './annuaire-criteria';

/**
 * The offline Annuaire subcommands (ECO.3.1.4, public extraction file):
 * `mssante annuaire import FILE` and `mssante annuaire search --offline …`. The index lives in
 * the host's state dir (`<state>/annuaire/`), or in `--dir DIR`.
 */
export const OFFLINE_USAGE = `usage:
  mssante annuaire import FILE [--json] [--dir DIR]
      import Extraction_Correspondance_MSSante*.txt (or the ZIP holding it) into the offline index
  mssante annuaire search --offline [WORDS…] [--name N] [--first-name F] [--profession P]
      [--speciality S] [--postal-code C] [--city V] [--organisation O] [--type PER|ORG|APP]
      [--id ID] [--mail M] [--limit N] [--json] [--dir DIR]
      WORDS alone: autocomplete (prefixes of name, first name, address, organisation)
  mssante annuaire info --offline [--json] [--dir DIR]
      what the offline index holds`;

const usage = (io: CliIo): number => usageError(io, OFFLINE_USAGE);

function fail(error: unknown, io: CliIo, json: boolean): number {
  const wire = toMssanteError(error).toWire(io.locale);
  if (json) io.stdout(JSON.stringify({ ok: false, error: wire }) + '\n');
  else io.stderr(`${wire.code}: ${wire.message}\n`);
  return 1;
}

function indexOf(dir: string | undefined): OfflineAnnuaire {
  return new OfflineAnnuaire(dir ?? offlineIndexDir(stateDir()));
}

function reportText(r: ImportReport, locale: 'fr' | 'en'): string {
  const fr = locale === 'fr';
  const m = r.counts.malformed;
  const skipped = Object.values(m).reduce((a, b) => a + b, 0);
  return (
    [
      `${fr ? 'Fichier' : 'File'}: ${r.source}`,
      `${fr ? 'Lignes lues' : 'Lines read'}: ${r.counts.lines}`,
      `${fr ? 'Adresses dans l’index' : 'Addresses in the index'}: ${r.entries}`,
      `${fr ? 'Doublons fusionnés' : 'Duplicates merged'}: ${r.duplicates}`,
      `${fr ? 'Lignes ignorées' : 'Lines skipped'}: ${skipped}` +
        (skipped
          ? ` (${Object.entries(m)
              .filter(([, n]) => n > 0)
              .map(([k, n]) => `${k} ${n}`)
              .join(', ')})`
          : ''),
      ...(r.missingColumns.length > 0
        ? [
            `${fr ? 'Colonnes attendues absentes (recherches par ces champs sans résultat)' : 'Expected columns missing (searches by them find nothing)'}: ${r.missingColumns.join(', ')}`,
          ]
        : []),
      `${fr ? 'Importé le' : 'Imported at'}: ${r.importedAt}`,
    ].join('\n') + '\n'
  );
}

/** `mssante annuaire import FILE [--json] [--dir DIR]`: args after `import`. */
export async function runOfflineImport(args: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { json: { type: 'boolean' }, dir: { type: 'string' } },
    });
  } catch {
    return usage(io);
  }
  const [file, ...extra] = parsed.positionals;
  const json = parsed.values.json === true;
  if (!file || extra.length > 0) return usage(io);
  const index = indexOf(parsed.values.dir);
  let shown = -1;
  const onProgress = (p: ImportProgress) => {
    if (json) return;
    const percent = p.totalBytes > 0 ? Math.floor((p.bytesRead / p.totalBytes) * 100) : 100;
    const step =
      p.phase === 'reading' ? Math.floor(percent / 10) : 11 + ['indexing', 'done'].indexOf(p.phase);
    if (step === shown) return;
    shown = step;
    const fr = io.locale === 'fr';
    const lines = `${p.rowsRead} ${fr ? 'lignes' : 'lines'}`;
    if (p.phase === 'reading' && percent < 100)
      io.stderr(`${fr ? 'Lecture' : 'Reading'} ${percent} % (${lines})\n`);
    else if (p.phase === 'indexing')
      io.stderr(
        `${fr ? 'Lecture' : 'Reading'} 100 % (${lines})\n${fr ? 'Indexation…' : 'Indexing…'}\n`,
      );
  };
  try {
    const report = await index.import(file, { onProgress });
    io.stdout(
      json ? JSON.stringify({ ok: true, ...report }) + '\n' : reportText(report, io.locale),
    );
    return 0;
  } catch (error) {
    return fail(error, io, json);
  } finally {
    index.close();
  }
}

/** `mssante annuaire search --offline …`: args after `search` (`--offline` may be among them). */
export async function runOfflineSearch(args: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        offline: { type: 'boolean' },
        json: { type: 'boolean' },
        dir: { type: 'string' },
        limit: { type: 'string' },
        ...CRITERIA_OPTIONS,
      },
    });
  } catch {
    return usage(io);
  }
  const v = parsed.values;
  const json = v.json === true;
  const limit = v.limit === undefined ? undefined : Number(v.limit);
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) return usage(io);
  const criteria = criteriaFromArgs(v);
  const words = parsed.positionals.join(' ');
  const hasCriteria = Object.keys(criteria).length > 0;
  if (hasCriteria && words !== '') return usage(io);
  const index = indexOf(v.dir);
  try {
    const result = hasCriteria ? index.search(criteria, limit) : index.autocomplete(words, limit);
    if (json) io.stdout(JSON.stringify({ ok: true, ...result }) + '\n');
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
    return fail(error, io, json);
  } finally {
    index.close();
  }
}

/** `mssante annuaire info --offline [--json] [--dir DIR]`: args after `info`. */
export async function runOfflineInfo(args: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: { offline: { type: 'boolean' }, json: { type: 'boolean' }, dir: { type: 'string' } },
    });
  } catch {
    return usage(io);
  }
  const json = parsed.values.json === true;
  const index = indexOf(parsed.values.dir);
  try {
    const report = index.info();
    if (json) io.stdout(JSON.stringify({ ok: true, index: report ?? null }) + '\n');
    else
      io.stdout(
        report
          ? reportText(report, io.locale)
          : `${errorMessage('E_ANNUAIRE_OFFLINE_NO_INDEX', io.locale)}\n`,
      );
    return 0;
  } catch (error) {
    return fail(error, io, json);
  } finally {
    index.close();
  }
}

/**
 * The offline subcommands on their own, for a caller that dispatches `mssante annuaire …` here
 * (native-host/cli/commands/annuaire.ts sends `import`, `info --offline`, `search --offline`).
 */
export const offlineCommand: CliCommand = {
  name: 'annuaire',
  summary: 'offline Annuaire index: import the extraction file, search it',
  run(args, io) {
    const [sub, ...rest] = args;
    if (sub === 'import') return runOfflineImport(rest, io);
    if (sub === 'search') return runOfflineSearch(rest, io);
    if (sub === 'info') return runOfflineInfo(rest, io);
    return Promise.resolve(usage(io));
  },
};
