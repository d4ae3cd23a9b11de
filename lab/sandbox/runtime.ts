import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { SandboxRuntime } from './contracts';
import { RUNTIME_FILE } from './paths';

/**
 * The sandbox's one runtime file (`<dir>/runtime.json`, mode 0600: it names test credentials):
 * written by the daemon once every part listens, removed when it stops. Every client of the
 * sandbox (the host in sandbox mode, tests, `npm start`, `mssante sandbox status`) reads it.
 */
export function writeRuntime(dir: string, runtime: SandboxRuntime): void {
  const file = path.join(dir, RUNTIME_FILE);
  writeFileSync(`${file}.tmp`, JSON.stringify(runtime, null, 2) + '\n', { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}

export function removeRuntime(dir: string): void {
  rmSync(path.join(dir, RUNTIME_FILE), { force: true });
}

/** The runtime of a running sandbox, or null when none runs (a stale file is ignored). */
export function readRuntime(dir: string): SandboxRuntime | null {
  const file = path.join(dir, RUNTIME_FILE);
  if (!existsSync(file)) return null;
  let runtime: SandboxRuntime;
  try {
    runtime = JSON.parse(readFileSync(file, 'utf8')) as SandboxRuntime;
  } catch {
    return null;
  }
  return runtime.up && isAlive(runtime.pid) ? runtime : null;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** What `mssante sandbox status --json` prints: the public interface, without `internal`. */
export function publicView(runtime: SandboxRuntime): Omit<SandboxRuntime, 'internal'> {
  const { internal: _internal, ...rest } = runtime;
  return rest;
}
