import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Profile, REQUIREMENTS } from '../../shared/requirements';
import {
  buildReport,
  type Layer,
  type Report,
  resultsFromMochaJson,
  type TestResult,
} from './report';

export const LAYERS: Layer[] = ['unit', 'integration', 'e2e'];

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
