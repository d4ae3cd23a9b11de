// Offline Annuaire index figures for `npm run bench` (issue 11): import time and peak memory of a
// generated 400 000-row extraction file (in a child process, so its RSS is the import's own), and
// autocomplete / multi-criteria latency on the resulting index (goal: autocomplete p95 ≤ 10 ms).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { build } from 'esbuild';
import { OfflineAnnuaire } from '../native-host/annuaire/offline-index';
import { generateEntries, writeExtraction } from '../lab/sandbox/annuaire/generate';
import { latencyStats } from './stats';

const here = import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname);
const root = path.resolve(here, '..');

function child(bundle: string, args: string[]): Record<string, number> {
  // No NODE_OPTIONS: under `node --import tsx` it would load the TypeScript loader into the child.
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const r = spawnSync(process.execPath, [bundle, ...args], { encoding: 'utf8', env });
  if (r.status !== 0) throw new Error(`bench child failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, number>;
}

export async function benchAnnuaireOffline(
  count = 400_000,
  prefixes = 300,
): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-annuaire-offline-'));
  try {
    let t0 = performance.now();
    const entries = generateEntries(count, 4);
    const file = path.join(dir, 'Extraction_Correspondance_MSSante_bench.txt');
    writeExtraction(entries, file);
    const generateMs = Math.round(performance.now() - t0);

    // The bundle sits under dist/ so `better-sqlite3` resolves from the project's node_modules.
    const bundle = path.join(root, 'dist', 'bench', 'annuaire-offline-child.mjs');
    mkdirSync(path.dirname(bundle), { recursive: true });
    await build({
      entryPoints: [path.join(here, 'annuaire-offline-child.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile: bundle,
      external: ['better-sqlite3'],
      logLevel: 'silent',
    });
    const indexDir = path.join(dir, 'index');
    const idle = child(bundle, ['idle']);
    const imported = child(bundle, ['import', file, indexDir]);
    const index = new OfflineAnnuaire(indexDir);
    try {
      const words: string[] = [];
      const step = Math.max(1, Math.floor(entries.length / prefixes));
      for (let i = 0; words.length < prefixes; i += step) {
        const e = entries[i % entries.length]!;
        const source = [e.lastName || e.organisation, e.firstName || e.mail, e.mail][i % 3]!;
        words.push(source.slice(0, 2 + (i % 3)));
      }
      const time = (run: () => { entries: unknown[]; truncated: boolean }) => {
        const t = performance.now();
        run();
        return performance.now() - t;
      };
      index.autocomplete('ma'); // file opened and first pages read outside the measure
      const autocomplete = words.map((w) => time(() => index.autocomplete(w)));
      const oneLetter = 'abcdefghijklmnopqrstuvwxyz'
        .split('')
        .map((w) => time(() => index.autocomplete(w)));
      const names = entries
        .filter((_, i) => i % Math.floor(entries.length / 100) === 0)
        .map((e) => `${e.lastName || e.organisation} ${e.firstName}`.trim());
      const fullNames = names.map((w) => time(() => index.autocomplete(w)));
      const criteria = entries
        .filter((_, i) => i % Math.floor(entries.length / 100) === 0)
        .map((e, i) =>
          time(() =>
            index.search(
              [
                { name: (e.lastName || 'a').slice(0, 3), city: e.city },
                { profession: e.profession.code || '10', postalCode: e.postalCode.slice(0, 2) },
                { speciality: e.speciality.label || 'Médecine', mailboxType: 'PER' },
                { organisation: e.organisation.split(' ')[0] || 'Centre', city: e.city },
              ][i % 4]!,
            ),
          ),
        );
      return {
        entries: count,
        fileMb: +(statSync(file).size / 1048576).toFixed(1),
        indexMb: +(statSync(index.file).size / 1048576).toFixed(1),
        generateMs,
        import: {
          ms: imported.ms,
          rowsPerSecond: Math.round(count / ((imported.ms ?? 1) / 1000)),
          maxRssMb: imported.maxRssMb,
          idleRssMb: idle.maxRssMb,
          progressCalls: imported.progressCalls,
        },
        autocomplete: { ...latencyStats(autocomplete), goalP95Ms: 10 },
        autocompleteOneLetter: latencyStats(oneLetter),
        autocompleteFullName: latencyStats(fullNames),
        multiCriteria: latencyStats(criteria),
        loadAverage: os.loadavg().map((l) => +l.toFixed(2)),
      };
    } finally {
      index.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
