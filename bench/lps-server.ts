import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { ClientRequest } from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { HOST_NAMES } from '../lab/sandbox/contracts';
import { lpsRegistration, startLpsServer } from '../lab/sandbox/lps/index';
import { PRACTITIONERS } from '../lab/sandbox/people';
import { miniPki } from '../lab/sandbox/pki/mini-pki';
import { startPscStub } from '../lab/sandbox/psc/index';
import { freePort } from '../lab/system/net';
import { staticLookup } from '../native-host/net/static-lookup';
import { PscDirectSource } from '../native-host/psc/direct-source';
import { discoverPsc } from '../native-host/psc/discovery';
import { sandboxEndpoints } from '../native-host/psc/presets';
import { RemotePscSession } from '../native-host/psc/remote-session';
import { PscSession } from '../native-host/psc/session';
import type { LpsEvent } from '../shared/protocol/lps/index';
import { latencyStats } from './stats';

/** Every 5th step of a lane also signs in directly against the stub (the baseline, 200 sign-ins). */
const DIRECT_EVERY = 5;
/** The stub's CIBA polling interval: clients wait this long before their first token poll. */
const CIBA_INTERVAL_SECONDS = 0.2;
/** Bounds: one sign-in, and the wait for the refreshes after the last sign-in. */
const SIGN_IN_TIMEOUT_MS = 30_000;
const REFRESH_SLACK_MS = 30_000;

const rssKB = (pid: number | undefined): number => {
  if (pid === undefined) throw new Error('the server has no process');
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN);
};

const within = <T>(promise: Promise<T>, ms: number, what: string): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
};

interface Workstation {
  session: RemotePscSession;
  /** The first access token pushed (the sign-in's), then each renewal's push latency. */
  firstToken: Promise<string>;
  signInToken?: string;
  refreshPushMs?: number;
}

/**
 * Issue 17's proof: one intermediate LPS server process (lab/sandbox/lps, HTTPS on loopback)
 * holding the sessions of 1 000 simulated workstations, each a real `RemotePscSession` of the
 * host (in this process) signing in by CIBA against the PSC stub (approved through its control
 * endpoint), then the server's own refresh of every session pushed to its host on the events
 * stream. The stub allows one pending CIBA request per practitioner, so the six sandbox
 * practitioners are six lanes signing in one workstation after the other; every 5th step of a
 * lane also signs in with the host's embedded `PscSession` directly against the stub (the
 * baseline of the extra hop). Figures: sign-in time through the server and directly, push
 * latency from the server's write (`sentAt` of the `token` event, same clock) to the host
 * holding the new token, the server's RSS (`/proc/<pid>/status`) before and after.
 *
 * Defaults: 1 000 workstations (the issue's figure); the stub's access token lifetime is its
 * default, 120 s: the server refreshes 30 s before expiry (PscSession's margin), so each
 * session's refresh comes 90 s after its sign-in — after the sign-in phase on this machine,
 * spread as the sign-ins were (`refreshesDuringSignIn` counts any that came earlier).
 */
export async function benchLpsServer(options: BenchOptions = {}): Promise<Record<string, unknown>> {
  const loadBefore = os.loadavg();
  const tls: { cert?: string; key?: string; ca?: string } = {};
  const figures = await serverBench(options, tls);
  return {
    ...figures,
    // What one idle TLS events stream costs a bare Node HTTPS server (no session behind it):
    // the floor under the server's figure, with the same certificate, client and count.
    bareTlsStreamKB: await bareTlsStreamFloor(tls, options.workstations ?? 1000),
    loadavg: {
      before: loadBefore.map((x) => +x.toFixed(2)),
      after: os.loadavg().map((x) => +x.toFixed(2)),
    },
  };
}

interface BenchOptions {
  workstations?: number;
  accessTokenSeconds?: number;
  /** Profiling: called with the server's pid before the first sign-in and after the last. */
  probe?: (serverPid: number, sessions: number) => Promise<void>;
}

async function serverBench(
  {
    workstations: WORKSTATIONS = 1000,
    accessTokenSeconds: ACCESS_TOKEN_SECONDS = 120,
    probe,
  }: BenchOptions,
  tls: { cert?: string; key?: string; ca?: string },
): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-lps-'));
  const pki = await miniPki();
  const lpsPort = await freePort();
  const registration = lpsRegistration(lpsPort);
  const stub = await startPscStub({
    port: await freePort(),
    stateDir: path.join(dir, 'psc'),
    cibaIntervalSeconds: CIBA_INTERVAL_SECONDS,
    accessTokenSeconds: ACCESS_TOKEN_SECONDS,
    clients: [
      {
        clientId: registration.clientId,
        clientSecret: registration.clientSecret,
        redirectUris: [registration.redirectUri],
      },
    ],
  });
  const lps = await startLpsServer({
    dir: path.join(dir, 'lps'),
    port: lpsPort,
    pki,
    issuer: stub.info.issuer,
    registration,
  });
  const workstations: Workstation[] = [];
  try {
    const control = async (action: string, form: Record<string, string>) => {
      const res = await fetch(`${stub.info.control}/${action}`, {
        method: 'POST',
        body: new URLSearchParams(form).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      if (!res.ok) throw new Error(`${action}: HTTP ${res.status}`);
      await res.arrayBuffer();
    };
    const ca = readFileSync(lps.caFile, 'utf8');
    const lpsDir = path.dirname(lps.configFile);
    tls.ca = ca;
    tls.cert = readFileSync(path.join(lpsDir, 'lps.pem'), 'utf8');
    tls.key = readFileSync(path.join(lpsDir, 'lps.key'), 'utf8');
    const lookup = staticLookup({ '*.sandbox.mssante.test': '127.0.0.1' });
    const directOptions = {
      endpoints: sandboxEndpoints(stub.info.issuer),
      clientId: stub.info.hostClient.clientId,
      auth: { method: 'client_secret_basic' as const, secret: stub.info.hostClient.clientSecret },
      allowHttp: true,
    };
    // PSC's metadata once for the direct sessions too, as the server shares its own: the
    // comparison is then the sign-in itself, with and without the hop.
    const metadata = discoverPsc(directOptions);
    await metadata;

    let signedIn = 0;
    let lastSignInAt = 0;
    const failures: string[] = [];
    const remoteMs: number[] = [];
    const directMs: number[] = [];
    const pushMs: number[] = [];
    const rssBySessions: Record<number, number> = { 0: rssKB(lps.pid()) };
    const benchRssBefore = process.memoryUsage().rss;

    const workstation = (): Workstation => {
      const session = new RemotePscSession({ url: lps.url, ca, lookup });
      let gotFirst!: (token: string) => void;
      const w: Workstation = {
        session,
        firstToken: new Promise<string>((resolve) => (gotFirst = resolve)),
      };
      // The host's own handling of each event, then the bench's note of when it had the token.
      const target = session as unknown as { receive(event: LpsEvent): void };
      const receive = target.receive.bind(session);
      target.receive = (event: LpsEvent) => {
        receive(event);
        if (event.type !== 'token') return;
        if (w.signInToken === undefined) {
          w.signInToken = event.accessToken;
          gotFirst(event.accessToken);
        } else if (
          w.refreshPushMs === undefined &&
          event.accessToken !== w.signInToken &&
          event.sentAt !== undefined
        ) {
          w.refreshPushMs = Date.now() - event.sentAt;
          pushMs.push(w.refreshPushMs);
        }
      };
      workstations.push(w);
      return w;
    };

    const cibaSignIn = async (
      session: Pick<PscSession, 'beginCiba'>,
      nationalId: string,
      tokenInHand: (start: { completion: Promise<unknown> }) => Promise<unknown>,
    ): Promise<number> => {
      const t0 = performance.now();
      const start = await session.beginCiba(nationalId, '42');
      await control('ciba-approve', { nationalId });
      await tokenInHand(start);
      return performance.now() - t0;
    };

    const lane = async (nationalId: string, count: number) => {
      for (let step = 0; step < count; step++) {
        const w = workstation();
        try {
          remoteMs.push(
            await within(
              cibaSignIn(w.session, nationalId, (start) =>
                Promise.all([start.completion, w.firstToken]),
              ),
              SIGN_IN_TIMEOUT_MS,
              'sign-in through the server',
            ),
          );
          signedIn++;
          lastSignInAt = Date.now();
          if (signedIn % 100 === 0) rssBySessions[signedIn] = rssKB(lps.pid());
        } catch (error) {
          failures.push(`remote: ${(error as Error).message}`);
        }
        if (step % DIRECT_EVERY !== 0) continue;
        const direct = new PscSession(
          directOptions,
          new PscDirectSource({ ...directOptions, configuration: () => metadata }),
        );
        try {
          directMs.push(
            await within(
              cibaSignIn(direct, nationalId, (start) => start.completion),
              SIGN_IN_TIMEOUT_MS,
              'direct sign-in',
            ),
          );
        } catch (error) {
          failures.push(`direct: ${(error as Error).message}`);
        } finally {
          direct.signOut();
        }
      }
    };

    await probe?.(lps.pid()!, 0);
    const signInStart = performance.now();
    const lanes = PRACTITIONERS.length;
    await Promise.all(
      PRACTITIONERS.map((p, i) =>
        lane(p.nationalId, Math.floor(WORKSTATIONS / lanes) + (i < WORKSTATIONS % lanes ? 1 : 0)),
      ),
    );
    const signInPhaseS = (performance.now() - signInStart) / 1000;
    const rssAfterSignIn = rssKB(lps.pid());
    await probe?.(lps.pid()!, signedIn);
    const refreshesDuringSignIn = pushMs.length;

    // The server refreshes each session on its own timer (PSC's lifetime minus 30 s after the
    // sign-in) and pushes the new token: wait for every host to have it, bounded.
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const deadline = lastSignInAt + ACCESS_TOKEN_SECONDS * 1000 + REFRESH_SLACK_MS;
    while (pushMs.length < signedIn && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 250));
    loopDelay.disable();
    const rssAfterRefresh = rssKB(lps.pid());
    const benchRssAfter = process.memoryUsage().rss;

    const round = (x: number, digits = 1) => +x.toFixed(digits);
    const signInStats = (xs: number[]) => {
      const { queries, p50Ms, p95Ms, maxMs } = latencyStats(xs);
      return { signIns: queries, p50Ms: round(p50Ms), p95Ms: round(p95Ms), maxMs: round(maxMs) };
    };
    const remote = signInStats(remoteMs);
    const direct = signInStats(directMs);
    const push = latencyStats(pushMs);
    const perSessionKB = round((rssAfterSignIn - rssBySessions[0]!) / Math.max(1, signedIn));
    const marginalKB =
      rssBySessions[100] !== undefined && signedIn > 100
        ? round((rssAfterSignIn - rssBySessions[100]) / (signedIn - 100))
        : null;
    return {
      workstations: WORKSTATIONS,
      client: 'RemotePscSession (the host’s own class), one per workstation, in the bench process',
      stub: {
        cibaIntervalSeconds: CIBA_INTERVAL_SECONDS,
        accessTokenSeconds: ACCESS_TOKEN_SECONDS,
        lanes,
      },
      sessionsHeld: signedIn,
      failures: failures.length,
      ...(failures.length ? { firstFailures: failures.slice(0, 5) } : {}),
      signInPhaseS: round(signInPhaseS),
      signInThroughServerMs: remote,
      signInDirectMs: direct,
      addedByTheHopMs: {
        p50: round(remote.p50Ms - direct.p50Ms),
        p95: round(remote.p95Ms - direct.p95Ms),
      },
      refreshPush: {
        pushes: push.queries,
        p50Ms: push.p50Ms,
        p95Ms: push.p95Ms,
        maxMs: push.maxMs,
        refreshesDuringSignIn,
        goalP95Ms: 50,
        met: push.queries === signedIn && push.p95Ms <= 50,
      },
      serverRssKB: {
        before: rssBySessions[0],
        bySessions: rssBySessions,
        afterSignIn: rssAfterSignIn,
        afterRefresh: rssAfterRefresh,
      },
      memoryPerSessionKB: {
        perSession: perSessionKB,
        marginalFrom100: marginalKB,
        goal: 20,
        met: perSessionKB <= 20,
      },
      benchProcess: {
        rssPerWorkstationKB: round((benchRssAfter - benchRssBefore) / 1024 / Math.max(1, signedIn)),
        // Beyond the 10 ms sampling timer: how late this process (the hosts' side) ran.
        eventLoopLagDuringRefreshMs: {
          p50: round(loopDelay.percentile(50) / 1e6 - 10, 2),
          p99: round(loopDelay.percentile(99) / 1e6 - 10, 2),
        },
      },
    };
  } finally {
    for (const w of workstations) w.session.end('E_PSC_SIGNED_OUT');
    await lps.stop();
    await stub.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const BARE_SERVER = `
const https = require('node:https');
const server = https.createServer(
  { cert: process.env.BENCH_CERT, key: process.env.BENCH_KEY, minVersion: 'TLSv1.2' },
  (req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
    res.write(': open\\n\\n');
  },
);
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
`;

/**
 * A bare Node HTTPS server (a child process, the server's certificate) holding `count` idle
 * event streams opened as the host opens its own (Node's https client, TLS 1.3): its RSS growth
 * per stream is what any Node server pays per workstation before holding a session.
 */
async function bareTlsStreamFloor(
  tls: { cert?: string; key?: string; ca?: string },
  count: number,
): Promise<Record<string, number>> {
  const child = spawn(process.execPath, ['-e', BARE_SERVER], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, BENCH_CERT: tls.cert, BENCH_KEY: tls.key },
  });
  const requests: ClientRequest[] = [];
  try {
    const port = await within(
      new Promise<number>((resolve) =>
        child.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))),
      ),
      10_000,
      'bare server start',
    );
    const before = rssKB(child.pid);
    for (let i = 0; i < count; i++) {
      await within(
        new Promise<void>((resolve, reject) => {
          const request = https.get(
            {
              host: '127.0.0.1',
              port,
              servername: HOST_NAMES.lps,
              ca: tls.ca,
              path: '/events',
              headers: { accept: 'text/event-stream' },
            },
            (res) => res.once('data', () => resolve()),
          );
          request.once('error', reject);
          requests.push(request);
        }),
        10_000,
        'bare event stream',
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const after = rssKB(child.pid);
    return { before, after, perStream: +((after - before) / count).toFixed(1) };
  } finally {
    for (const request of requests) request.destroy();
    child.kill();
  }
}
