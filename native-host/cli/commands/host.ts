import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ADDON_ID } from '../../../shared/protocol/names';
import { fileLogger } from '../../log';
import { stateDir } from '../../state-dir';
import { defaultHome, planInstall } from '../../install/host-manifest';
import { serve } from '../../server';
import { closeAnnuaire } from '../../handlers/annuaire-registry';
import type { HostApp } from '../../service/host-app';
import type { HostContext } from '../../handlers/context';
import { StateLock } from '../../storage/state-lock';
import { parseCommandArgs, usageError } from '../args';
import type { CliCommand, CliIo } from '../command';

const USAGE = `usage:
  mssante host install [--print]    write the host manifest and its launcher
  mssante host uninstall [--print]  remove them
  mssante host serve                run the host on stdin/stdout (what Thunderbird spawns)`;

function plan() {
  return planInstall({
    home: defaultHome(),
    stateDir: stateDir(),
    nodePath: process.execPath,
    // The bundle this code runs from (dist/host/mssante.mjs, or a chunk beside it).
    bundlePath: path.join(path.dirname(fileURLToPath(import.meta.url)), 'mssante.mjs'),
  });
}

function install(print: boolean, io: CliIo): number {
  const p = plan();
  if (print) {
    io.stdout(`# ${p.manifestPath}\n${p.manifest}\n# ${p.launcherPath}\n${p.launcher}`);
    return 0;
  }
  mkdirSync(path.dirname(p.manifestPath), { recursive: true });
  mkdirSync(path.dirname(p.launcherPath), { recursive: true, mode: 0o700 });
  writeFileSync(p.launcherPath, p.launcher);
  chmodSync(p.launcherPath, 0o755);
  writeFileSync(p.manifestPath, p.manifest);
  io.stdout(
    io.locale === 'fr'
      ? `Hôte natif installé :\n  manifeste ${p.manifestPath}\n  lanceur   ${p.launcherPath}\nRedémarrez Thunderbird s'il était ouvert.\n`
      : `Native host installed:\n  manifest ${p.manifestPath}\n  launcher ${p.launcherPath}\nRestart Thunderbird if it was running.\n`,
  );
  return 0;
}

function uninstall(print: boolean, io: CliIo): number {
  const p = plan();
  const ours =
    existsSync(p.manifestPath) && readFileSync(p.manifestPath, 'utf8').includes(ADDON_ID);
  if (print) {
    io.stdout(
      `would remove:\n  ${p.manifestPath}${ours ? '' : ' (absent or not ours)'}\n  ${p.launcherPath}\n`,
    );
    return 0;
  }
  if (ours) rmSync(p.manifestPath);
  rmSync(p.launcherPath, { force: true });
  io.stdout(io.locale === 'fr' ? 'Hôte natif désinstallé.\n' : 'Native host uninstalled.\n');
  return 0;
}

async function runServe(): Promise<number> {
  const dir = stateDir();
  const log = fileLogger(dir);
  const startedAt = Date.now();
  // argv from Thunderbird: [manifestPath, extensionId]; only the id is worth a log line.
  log.info('host.start', {
    pid: process.pid,
    extension: process.argv.at(-1) ?? null,
    node: process.version,
  });
  const ctx: HostContext = {
    log,
    startedAt,
    now: Date.now,
    counters: { requestsServed: 0, frameErrors: 0 },
  };
  let app: Promise<HostApp> | null = null;
  let lock: StateLock | null = null;
  const start = async (): Promise<HostApp> => {
    const { HostApp } = await import('../../service/host-app');
    // One host per state folder: a second one fails its requests with E_STATE_LOCKED (after a
    // short wait for a host that is closing) and writes nothing (docs/security.md, "The journal
    // under faults (19.5)").
    lock = await StateLock.acquireWaiting(dir);
    try {
      const created = new HostApp(dir, log, (event) => ctx.notify?.(event));
      // Bridges of configured mailboxes come back on their ports; failures are logged, not fatal.
      await created.startAll();
      return created;
    } catch (error) {
      lock.release();
      lock = null;
      throw error;
    }
  };
  // A failed start is not kept: the next request tries again (the other host may have exited,
  // the disk may have room again).
  ctx.app = () =>
    (app ??= start().catch((error: unknown) => {
      app = null;
      throw error;
    }));
  const code = await serve({
    input: process.stdin,
    output: process.stdout,
    stderr: (line) => process.stderr.write(line + '\n'),
    ctx,
  });
  const loaded = app as Promise<HostApp> | null; // assigned by ctx.app() when first used
  const running = loaded ? await loaded.catch(() => null) : null;
  if (running) await running.close();
  (lock as StateLock | null)?.release();
  await closeAnnuaire(ctx);
  log.info('host.exit', { code });
  log.close();
  return code;
}

export const command: CliCommand = {
  name: 'host',
  summary: 'install, uninstall or run the native messaging host',
  async run(args, io) {
    const [sub, ...rest] = args;
    // `serve` takes whatever Thunderbird passes (the manifest's path, the add-on's id).
    if (sub === 'serve') return runServe();
    if (sub !== 'install' && sub !== 'uninstall') return usageError(io, USAGE);
    const parsed = parseCommandArgs(rest, { print: { type: 'boolean' } }, io, USAGE);
    if (!parsed) return 2;
    const print = parsed.values.print === true;
    return sub === 'install' ? install(print, io) : uninstall(print, io);
  },
};
