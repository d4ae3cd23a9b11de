import { spawn } from 'node:child_process';
import { mkdirSync, openSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { SandboxRuntime } from '../sandbox/contracts';
import { DAEMON_LOG, sandboxDir } from '../sandbox/paths';
import { isAlive, publicView, readRuntime } from '../sandbox/runtime';
import { projectRoot } from '../../native-host/project-root';
import { parseCommandArgs, usageError } from '../../native-host/cli/args';
import type { CliCommand, CliIo } from '../../native-host/cli/command';

const USAGE =
  'usage: mssante-lab sandbox up | down | status | reset [--json] [--dir DIR]   (local MSSanté trust space)';
const UP_TIMEOUT_MS = 120_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function summary(runtime: SandboxRuntime, io: CliIo): string {
  const fr = io.locale === 'fr';
  const lines = [
    fr
      ? `Bac à sable MSSanté démarré (pid ${runtime.pid}), domaine ${runtime.domain}`
      : `MSSanté sandbox up (pid ${runtime.pid}), domain ${runtime.domain}`,
    `  IMAP        ${runtime.imap.host}:${runtime.imap.port} (STARTTLS)`,
    `  SMTP        ${runtime.smtp.host}:${runtime.smtp.port} (STARTTLS)`,
    `  PSC         ${runtime.psc.issuer}`,
    `  PSC control ${runtime.psc.control}`,
    ...(runtime.ldap ? [`  LDAP        ${runtime.ldap.url} (${runtime.ldap.base})`] : []),
    ...(runtime.autoconfig ? [`  autoconfig  ${runtime.autoconfig.url}`] : []),
    ...(runtime.autoconfig?.caFile
      ? [
          fr
            ? `              (CA « commerciale » de test : NODE_EXTRA_CA_CERTS=${runtime.autoconfig.caFile})`
            : `              (test "commercial" CA: NODE_EXTRA_CA_CERTS=${runtime.autoconfig.caFile})`,
        ]
      : []),
    `  CRL         ${runtime.crl.url}`,
    `  OCSP        ${runtime.ocsp.url}`,
    `  CA          ${runtime.ca.root}`,
    `              ${runtime.ca.intermediate}`,
    ...Object.entries(runtime.badServers ?? {}).map(
      ([name, s], i) =>
        `${i === 0 ? (fr ? '  mauvais serveurs' : '  bad servers') : ''}`.padEnd(14) +
        `${name} ${s.protocol} ${s.host}:${s.port}`,
    ),
    fr ? '  boîtes aux lettres :' : '  mailboxes:',
    ...runtime.mailboxes.map((m) => `    ${m.profile} ${m.address} (${m.nationalId})`),
    fr
      ? `  (les noms *.${runtime.domain} pointent sur 127.0.0.1 pour les outils du projet, sans /etc/hosts)`
      : `  (names *.${runtime.domain} resolve to 127.0.0.1 for the project's tools, without /etc/hosts)`,
  ];
  return lines.join('\n') + '\n';
}

function print(runtime: SandboxRuntime | null, json: boolean, io: CliIo): void {
  if (json)
    io.stdout(JSON.stringify(runtime ? publicView(runtime) : { up: false }, null, 2) + '\n');
  else if (runtime) io.stdout(summary(runtime, io));
  else io.stdout(io.locale === 'fr' ? 'Bac à sable arrêté.\n' : 'Sandbox down.\n');
}

/** Starts the daemon (dev-only code run through tsx) unless one runs; waits for its runtime.json. */
async function up(dir: string, io: CliIo): Promise<SandboxRuntime> {
  const running = readRuntime(dir);
  if (running) return running;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const root = projectRoot();
  const log = openSync(path.join(dir, DAEMON_LOG), 'a');
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'lab', 'sandbox', 'daemon.ts'), dir],
    { cwd: root, detached: true, stdio: ['ignore', log, log] },
  );
  child.unref();
  const until = Date.now() + UP_TIMEOUT_MS;
  while (Date.now() < until) {
    const runtime = readRuntime(dir);
    if (runtime) return runtime;
    if (child.pid === undefined || !isAlive(child.pid)) break;
    await sleep(200);
  }
  if (child.pid && isAlive(child.pid)) process.kill(child.pid, 'SIGTERM');
  throw new Error(
    io.locale === 'fr'
      ? `le bac à sable n'a pas démarré : voir ${path.join(dir, DAEMON_LOG)}`
      : `the sandbox did not start: see ${path.join(dir, DAEMON_LOG)}`,
  );
}

async function down(dir: string): Promise<boolean> {
  const runtime = readRuntime(dir);
  if (!runtime) return false;
  process.kill(runtime.pid, 'SIGTERM');
  for (let i = 0; i < 200 && isAlive(runtime.pid); i++) await sleep(100);
  if (isAlive(runtime.pid)) {
    // A daemon stuck in its shutdown: kill its whole process group (it was spawned detached, so
    // it leads one with Dovecot, slapd and the other servers it started), then wait for it.
    try {
      process.kill(-runtime.pid, 'SIGKILL');
    } catch {
      process.kill(runtime.pid, 'SIGKILL');
    }
    for (let i = 0; i < 100 && isAlive(runtime.pid); i++) await sleep(100);
  }
  return true;
}

export const command: CliCommand = {
  name: 'sandbox',
  summary: 'up | down | status | reset [--json] [--dir DIR]   (local MSSanté trust space)',
  async run(args, io) {
    const [sub, ...rest] = args;
    const parsed = parseCommandArgs(
      rest,
      { json: { type: 'boolean' }, dir: { type: 'string' } },
      io,
      USAGE,
    );
    if (!parsed) return 2;
    const json = parsed.values.json === true;
    const dir = parsed.values.dir ? path.resolve(parsed.values.dir) : sandboxDir(projectRoot());
    try {
      switch (sub) {
        case 'up':
          print(await up(dir, io), json, io);
          return 0;
        case 'down': {
          const stopped = await down(dir);
          if (json) io.stdout(JSON.stringify({ up: false, stopped }) + '\n');
          else
            io.stdout(
              io.locale === 'fr'
                ? stopped
                  ? 'Bac à sable arrêté.\n'
                  : 'Le bac à sable ne tournait pas.\n'
                : stopped
                  ? 'Sandbox stopped.\n'
                  : 'The sandbox was not running.\n',
            );
          return 0;
        }
        case 'status': {
          const runtime = readRuntime(dir);
          print(runtime, json, io);
          return runtime ? 0 : 3;
        }
        case 'reset':
          await down(dir);
          rmSync(dir, { recursive: true, force: true });
          io.stdout(
            io.locale === 'fr'
              ? `Bac à sable effacé (${dir}) : le prochain « up » recrée tout.\n`
              : `Sandbox erased (${dir}): the next "up" recreates everything.\n`,
          );
          return 0;
        default:
          return usageError(io, USAGE);
      }
    } catch (error) {
      io.stderr(`mssante-lab sandbox: ${error instanceof Error ? error.message : String(error)}\n`);
      return 1;
    }
  },
};
