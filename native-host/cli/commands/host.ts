import { fileLogger } from '../../log';
import { stateDir } from '../../state-dir';
import { install, isPlatform, uninstall } from './host-install';
import { serve } from '../../server';
import { closeAnnuaire } from '../../handlers/annuaire-registry';
import type { HostApp } from '../../service/host-app';
import type { HostContext } from '../../handlers/context';
import { StateLock } from '../../storage/state-lock';
import { parseCommandArgs, usageError } from '../args';
import type { CliCommand } from '../command';
import { configurationProblem } from './host-config-check';

const USAGE = `usage:
  mssante host install [--print] [--platform linux|darwin|win32] [--system]
                                    write the host manifest and its launcher (and, on Windows,
                                    the registry key); --print shows it for any platform
  mssante host uninstall [--print] [--platform …] [--system]  remove them
  mssante host serve                run the host on stdin/stdout (what Thunderbird spawns)`;

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
  // Without a valid config.json the host's service (bridges, PSC) does not start, and says why in
  // both languages, on stderr (Thunderbird's Browser Console) and in its log. The messaging stays
  // up so the add-on can show the same coded sentence (psc.status: not configured).
  const problem = await configurationProblem(dir);
  if (problem) {
    for (const locale of ['fr', 'en'] as const)
      process.stderr.write(`mssante host: ${problem.code}: ${problem.toWire(locale).message}\n`);
    log.warn('host.unconfigured', { code: problem.code, detail: problem.detail ?? null });
  }
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
      // Unconfigured, none is started (each would fail on the missing configuration).
      if (!problem) await created.startAll();
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
    const parsed = parseCommandArgs(
      rest,
      {
        print: { type: 'boolean' },
        platform: { type: 'string', default: process.platform },
        system: { type: 'boolean' },
      },
      io,
      USAGE,
    );
    if (!parsed) return 2;
    const platform = parsed.values.platform;
    if (!isPlatform(platform)) return usageError(io, USAGE, `--platform ${platform}`);
    const options = {
      print: parsed.values.print === true,
      platform,
      scope: parsed.values.system ? ('system' as const) : ('user' as const),
    };
    return sub === 'install' ? install(options, io) : uninstall(options, io);
  },
};
