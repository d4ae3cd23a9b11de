import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { SandboxRuntime } from '../../../sandbox/contracts';
import { DAEMON_LOG, RUNTIME_FILE, sandboxDir } from '../../../sandbox/paths';
import { projectRoot } from '../../project-root';
import type { CliCommand, CliIo } from '../command';

const USAGE = `usage:
  mssante sandbox up [--json]       start the local MSSanté trust space (idempotent)
  mssante sandbox status [--json]   where everything is, or {"up":false}
  mssante sandbox down              stop it (state is kept)
  mssante sandbox reset             stop it and delete its state (keys, mail, directory)
Environment: MSSANTE_SANDBOX_DIR (default <project>/.state/sandbox),
  MSSANTE_PSC_IDLE_SECONDS / MSSANTE_PSC_MAX_SECONDS (PSC session limits, default 900 / 14400).`;

const UP_TIMEOUT_MS = 180_000;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function readRuntime(dir: string): SandboxRuntime | null {
  const file = path.join(dir, RUNTIME_FILE);
  if (!existsSync(file)) return null;
  const runtime = JSON.parse(readFileSync(file, 'utf8')) as SandboxRuntime;
  return alive(runtime.pid) ? runtime : null;
}

function describe(runtime: SandboxRuntime, io: CliIo): string {
  const fr = io.locale === 'fr';
  const lines = [
    fr
      ? `Bac à sable MSSanté démarré (domaine ${runtime.domain}) :`
      : `MSSanté sandbox up (domain ${runtime.domain}):`,
    `  IMAP        ${runtime.imap.host}:${runtime.imap.port} (STARTTLS)`,
    `  SMTP        ${runtime.smtp.host}:${runtime.smtp.port} (STARTTLS)`,
    `  PSC         ${runtime.psc.issuer}`,
    `  ${fr ? 'contrôle' : 'control '}    ${runtime.psc.control}`,
    `  Annuaire    ${runtime.ldap.url} (${runtime.ldap.base})`,
    `  autoconfig  ${runtime.autoconfig.url}`,
    `  CRL         ${runtime.crl.url}`,
    `  OCSP        ${runtime.ocsp.url}`,
    `  ${fr ? 'AC racine' : 'root CA  '}   ${runtime.ca.root}`,
    `  ${fr ? 'serveurs piégés' : 'bad servers'} ${Object.keys(runtime.badServers).length}`,
    fr ? '  Boîtes aux lettres :' : '  Mailboxes:',
    ...runtime.mailboxes.map((m) => `    ${m.profile} ${m.address} (${m.nationalId})`),
    fr
      ? `  Les noms *.${runtime.domain} ne sont pas dans /etc/hosts : les outils du projet les résolvent vers 127.0.0.1 (runtime.json, champ hosts).`
      : `  *.${runtime.domain} names are not in /etc/hosts: the project's tools resolve them to 127.0.0.1 (runtime.json, field hosts).`,
  ];
  return lines.join('\n') + '\n';
}

async function up(dir: string, json: boolean, io: CliIo): Promise<number> {
  let runtime = readRuntime(dir);
  if (!runtime) {
    mkdirSync(dir, { recursive: true });
    rmSync(path.join(dir, RUNTIME_FILE), { force: true });
    const logFile = path.join(dir, DAEMON_LOG);
    const out = openSync(logFile, 'a');
    const daemon = spawn(process.execPath, [process.argv[1]!, 'sandbox', 'daemon', dir], {
      detached: true,
      stdio: ['ignore', out, out],
    });
    daemon.unref();
    const until = Date.now() + UP_TIMEOUT_MS;
    while (!runtime) {
      if (daemon.exitCode !== null || Date.now() > until) {
        if (daemon.exitCode === null) process.kill(-daemon.pid!, 'SIGTERM');
        const tail = readFileSync(logFile, 'utf8').split('\n').slice(-20).join('\n');
        io.stderr(
          `${io.locale === 'fr' ? 'Le bac à sable n’a pas démarré' : 'The sandbox did not start'} — ${logFile}:\n${tail}\n`,
        );
        return 1;
      }
      await new Promise((r) => setTimeout(r, 100));
      runtime = readRuntime(dir);
    }
  }
  io.stdout(json ? JSON.stringify(runtime, null, 2) + '\n' : describe(runtime, io));
  return 0;
}

async function down(dir: string, io: CliIo): Promise<number> {
  const runtime = readRuntime(dir);
  if (runtime) {
    process.kill(runtime.pid, 'SIGTERM');
    const until = Date.now() + 30_000;
    while (alive(runtime.pid) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    if (alive(runtime.pid)) process.kill(-runtime.pid, 'SIGKILL');
  }
  io.stdout(io.locale === 'fr' ? 'Bac à sable arrêté.\n' : 'Sandbox stopped.\n');
  return 0;
}

export const command: CliCommand = {
  name: 'sandbox',
  summary: 'up | status | down | reset the local MSSanté trust space (tests and demos)',
  async run(args, io) {
    const [sub, ...rest] = args;
    const json = rest.includes('--json');
    const dir = sandboxDir(projectRoot());
    switch (sub) {
      case 'up':
        return up(dir, json, io);
      case 'status': {
        const runtime = readRuntime(dir);
        if (json) io.stdout(JSON.stringify(runtime ?? { up: false }, null, 2) + '\n');
        else
          io.stdout(
            runtime
              ? describe(runtime, io)
              : io.locale === 'fr'
                ? 'Bac à sable arrêté.\n'
                : 'Sandbox down.\n',
          );
        return runtime ? 0 : 3;
      }
      case 'down':
        return down(dir, io);
      case 'reset':
        await down(dir, io);
        rmSync(dir, { recursive: true, force: true });
        return 0;
      case 'daemon': {
        // Internal: what `up` starts, detached, with its output in daemon.log.
        const { runDaemon } = await import('../../../sandbox/daemon');
        const log = (line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`);
        await runDaemon(path.resolve(rest[0] ?? dir), log);
        return 0;
      }
      default:
        io.stderr(USAGE + '\n');
        return 2;
    }
  },
};
