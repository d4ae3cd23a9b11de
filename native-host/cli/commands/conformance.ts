import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Profile } from '../../../shared/requirements';
import { readReportFile, reportDir, writeReport } from '../../conformance/report-file';
import { LAYERS, reportFromResults } from '../../conformance/from-results';
import { mergeLive, type Report } from '../../conformance/report';
import { README_BEGIN, README_END, withReadmeSection } from '../../conformance/markdown';
import { projectRoot } from '../../project-root';
import { parseCommandArgs, usageError } from '../args';
import type { CliCommand, CliIo } from '../command';

const USAGE =
  'usage: mssante conformance [--no-run] [--profiles PER,ORG,APP] [--readme README.md] | mssante conformance --live CONFIG.json';
const PROFILES = new Set<Profile>(['PER', 'ORG', 'APP']);

const SOURCES = ['shared', 'native-host', 'extension', 'lab', 'test', 'manifest.json'];

function newestSource(root: string): number {
  let newest = 0;
  const walk = (p: string) => {
    if (!existsSync(p)) return;
    const st = statSync(p);
    if (st.isDirectory()) for (const e of readdirSync(p)) walk(path.join(p, e));
    else newest = Math.max(newest, st.mtimeMs);
  };
  for (const s of SOURCES) walk(path.join(root, s));
  return newest;
}

/** Test results are missing or older than a source file: they say nothing about this code. */
function stale(root: string): boolean {
  const files = LAYERS.map((l) => path.join(root, 'test-results', `${l}.json`));
  if (!files.every(existsSync)) return true;
  const oldest = Math.min(...files.map((f) => statSync(f).mtimeMs));
  return oldest < newestSource(root);
}

/** Rewrites the README's requirement table from the report, between its markers. */
function updateReadme(file: string, report: Report, io: CliIo): boolean {
  const next = existsSync(file) ? withReadmeSection(readFileSync(file, 'utf8'), report) : null;
  if (next === null) {
    usageError(io, USAGE, `--readme ${file}: ${README_BEGIN} … ${README_END}`);
    return false;
  }
  writeFileSync(file, next);
  return true;
}

export const command: CliCommand = {
  name: 'conformance',
  summary:
    'report [--no-run] [--profiles PER,ORG,APP] | --live CONFIG.json: conformance report per requirement',
  async run(args, io) {
    const root = projectRoot();
    const parsed = parseCommandArgs(
      args,
      {
        live: { type: 'string' },
        profiles: { type: 'string', default: 'PER,ORG,APP' },
        'no-run': { type: 'boolean' },
        readme: { type: 'string' },
      },
      io,
      USAGE,
    );
    if (!parsed) return 2;
    if (parsed.values.live !== undefined) {
      const { runLiveCommand } = await import('../../conformance/live/cli');
      return runLiveCommand(root, parsed.values.live, io);
    }
    const profiles = parsed.values.profiles.split(',') as Profile[];
    if (profiles.some((p) => !PROFILES.has(p))) return usageError(io, USAGE, '--profiles');
    if (!parsed.values['no-run'] && stale(root)) {
      io.stderr(
        io.locale === 'fr'
          ? 'Résultats absents ou périmés : lancement de la suite de tests…\n'
          : 'Results missing or stale: running the test suite…\n',
      );
      spawnSync(process.execPath, [path.join(root, 'scripts/test.mjs')], {
        cwd: root,
        stdio: ['ignore', 'inherit', 'inherit'],
      });
    }
    const out = reportDir(root);
    // Live runs of earlier `--live` checks stay in the report, under their platforms' names.
    const previous = readReportFile(path.join(out, 'report.json'));
    let report = reportFromResults(root, profiles);
    for (const run of previous?.live ?? []) report = mergeLive(report, run);
    const written = writeReport(out, report);
    if (parsed.values.readme !== undefined && !updateReadme(parsed.values.readme, report, io))
      return 2;
    const s = report.summary;
    io.stdout(
      `${written.html}\n` +
        (io.locale === 'fr'
          ? `prouvées ${s.proved}, logique seule ${s['core-only']}, en échec ${s.failing}, non couvertes ${s['not-covered']}, non applicables ${s['not-applicable']} ; obligatoires non prouvées : ${s.mandatoryMissing.length}\n`
          : `proved ${s.proved}, core only ${s['core-only']}, failing ${s.failing}, not covered ${s['not-covered']}, not applicable ${s['not-applicable']}; mandatory not proved: ${s.mandatoryMissing.length}\n`),
    );
    return s.mandatoryProved ? 0 : 1;
  },
};
