import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ADDON_ID } from '../../../shared/protocol/names';
import { defaultHome } from '../../install/host-manifest';
import {
  type HostProgram,
  type Platform,
  type PlatformPlan,
  type Scope,
  PLATFORMS,
  describePlan,
  foreignDefaults,
  planFor,
} from '../../install/platforms';
import { stateDir } from '../../state-dir';
import type { CliIo } from '../command';
import { configurationProblem } from './host-config-check';

export interface InstallOptions {
  print: boolean;
  platform: Platform;
  scope: Scope;
}

/** The host that runs this code: a packaged executable, or Node with the built bundle. */
function thisProgram(): HostProgram {
  const bundle = path.join(path.dirname(fileURLToPath(import.meta.url)), 'mssante.mjs');
  return existsSync(bundle)
    ? { kind: 'node', nodePath: process.execPath, bundlePath: bundle }
    : { kind: 'executable', path: process.execPath };
}

export function isPlatform(value: string): value is Platform {
  return (PLATFORMS as readonly string[]).includes(value);
}

/** The plan for the options; a user plan pins this user's state directory in the launcher. */
export function installPlan(options: InstallOptions): PlatformPlan {
  const here = options.platform === process.platform;
  if (!here) {
    // What an installer on that platform would write, for this user's name.
    const user = path.basename(defaultHome()) || 'user';
    const { home, program } = foreignDefaults(options.platform, options.scope, user);
    return planFor({ platform: options.platform, scope: options.scope, home, program });
  }
  return planFor({
    platform: options.platform,
    scope: options.scope,
    home: defaultHome(),
    localAppData: process.env.LOCALAPPDATA,
    programFiles: process.env.ProgramFiles,
    stateDir: options.scope === 'user' ? stateDir() : undefined,
    program: thisProgram(),
  });
}

function runRegistry(command: string[], io: CliIo): boolean {
  const run = spawnSync(command[0]!, command.slice(1), { encoding: 'utf8' });
  if (run.status === 0) return true;
  io.stderr(`${command.join(' ')}: ${run.error?.message ?? run.stderr}\n`);
  return false;
}

export async function install(options: InstallOptions, io: CliIo): Promise<number> {
  const plan = installPlan(options);
  if (options.print) {
    io.stdout(describePlan(plan));
    return 0;
  }
  if (options.platform !== process.platform) {
    io.stderr(`--platform ${options.platform} needs --print on ${process.platform}\n`);
    return 2;
  }
  for (const file of plan.files) {
    mkdirSync(path.dirname(file.path), { recursive: true });
    writeFileSync(file.path, file.content);
    if (file.mode !== undefined) chmodSync(file.path, file.mode);
  }
  if (plan.registry && !runRegistry(plan.registry.add, io)) return 1;
  io.stdout(
    io.locale === 'fr'
      ? `Hôte natif installé :\n  manifeste ${plan.manifestPath}\n  lanceur   ${plan.launcherPath}\nRedémarrez Thunderbird s'il était ouvert.\n`
      : `Native host installed:\n  manifest ${plan.manifestPath}\n  launcher ${plan.launcherPath}\nRestart Thunderbird if it was running.\n`,
  );
  // Installed is not configured: say so now, not at the first sign-in.
  const problem = await configurationProblem(stateDir());
  if (problem) io.stderr(`${problem.code}: ${problem.toWire(io.locale).message}\n`);
  return 0;
}

export function uninstall(options: InstallOptions, io: CliIo): number {
  const plan = installPlan(options);
  const ours =
    existsSync(plan.manifestPath) && readFileSync(plan.manifestPath, 'utf8').includes(ADDON_ID);
  if (options.print) {
    io.stdout(
      `would remove:\n  ${plan.manifestPath}${ours ? '' : ' (absent or not ours)'}\n  ${plan.launcherPath}\n` +
        (plan.registry ? `  ${plan.registry.key}: ${plan.registry.remove.join(' ')}\n` : ''),
    );
    return 0;
  }
  if (ours) rmSync(plan.manifestPath);
  rmSync(plan.launcherPath, { force: true });
  if (plan.registry && ours) runRegistry(plan.registry.remove, io);
  io.stdout(io.locale === 'fr' ? 'Hôte natif désinstallé.\n' : 'Native host uninstalled.\n');
  return 0;
}
