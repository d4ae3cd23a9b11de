// Child process of bench/annuaire-offline.ts, bundled with esbuild (better-sqlite3 external) so no
// TypeScript loader inflates its memory. `node child.mjs import FILE DIR` imports the extraction
// file into an offline index in DIR and prints {ms, maxRssMb, entries}; `node child.mjs idle`
// prints the baseline RSS of the same bundle.
import { OfflineAnnuaire } from '../native-host/annuaire/offline-index';

const [mode, file, dir] = process.argv.slice(2);
const started = performance.now();
let entries = 0;
let progressCalls = 0;
if (mode === 'import' && file && dir) {
  const index = new OfflineAnnuaire(dir);
  const report = await index.import(file, { onProgress: () => void progressCalls++ });
  entries = report.entries;
  index.close();
}
process.stdout.write(
  JSON.stringify({
    ms: Math.round(performance.now() - started),
    maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    entries,
    progressCalls,
  }) + '\n',
);
