import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname ?? '', '..');

function timed(dir: string, sub: string): number {
  const start = performance.now();
  const run = spawnSync(
    process.execPath,
    [path.join(root, 'bin/mssante-lab.mjs'), 'sandbox', sub, '--dir', dir],
    { stdio: 'ignore', timeout: 180_000 },
  );
  if (run.status !== 0) throw new Error(`mssante-lab sandbox ${sub} failed`);
  return Math.round(performance.now() - start);
}

/**
 * Issue 5 goal: `mssante-lab sandbox up` under 30 s cold (nothing generated yet; packages installed)
 * and under 10 s warm (state kept from a previous run). Each figure is the whole command, from
 * spawn to "every part listens" (runtime.json written), as a user would wait for it.
 */
export async function benchSandbox(rounds = 3): Promise<Record<string, unknown>> {
  const cold: number[] = [];
  const warm: number[] = [];
  const down: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-sandbox-'));
    try {
      cold.push(timed(dir, 'up'));
      down.push(timed(dir, 'down'));
      warm.push(timed(dir, 'up'));
      timed(dir, 'down');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return {
    rounds,
    coldUpMs: { median: median(cold), all: cold, goal: 30_000 },
    warmUpMs: { median: median(warm), all: warm, goal: 10_000 },
    downMs: { median: median(down), all: down },
  };
}
