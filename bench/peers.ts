// `npm run bench -- peers`: our bridge side by side with email-oauth2-proxy (issue 21), in one run,
// against the same Dovecot (XOAUTH2 through its oauth2 passdb, introspecting at the PSC stub), the
// same mailbox and the same client (imapflow, nodemailer). Paths: direct STARTTLS + XOAUTH2, direct
// implicit TLS + XOAUTH2, our bridge (STARTTLS upstream), email-oauth2-proxy (implicit TLS upstream
// for IMAP: it has no IMAP STARTTLS; STARTTLS for SMTP). Figures only; no test asserts on them.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { build } from 'esbuild';
import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import nodemailer, { type Transporter } from 'nodemailer';
import { sandboxEndpoints } from '../native-host/psc/presets';
import { PscSession } from '../native-host/psc/session';
import { startOperator, type TestOperator } from '../lab/sandbox/operator';
import { SANDBOX_LOOKUP } from '../test/fixtures/bridge-rig';
import { loginThroughPage } from '../test/fixtures/psc-login';
import type { BridgeChildConfig } from './peers/bridge-child';
import type { ClientsChildConfig } from './peers/clients-child';
import { findEmailProxy, startEmailProxy, startTokenEndpoint } from './peers/emailproxy';
import { percentile } from './stats';

const MARIE = 'marie.martin@sandbox.mssante.test';
const MARIE_ID = '810100000011';
const SECRET = 'bench-local-secret';
/** Rounds of the whole-mailbox and 20 MB FETCH per path (interleaved; the median is reported). */
const FETCH_ROUNDS = 5;
const root = path.resolve(import.meta.dirname ?? '', '..');

type PathName = 'directStarttls' | 'directImplicitTls' | 'bridge' | 'emailOauth2Proxy';

interface PeerPath {
  name: PathName;
  imap: () => ImapFlow;
  clients: Omit<ClientsChildConfig, 'clients' | 'range'>;
  smtp?: () => Transporter;
  /** The relaying process (bridge or proxy); none for the direct paths. */
  relay?: number;
}

function message(i: number, size: number): Buffer {
  const head = `From: paul.durand@sandbox.mssante.test\r\nTo: ${MARIE}\r\nSubject: peers ${i}\r\nMessage-ID: <peers-${i}@sandbox>\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n`;
  const line =
    'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.\r\n';
  return Buffer.from(head + line.repeat(Math.ceil((size - head.length) / line.length)));
}

const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100;

/** RSS (KB) and CPU time (user + system, s) of a process, from /proc. */
function proc(pid: number): { rssKB: number; cpuS: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKB = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { rssKB, cpuS: (Number(fields[11]) + Number(fields[12])) / CLK_TCK };
}

const ms = (x: number) => +x.toFixed(3);
const median = (xs: number[]) =>
  percentile(
    [...xs].sort((a, b) => a - b),
    50,
    3,
  );
const p95 = (xs: number[]) =>
  percentile(
    [...xs].sort((a, b) => a - b),
    95,
    3,
  );

/** The two child programs, bundled as the host is (esbuild, node20, ESM), under dist/bench/. */
async function bundleChildren(): Promise<{ bridge: string; clients: string }> {
  const out = path.join(root, 'dist', 'bench');
  mkdirSync(out, { recursive: true });
  await build({
    absWorkingDir: root,
    entryPoints: [
      { in: 'bench/peers/bridge-child.ts', out: 'peers-bridge' },
      { in: 'bench/peers/clients-child.ts', out: 'peers-clients' },
    ],
    outdir: out,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: ['better-sqlite3'],
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
    logLevel: 'warning',
  });
  return {
    bridge: path.join(out, 'peers-bridge.mjs'),
    clients: path.join(out, 'peers-clients.mjs'),
  };
}

/** Node with a clean environment for the children (no NODE_EXTRA_CA_CERTS, no tsx loader). */
function childEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  delete env.NODE_OPTIONS;
  return env;
}

async function startBridgeChild(
  file: string,
  config: BridgeChildConfig,
): Promise<{
  child: ChildProcess;
  imapPort: number;
  smtpPort: number;
  /** The bridge's loopback certificate, which the local clients pin (as Thunderbird does). */
  certPem: string;
  stop(): Promise<void>;
}> {
  const child = spawn(process.execPath, [file, JSON.stringify(config)], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: childEnv(),
  });
  const first = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`bridge child exited (${code})`)));
  });
  const ports = JSON.parse(first) as { imapPort: number; smtpPort: number; certPem: string };
  return {
    child,
    ...ports,
    async stop() {
      if (child.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.stdin!.end();
        setTimeout(() => child.kill('SIGTERM'), 5000).unref();
      });
    },
  };
}

/** 20 clients in their own process: RSS samples of the client and of the relay while they run. */
async function concurrentClients(
  file: string,
  peer: PeerPath,
  clients: number,
  range: string,
): Promise<Record<string, unknown>> {
  const relayIdle = peer.relay ? proc(peer.relay).rssKB : undefined;
  const child = spawn(
    process.execPath,
    [file, JSON.stringify({ ...peer.clients, clients, range } satisfies ClientsChildConfig)],
    { stdio: ['ignore', 'pipe', 'inherit'], env: childEnv() },
  );
  let phase = 'connecting';
  const peaks: Record<string, { client: number; relay: number }> = {};
  const sample = () => {
    try {
      const c = proc(child.pid!).rssKB;
      const r = peer.relay ? proc(peer.relay).rssKB : 0;
      const p = (peaks[phase] ??= { client: 0, relay: 0 });
      p.client = Math.max(p.client, c);
      p.relay = Math.max(p.relay, r);
    } catch {
      // the child is gone
    }
  };
  const timer = setInterval(sample, 20);
  let fetched = 0;
  const relayCpu0 = peer.relay ? proc(peer.relay).cpuS : 0;
  const ended = new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      sample();
      if (line === 'connected') phase = 'connected';
      else if (line.startsWith('fetched ')) {
        fetched = Number(line.slice(8));
        phase = 'fetched';
      }
    });
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`clients child exited (${code})`)),
    );
  });
  await ended.finally(() => clearInterval(timer));
  const relayCpu = peer.relay ? proc(peer.relay).cpuS - relayCpu0 : undefined;
  const peak = (who: 'client' | 'relay') => Math.max(...Object.values(peaks).map((p) => p[who]));
  const mb = (kb: number) => +(kb / 1024).toFixed(1);
  return {
    clients,
    range,
    fetchedBytes: fetched,
    clientPeakRssMB: mb(peak('client')),
    ...(peer.relay
      ? {
          relayRssBeforeMB: mb(relayIdle!),
          relayRssConnectedMB: mb(peaks.connected?.relay ?? 0),
          relayPeakRssMB: mb(peak('relay')),
          relayCpuS: +relayCpu!.toFixed(2),
        }
      : {}),
  };
}

export async function benchPeers(): Promise<Record<string, unknown>> {
  const loadAtStart = os.loadavg().map((l) => +l.toFixed(2));
  const found = findEmailProxy();
  if ('skipped' in found) process.stderr.write(`peers: ${found.skipped}\n`);
  const children = await bundleChildren();
  const operator: TestOperator = await startOperator({
    imaps: true,
    maxUserIpConnections: 100,
    discardSubmissions: true,
    pscAccessTokenSeconds: 3600,
  });
  const stops: Array<() => Promise<void>> = [];
  try {
    const { stub, dovecot } = operator;
    const imaps = dovecot.info.imaps!.port;
    const ca = readFileSync(operator.files.chain, 'utf8');
    // The practitioner's PSC session for the direct paths and the proxy's token endpoint; the
    // bridge child signs in on its own, as the host does.
    const session = new PscSession({
      endpoints: sandboxEndpoints(stub.info.issuer),
      clientId: stub.info.hostClient.clientId,
      auth: { method: 'client_secret_basic', secret: stub.info.hostClient.clientSecret },
      allowHttp: true,
    });
    const login = await session.beginBrowserLogin();
    await loginThroughPage(login.url, MARIE_ID);
    await login.completion;
    stops.push(async () => session.signOut());
    const token = await session.accessToken();

    const directImap = (secure: boolean) => () =>
      new ImapFlow({
        host: 'imap.sandbox.mssante.test',
        port: secure ? imaps : dovecot.info.imap.port,
        secure,
        doSTARTTLS: !secure,
        tls: { ca, lookup: SANDBOX_LOOKUP } as ImapFlowOptions['tls'],
        auth: { user: MARIE, accessToken: token },
        logger: false,
        disableAutoIdle: true,
      });
    // The bridge speaks TLS with its pinned certificate (19.1); email-oauth2-proxy plain text.
    const localImap = (port: number, certPem?: string) => () =>
      new ImapFlow({
        host: '127.0.0.1',
        port,
        secure: certPem !== undefined,
        doSTARTTLS: false,
        ...(certPem ? { tls: { ca: certPem } } : {}),
        auth: { user: MARIE, pass: SECRET },
        logger: false,
        disableAutoIdle: true,
      });
    const localSmtp = (port: number, certPem?: string) => () =>
      nodemailer.createTransport({
        host: '127.0.0.1',
        port,
        secure: certPem !== undefined,
        ...(certPem ? { tls: { ca: certPem } } : { ignoreTLS: true }),
        pool: true,
        maxConnections: 1,
        maxMessages: Infinity,
        auth: { user: MARIE, pass: SECRET },
      });

    // The mailbox: 1 000 × 100 KB, then one 20 MB message (the last, `*`).
    const filler = directImap(false)();
    await filler.connect();
    for (let i = 0; i < 1000; i++) await filler.append('INBOX', message(i, 100_000));
    await filler.append('INBOX', message(1000, 20_000_000));
    await filler.logout();

    const bridge = await startBridgeChild(children.bridge, {
      dir: path.join(operator.dir, 'bridge'),
      address: MARIE,
      nationalId: MARIE_ID,
      secret: SECRET,
      issuer: stub.info.issuer,
      clientId: stub.info.hostClient.clientId,
      clientSecret: stub.info.hostClient.clientSecret,
      imapPort: dovecot.info.imap.port,
      smtpPort: dovecot.info.smtp.port,
      anchors: [operator.files.rootCert, operator.files.intermediateCert],
    });
    stops.push(() => bridge.stop());
    const startRssMB: Partial<Record<PathName, number>> = {
      bridge: +(proc(bridge.child.pid!).rssKB / 1024).toFixed(1),
    };

    const directClients = (secure: boolean) => ({
      host: 'imap.sandbox.mssante.test',
      port: secure ? imaps : dovecot.info.imap.port,
      secure,
      doSTARTTLS: !secure,
      caFile: operator.files.chain,
      auth: { user: MARIE, accessToken: token },
    });
    const bridgeCaFile = path.join(operator.dir, 'bridge-loopback.pem');
    writeFileSync(bridgeCaFile, bridge.certPem);
    const localClients = (port: number, caFile?: string) => ({
      host: '127.0.0.1',
      port,
      secure: caFile !== undefined,
      doSTARTTLS: false,
      ...(caFile ? { caFile } : {}),
      auth: { user: MARIE, pass: SECRET },
    });
    const paths: PeerPath[] = [
      {
        name: 'directStarttls',
        imap: directImap(false),
        clients: directClients(false),
        smtp: () =>
          nodemailer.createTransport({
            host: '127.0.0.1',
            port: dovecot.info.smtp.port,
            secure: false,
            requireTLS: true,
            tls: { ca, servername: 'smtp.sandbox.mssante.test' },
            pool: true,
            maxConnections: 1,
            maxMessages: Infinity,
            auth: { type: 'OAuth2', user: MARIE, accessToken: token },
          }),
      },
      { name: 'directImplicitTls', imap: directImap(true), clients: directClients(true) },
      {
        name: 'bridge',
        imap: localImap(bridge.imapPort, bridge.certPem),
        clients: localClients(bridge.imapPort, bridgeCaFile),
        smtp: localSmtp(bridge.smtpPort, bridge.certPem),
        relay: bridge.child.pid!,
      },
    ];

    let tokenRequests: (() => number) | undefined;
    if (!('skipped' in found)) {
      const introspect = async (t: string) => {
        const { url, clientId, clientSecret } = stub.info.introspection;
        const res = await fetch(url, {
          method: 'POST',
          headers: {
            authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
            'content-type': 'application/x-www-form-urlencoded',
          },
          body: new URLSearchParams({ token: t }).toString(),
        });
        return (await res.json()) as { exp?: number };
      };
      const endpoint = await startTokenEndpoint({
        username: MARIE,
        password: SECRET,
        token: async () => {
          const t = await session.accessToken();
          const { exp = 0 } = await introspect(t);
          return { token: t, expiresIn: Math.max(0, exp - Math.floor(Date.now() / 1000)) };
        },
      });
      stops.push(() => endpoint.close());
      tokenRequests = endpoint.requests;
      const proxyDir = path.join(operator.dir, 'emailproxy');
      mkdirSync(proxyDir, { recursive: true });
      const proxy = await startEmailProxy({
        found,
        dir: proxyDir,
        imaps,
        submission: dovecot.info.smtp.port,
        caFile: operator.files.chain,
        account: MARIE,
        tokenUrl: endpoint.url,
        clientId: endpoint.clientId,
        clientSecret: endpoint.clientSecret,
      });
      stops.push(() => proxy.stop());
      startRssMB.emailOauth2Proxy = +(proc(proxy.pid).rssKB / 1024).toFixed(1);
      paths.push({
        name: 'emailOauth2Proxy',
        imap: localImap(proxy.imapPort),
        clients: localClients(proxy.imapPort),
        smtp: localSmtp(proxy.smtpPort),
        relay: proxy.pid,
      });
    }

    // Warm-up: one login per path (the proxy's first one fetches its token), one NOOP.
    const firstConnectMs: Record<string, number> = {};
    for (const p of paths) {
      const start = performance.now();
      const c = p.imap();
      await c.connect();
      firstConnectMs[p.name] = ms(performance.now() - start);
      await c.noop();
      await c.logout();
    }

    // Connect + authenticate, 50 runs, paths interleaved.
    const connect: Record<string, number[]> = {};
    for (let i = 0; i < 50; i++)
      for (const p of paths) {
        const c = p.imap();
        const start = performance.now();
        await c.connect();
        (connect[p.name] ??= []).push(performance.now() - start);
        await c.logout();
      }

    // NOOP, 1 000 per path on one connection each, in 10 interleaved slices of 100.
    const noop: Record<string, number[]> = {};
    const open = new Map<PathName, ImapFlow>();
    for (const p of paths) {
      const c = p.imap();
      await c.connect();
      open.set(p.name, c);
    }
    for (let slice = 0; slice < 10; slice++)
      for (const p of paths) {
        const c = open.get(p.name)!;
        for (let i = 0; i < 100; i++) {
          const start = performance.now();
          await c.noop();
          (noop[p.name] ??= []).push(performance.now() - start);
        }
      }
    for (const c of open.values()) await c.logout();

    // FETCH of the whole mailbox (3 rounds, interleaved), with the CPU time of the client (this
    // process) and of the relay; then the 20 MB message alone (3 rounds).
    const fetchRuns: Record<string, number[]> = {};
    const cpu: Record<string, { client: number; relay: number; bytes: number }> = {};
    const bigRuns: Record<string, number[]> = {};
    let mailboxBytes = 0;
    const fetchRange = async (p: PeerPath, range: string) => {
      const c = p.imap();
      await c.connect();
      const lock = await c.getMailboxLock('INBOX');
      let bytes = 0;
      const relay0 = p.relay ? proc(p.relay).cpuS : 0;
      const client0 = process.cpuUsage();
      const start = performance.now();
      for await (const m of c.fetch(range, { source: true })) bytes += m.source?.length ?? 0;
      const elapsed = performance.now() - start;
      const client = process.cpuUsage(client0);
      const relay = p.relay ? proc(p.relay).cpuS - relay0 : 0;
      lock.release();
      await c.logout();
      return { elapsed, bytes, clientCpuS: (client.user + client.system) / 1e6, relayCpuS: relay };
    };
    for (let round = 0; round < FETCH_ROUNDS; round++)
      for (const p of paths) {
        const r = await fetchRange(p, '1:*');
        mailboxBytes = r.bytes;
        (fetchRuns[p.name] ??= []).push(r.bytes / r.elapsed / 1000);
        const c = (cpu[p.name] ??= { client: 0, relay: 0, bytes: 0 });
        c.client += r.clientCpuS;
        c.relay += r.relayCpuS;
        c.bytes += r.bytes;
      }
    for (let round = 0; round < FETCH_ROUNDS; round++)
      for (const p of paths) (bigRuns[p.name] ??= []).push((await fetchRange(p, '*')).elapsed);

    // SMTP submission: 100 messages of 100 KB on one connection per path.
    const smtpRate: Record<string, number> = {};
    const mail = message(0, 100_000);
    for (const p of paths) {
      if (!p.smtp) continue;
      const transport = p.smtp();
      await transport.sendMail({ envelope: { from: MARIE, to: [MARIE] }, raw: mail });
      const start = performance.now();
      for (let i = 0; i < 100; i++)
        await transport.sendMail({ envelope: { from: MARIE, to: [MARIE] }, raw: mail });
      smtpRate[p.name] = +(100 / ((performance.now() - start) / 1000)).toFixed(1);
      transport.close();
    }

    // 20 concurrent clients (own process), each fetching 100 messages of 100 KB at once.
    const concurrent: Record<string, Record<string, unknown>> = {};
    for (const p of paths)
      concurrent[p.name] = await concurrentClients(children.clients, p, 20, '1:100').catch(
        (error: Error) => {
          const log = readFileSync(path.join(operator.dir, 'dovecot', 'dovecot.log'), 'utf8');
          process.stderr.write(`peers: ${p.name}: ${error.message}\n${log.slice(-3000)}\n`);
          return { error: error.message };
        },
      );

    const figures: Record<string, Record<string, unknown>> = {};
    for (const p of paths) {
      const c = cpu[p.name]!;
      const gb = c.bytes / 1e9;
      figures[p.name] = {
        connectAuthMs: { p50: median(connect[p.name]!), p95: p95(connect[p.name]!), runs: 50 },
        firstConnectMs: firstConnectMs[p.name],
        fetchMBs: +median(fetchRuns[p.name]!).toFixed(1),
        fetchMBsRuns: fetchRuns[p.name]!.map((x) => +x.toFixed(1)),
        fetch20MBms: +median(bigRuns[p.name]!).toFixed(1),
        noopMs: { p50: median(noop[p.name]!), p95: p95(noop[p.name]!), commands: 1000 },
        smtpMsgPerS:
          smtpRate[p.name] ??
          'not measured: Dovecot has no implicit-TLS submission here; see directStarttls',
        clientCpuSPerGB: +(c.client / gb).toFixed(2),
        ...(p.relay
          ? { relayCpuSPerGB: +(c.relay / gb).toFixed(2), relayRssAtStartMB: startRssMB[p.name] }
          : {}),
        concurrent20: concurrent[p.name],
      };
    }

    const f = (name: PathName) => figures[name] as Record<string, never> | undefined;
    const num = (x: unknown) => (typeof x === 'number' ? x : NaN);
    const ratio = (a: number, b: number) => (Number.isFinite(a / b) ? +(a / b).toFixed(3) : null);
    const noopP50 = (n: PathName) => num((f(n)?.noopMs as { p50?: number } | undefined)?.p50);
    const connectP50 = (n: PathName) =>
      num((f(n)?.connectAuthMs as { p50?: number } | undefined)?.p50);
    const mbs = (n: PathName) => num(f(n)?.fetchMBs);
    const peakRss = (n: PathName, who: 'clientPeakRssMB' | 'relayPeakRssMB') =>
      num((f(n)?.concurrent20 as Record<string, unknown> | undefined)?.[who]);
    const proxyMeasured = 'emailOauth2Proxy' in figures;
    const ratios = {
      fetchVsDirect: ratio(mbs('bridge'), mbs('directStarttls')),
      fetchVsDirectEmailOauth2Proxy: proxyMeasured
        ? ratio(mbs('emailOauth2Proxy'), mbs('directImplicitTls'))
        : null,
      fetchVsEmailOauth2Proxy: proxyMeasured ? ratio(mbs('bridge'), mbs('emailOauth2Proxy')) : null,
      connectAuthVsEmailOauth2Proxy: proxyMeasured
        ? ratio(connectP50('bridge'), connectP50('emailOauth2Proxy'))
        : null,
      noopAddedMsP50: ms(noopP50('bridge') - noopP50('directStarttls')),
      noopAddedMsP50EmailOauth2Proxy: proxyMeasured
        ? ms(noopP50('emailOauth2Proxy') - noopP50('directImplicitTls'))
        : null,
      rssVsDirectClient: ratio(
        peakRss('bridge', 'relayPeakRssMB'),
        peakRss('directStarttls', 'clientPeakRssMB'),
      ),
      rssVsDirectClientEmailOauth2Proxy: proxyMeasured
        ? ratio(
            peakRss('emailOauth2Proxy', 'relayPeakRssMB'),
            peakRss('directImplicitTls', 'clientPeakRssMB'),
          )
        : null,
      smtpVsEmailOauth2Proxy: proxyMeasured
        ? ratio(num(f('bridge')?.smtpMsgPerS), num(f('emailOauth2Proxy')?.smtpMsgPerS))
        : null,
      goals: {
        fetchVsDirect: '>= 0.95',
        connectAuthVsEmailOauth2Proxy: '<= 0.2',
        noopAddedMsP50: '<= noopAddedMsP50EmailOauth2Proxy',
        rssVsDirectClient: '<= 1.5',
      },
    };
    const dovecotVersion = spawnSync('dovecot', ['--version'], { encoding: 'utf8' }).stdout.trim();
    return {
      loadAverage: { start: loadAtStart, end: os.loadavg().map((l) => +l.toFixed(2)) },
      versions: {
        node: process.version,
        dovecot: dovecotVersion,
        ...('skipped' in found
          ? {}
          : {
              emailOauth2Proxy: found.version,
              emailOauth2ProxyCommit:
                found.commit ?? 'unknown (set MSSANTE_BENCH_EMAILPROXY_COMMIT)',
              emailOauth2ProxySha256: found.sha256,
              python: found.pythonVersion,
            }),
      },
      ...('skipped' in found ? { emailOauth2Proxy: { skipped: found.skipped } } : {}),
      mailbox: { messages: 1001, bytes: mailboxBytes, note: '1 000 × 100 KB + one 20 MB' },
      ...(tokenRequests ? { emailOauth2ProxyTokenRequests: tokenRequests() } : {}),
      paths: figures,
      ratios,
    };
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    await operator.stop();
  }
}
