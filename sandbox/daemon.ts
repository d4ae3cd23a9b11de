import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateAnnuaire } from './annuaire/generate';
import { startAutoconfig } from './autoconfig/index';
import { startBadServers } from './bad-servers/index';
import { DOMAIN, HOST_NAMES, type SandboxRuntime, type Started } from './contracts';
import { startDovecot } from './dovecot/index';
import { startSlapd } from './ldap/index';
import { RUNTIME_FILE } from './paths';
import { MAILBOXES, PATIENTS } from './people';
import { ensurePki, startPkiServer } from './pki/index';
import { allocatePorts } from './ports';
import { startPscStub } from './psc/index';

/** Entries generated for the demo directory (benchmarks generate their own 100 000). */
const DEMO_ANNUAIRE_ENTRIES = 50;

function seconds(value: string | undefined): number | undefined {
  const n = value ? Number(value) : NaN;
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

/**
 * The sandbox daemon (`mssante sandbox daemon`, started detached by `mssante sandbox up`): starts
 * every part, writes runtime.json once all are ready, and stops them all on SIGTERM/SIGINT.
 */
export async function runDaemon(dir: string, log: (line: string) => void): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const t0 = Date.now();
  const ports = await allocatePorts(dir);
  const hosts = {
    ...Object.fromEntries(Object.values(HOST_NAMES).map((name) => [name, '127.0.0.1'])),
    [`*.${DOMAIN}`]: '127.0.0.1', // bad servers and any other sandbox name
  };
  const pki = await ensurePki(dir, { pkiBaseUrl: `http://${HOST_NAMES.pki}:${ports.pki}` });
  log(`pki ready (${Date.now() - t0} ms)`);

  const running: Array<Started<unknown>> = [];
  const stopAll = async () => {
    for (const part of running.reverse())
      await part.stop().catch((e: unknown) => log(`stop failed: ${String(e)}`));
    running.length = 0;
  };
  const track = <T extends Started<unknown>>(part: T): T => {
    running.push(part);
    return part;
  };

  try {
    const idleSeconds = seconds(process.env.MSSANTE_PSC_IDLE_SECONDS);
    const maxSeconds = seconds(process.env.MSSANTE_PSC_MAX_SECONDS);
    const [pkiServer, psc, ldap] = await Promise.all([
      startPkiServer(pki, { port: ports.pki }).then(track),
      startPscStub({
        port: ports.psc,
        stateDir: path.join(dir, 'psc'),
        ...(idleSeconds ? { idleSeconds } : {}),
        ...(maxSeconds ? { maxSeconds } : {}),
      }).then(track),
      startSlapd({
        dir: path.join(dir, 'ldap'),
        port: ports.ldap,
        entries: generateAnnuaire(DEMO_ANNUAIRE_ENTRIES),
      }).then(track),
    ]);
    log(`pki server, psc, ldap ready (${Date.now() - t0} ms)`);
    const dovecot = track(
      await startDovecot({
        dir: path.join(dir, 'dovecot'),
        pki,
        imapPort: ports.imap,
        smtpPort: ports.smtp,
        introspection: psc.info.introspection,
        mailboxes: MAILBOXES,
        patients: PATIENTS,
      }),
    );
    const [autoconfig, bad] = await Promise.all([
      startAutoconfig(pki, {
        port: ports.autoconfig,
        imap: { host: HOST_NAMES.imap, port: dovecot.info.imap.port },
        smtp: { host: HOST_NAMES.smtp, port: dovecot.info.smtp.port },
        domain: DOMAIN,
      }).then(track),
      startBadServers(pki).then(track),
    ]);
    log(`all parts ready (${Date.now() - t0} ms)`);

    const runtime: SandboxRuntime = {
      up: true,
      domain: DOMAIN,
      imap: { host: HOST_NAMES.imap, port: dovecot.info.imap.port },
      smtp: { host: HOST_NAMES.smtp, port: dovecot.info.smtp.port },
      psc: { issuer: psc.info.issuer, control: psc.info.control },
      ldap: ldap.info,
      autoconfig: autoconfig.info,
      crl: { url: pkiServer.info.crlUrl },
      ocsp: { url: pkiServer.info.ocspUrl },
      ca: { root: pki.rootCert, intermediate: pki.intermediateCert },
      badServers: bad.info,
      mailboxes: MAILBOXES.map(({ address, profile, nationalId }) => ({
        address,
        profile,
        nationalId,
      })),
      hosts,
      pid: process.pid,
      startedAt: new Date().toISOString(),
      internal: { pscHostClient: psc.info.hostClient, pki },
    };
    const file = path.join(dir, RUNTIME_FILE);
    writeFileSync(`${file}.tmp`, JSON.stringify(runtime, null, 2) + '\n');
    renameSync(`${file}.tmp`, file); // readers never see half a file
  } catch (error) {
    await stopAll();
    throw error;
  }

  await new Promise<void>((resolve) => {
    const shutdown = (signal: string) => {
      log(`${signal}: stopping`);
      rmSync(path.join(dir, RUNTIME_FILE), { force: true });
      void stopAll().then(resolve);
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
  });
}
