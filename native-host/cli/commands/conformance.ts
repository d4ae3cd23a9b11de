import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Profile, REQUIREMENTS } from '../../../shared/requirements';
import { readReportFile, reportDir, writeReport } from '../../conformance/report-file';
import {
  buildReport,
  type Layer,
  mergeLive,
  type Report,
  resultsFromMochaJson,
  type TestResult,
} from '../../conformance/report';
import { projectRoot } from '../../project-root';
import type { CliCommand } from '../command';

const LAYERS: Layer[] = ['unit', 'integration', 'e2e'];
const SOURCES = ['shared', 'native-host', 'extension', 'sandbox', 'test', 'manifest.json'];

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

function thunderbirdVersion(): string {
  const run = spawnSync('thunderbird', ['--version'], { encoding: 'utf8', timeout: 20_000 });
  return run.status === 0 ? run.stdout.trim() : 'not installed';
}

/** The report of the test results in test-results/ (whatever is there; nothing is run). */
export function reportFromResults(root: string, profiles: Profile[]): Report {
  const results: TestResult[] = [];
  for (const layer of LAYERS) {
    const file = path.join(root, 'test-results', `${layer}.json`);
    if (existsSync(file))
      results.push(...resultsFromMochaJson(layer, JSON.parse(readFileSync(file, 'utf8'))));
  }
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    version: string;
  };
  const manifest = JSON.parse(readFileSync(path.join(root, 'manifest.json'), 'utf8')) as {
    version: string;
  };
  return buildReport({
    requirements: REQUIREMENTS,
    results,
    profiles,
    platform: 'local sandbox',
    versions: {
      Thunderbird: thunderbirdVersion(),
      'add-on': manifest.version === '0.1.0' ? pkg.version : manifest.version,
      host: pkg.version,
      Node: process.version,
      system: `${os.type()} ${os.release()} ${os.arch()}`,
    },
    now: new Date(),
  });
}

export const command: CliCommand = {
  name: 'conformance',
  summary:
    'report [--no-run] [--profiles PER,ORG,APP] | --live CONFIG.json|sandbox: conformance report per requirement',
  async run(args, io) {
    const root = projectRoot();
    if (args.includes('--live')) {
      const { runLiveCommand } = await import('../../conformance/live/cli');
      return runLiveCommand(root, args[args.indexOf('--live') + 1], io);
    }
    const profiles = (
      args[args.indexOf('--profiles') + 1] && args.includes('--profiles')
        ? args[args.indexOf('--profiles') + 1]!
        : 'PER,ORG,APP'
    ).split(',') as Profile[];
    if (!args.includes('--no-run') && stale(root)) {
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
