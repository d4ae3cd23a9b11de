// The sandbox daemon behind `mssante sandbox up`: starts the whole local operator in the
// sandbox's state directory (argv[2]), writes runtime.json once everything listens, and stops
// everything on SIGTERM/SIGINT. Run as `node --import tsx sandbox/daemon.ts DIR` (dev-only code:
// it is not part of the host's bundle).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { freePort, portIsFree } from '../system/net';
import { HOST_NAMES, DOMAIN, type SandboxRuntime } from './contracts';
import { DEMO_ENTRY_COUNT } from './annuaire/generate';
import { seedDemo } from './demo';
import { type OperatorPorts, startOperator, type TestOperator } from './operator';
import { PORTS_FILE } from './paths';
import { MAILBOXES } from './people';
import { isAlive, removeRuntime, writeRuntime } from './runtime';

const PORT_NAMES: Array<keyof OperatorPorts> = [
  'pki',
  'psc',
  'lps',
  'imap',
  'smtp',
  'autoconfig',
  'ldap',
];

/** The ports of the last run when they are still free (stable URLs and host config), else new ones. */
async function choosePorts(dir: string): Promise<OperatorPorts> {
  const file = path.join(dir, PORTS_FILE);
  const saved = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<OperatorPorts>)
    : {};
  const ports = {} as OperatorPorts;
  for (const name of PORT_NAMES) {
    const previous = saved[name];
    ports[name] = previous && (await portIsFree(previous)) ? previous : await freePort();
  }
  writeFileSync(file, JSON.stringify(ports, null, 2) + '\n');
  return ports;
}

export function runtimeOf(operator: TestOperator, startedAt: Date): SandboxRuntime {
  const { stub, dovecot, revocation, files, annuaire, autoconfig, bad, lps } = operator;
  if (!annuaire || !bad) throw new Error('the daemon runs the Annuaire and the bad servers');
  return {
    up: true,
    domain: DOMAIN,
    imap: { host: HOST_NAMES.imap, port: dovecot.info.imap.port },
    smtp: { host: HOST_NAMES.smtp, port: dovecot.info.smtp.port },
    psc: { issuer: stub.info.issuer, control: stub.info.control },
    ...(lps ? { lps: { url: lps.url, caFile: lps.caFile } } : {}),
    ldap: { url: annuaire.info.url, base: annuaire.info.base },
    autoconfig: {
      url: autoconfig.info.url,
      ...(files.webCaCert ? { caFile: files.webCaCert } : {}),
    },
    badServers: bad.servers,
    crl: { url: revocation.urls.crlUrl },
    ocsp: { url: revocation.urls.ocspUrl },
    ca: { root: files.rootCert, intermediate: files.intermediateCert },
    mailboxes: MAILBOXES.map(({ address, profile, nationalId }) => ({
      address,
      profile,
      nationalId,
    })),
    hosts: { [`*.${DOMAIN}`]: '127.0.0.1' },
    pid: process.pid,
    startedAt: startedAt.toISOString(),
    internal: {
      pscHostClient: {
        clientId: stub.info.hostClient.clientId,
        clientSecret: stub.info.hostClient.clientSecret,
      },
      pki: files,
      dovecotConf: dovecot.conf,
    },
  };
}

/** A Dovecot left running by a daemon that was killed holds its base_dir: stop it first. */
async function stopLeftovers(dir: string): Promise<void> {
  const pidFile = path.join(dir, 'dovecot', 'run', 'master.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (!pid || !isAlive(pid)) return;
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 100 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
}

async function main(): Promise<void> {
  const dir = path.resolve(process.argv[2] ?? '');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const startedAt = new Date();
  await stopLeftovers(dir);
  const operator = await startOperator({
    dir,
    keep: true,
    ports: await choosePorts(dir),
    annuaire: { entries: DEMO_ENTRY_COUNT },
    badServers: true,
    // The real topology: the workstation's host talks to this server, which alone is PSC's client.
    lps: true,
  });
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    removeRuntime(dir);
    await operator.stop().catch(() => {});
    process.exit(code);
  };
  process.on('SIGTERM', () => void stop(0));
  process.on('SIGINT', () => void stop(0));
  process.on('uncaughtException', (error) => {
    console.error(`[sandbox] ${error.stack ?? error.message}`);
    void stop(1);
  });
  await seedDemo(operator.dovecot);
  writeRuntime(dir, runtimeOf(operator, startedAt));
  console.log(`[sandbox] up in ${Date.now() - startedAt.getTime()} ms (pid ${process.pid})`);
}

main().catch((error: unknown) => {
  console.error(`[sandbox] ${error instanceof Error ? (error.stack ?? error.message) : error}`);
  removeRuntime(path.resolve(process.argv[2] ?? ''));
  process.exit(1);
});
