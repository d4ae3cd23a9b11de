import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FrameReader } from '../native-host/messaging/frame-reader';
import { encodeFrame } from '../native-host/messaging/frame-writer';
import { percentile } from './stats';

const BUNDLE = path.resolve(
  import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname),
  '../dist/host/mssante.mjs',
);

function summary(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50: percentile(sorted, 50, 3),
    p99: percentile(sorted, 99, 3),
    min: percentile(sorted, 0, 3),
    max: percentile(sorted, 100, 3),
  };
}

const hello = (id: string) =>
  encodeFrame({ v: 1, id, type: 'hello', params: { client: { name: 'bench', version: '1' } } });

/** A host process like Thunderbird spawns it, and a way to wait for its next reply. */
function startHost(env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [BUNDLE, 'host', 'serve'], {
    env,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const reader = new FrameReader(2 * 1024 * 1024);
  let waiter: ((value: unknown) => void) | null = null;
  child.stdout.on('data', (chunk: Buffer) => {
    for (const event of reader.push(chunk)) if (event.kind === 'message') waiter?.(event.value);
  });
  const next = () => new Promise((resolve) => (waiter = resolve));
  return { child, next };
}

/** Bare Node, spawn → exit of `node -e ''`: the floor under the host's cold start. */
async function bareNode(env: NodeJS.ProcessEnv): Promise<number> {
  const t0 = performance.now();
  const child = spawn(process.execPath, ['-e', ''], { env, stdio: 'ignore' });
  await new Promise((r) => child.once('exit', r));
  return performance.now() - t0;
}

/**
 * Host cold start: spawn → first `hello` reply, the way Thunderbird sees it; bare Node's start
 * measured in the same loop (one of each in turn) so both see the same load on a shared machine.
 */
async function coldStart(env: NodeJS.ProcessEnv, runs: number) {
  const samples: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < runs; i++) {
    bare.push(await bareNode(env));
    const t0 = performance.now();
    const host = startHost(env);
    const reply = host.next();
    host.child.stdin.write(hello(`h${i}`));
    await reply;
    samples.push(performance.now() - t0);
    host.child.stdin.end();
    await new Promise((r) => host.child.once('exit', r));
  }
  const host = summary(samples);
  const bareNodeMs = summary(bare);
  return {
    ...host,
    bareNodeMs,
    overBareNodeP50Ms: Number((host.p50 - bareNodeMs.p50).toFixed(3)),
  };
}

async function roundTrips(env: NodeJS.ProcessEnv, payloadBytes: number, runs: number) {
  const host = startHost(env);
  const warm = host.next();
  host.child.stdin.write(hello('warm'));
  await warm;
  const payload = 'x'.repeat(payloadBytes);
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const reply = host.next();
    host.child.stdin.write(
      encodeFrame({ v: 1, id: `p${i}`, type: 'ping', params: { payload } }, 4 * 1024 * 1024),
    );
    await reply;
    samples.push(performance.now() - t0);
  }
  host.child.stdin.end();
  await new Promise((r) => host.child.once('exit', r));
  return summary(samples);
}

function withoutExtraCaCerts(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const copy = { ...env };
  delete copy.NODE_EXTRA_CA_CERTS;
  return copy;
}

export async function benchHost(): Promise<Record<string, unknown>> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'mssante-bench-'));
  const env: NodeJS.ProcessEnv = { ...process.env, MSSANTE_STATE_DIR: home };
  try {
    return {
      coldStartToHelloMs: { ...(await coldStart(env, 30)), goalP50: 100 },
      // Node 20 reads NODE_EXTRA_CA_CERTS at start-up, before any of our code (+~80 ms for bare
      // Node on the machine that sets it); the same figures without it, when it is set.
      ...(env.NODE_EXTRA_CA_CERTS
        ? { coldStartWithoutExtraCaCertsMs: await coldStart(withoutExtraCaCerts(env), 30) }
        : {}),
      roundTrip1KBMs: { ...(await roundTrips(env, 1024, 3000)), goalP50: 0.5 },
      roundTrip512KBMs: await roundTrips(env, 512 * 1024, 200),
    };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
