import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SandboxRuntime } from '../../../sandbox/contracts';
import { sandboxLookup } from '../../../sandbox/resolve';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const BUNDLE = path.join(ROOT, 'dist/host/mssante.mjs');

export interface TestSandbox {
  dir: string;
  runtime: SandboxRuntime;
  lookup: ReturnType<typeof sandboxLookup>;
  env: NodeJS.ProcessEnv;
}

let running: Promise<TestSandbox> | null = null;

/**
 * The real sandbox, started once per mocha run with `mssante sandbox up` in a private directory
 * (the same command a user runs), stopped by a root `after` hook.
 */
export function useSandbox(extraEnv: Record<string, string> = {}): Promise<TestSandbox> {
  running ??= (async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mssante-sandbox-'));
    const env = { ...process.env, MSSANTE_SANDBOX_DIR: dir, LANG: 'en_US.UTF-8', ...extraEnv };
    const up = spawnSync(process.execPath, [BUNDLE, 'sandbox', 'up', '--json'], {
      env,
      encoding: 'utf8',
      timeout: 240_000,
    });
    if (up.status !== 0) throw new Error(`sandbox up failed (${up.status}): ${up.stderr}`);
    const runtime = JSON.parse(up.stdout) as SandboxRuntime;
    return { dir, runtime, lookup: sandboxLookup(runtime.hosts), env };
  })();
  return running;
}

after(async function () {
  this.timeout(60_000);
  if (!running) return;
  const sandbox = await running.catch(() => null);
  if (!sandbox) return;
  spawnSync(process.execPath, [BUNDLE, 'sandbox', 'down'], { env: sandbox.env, encoding: 'utf8' });
  rmSync(sandbox.dir, { recursive: true, force: true });
});
