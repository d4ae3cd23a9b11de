import { spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  copyFileSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FrameReader } from '../native-host/messaging/frame-reader';
import { encodeFrame } from '../native-host/messaging/frame-writer';
import { percentile } from './stats';

/**
 * The packaged host (`npm run dist`) beside the reference `node dist/host/mssante.mjs`: each
 * executable's size and its cold start, spawn → first `hello` reply. The Linux executable runs
 * natively; the Windows one under Debian's wine, stdin and stdout being files there (a Unix pipe
 * handed to a Windows program fails in libuv under wine: docs/release.md), so its figure is
 * spawn → exit after the reply is written, wine's own start included.
 */
const ROOT = path.resolve(
  import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname),
  '..',
);
const SEA = path.join(ROOT, 'dist', 'sea');
const RUNS = 10;

const hello = () =>
  encodeFrame({
    v: 1,
    id: 'h',
    type: 'hello',
    params: { client: { name: 'bench', version: '1' } },
  });

function summary(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50Ms: percentile(sorted, 50, 1),
    minMs: percentile(sorted, 0, 1),
    maxMs: percentile(sorted, 100, 1),
  };
}

/** spawn → the first reply frame, over pipes like Thunderbird on Linux. */
async function helloOverPipes(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<number> {
  const t0 = performance.now();
  const child = spawn(command, [...args, 'host', 'serve'], {
    env,
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  const reader = new FrameReader(1024 * 1024);
  const replied = new Promise<number>((resolve) =>
    child.stdout.on('data', (d: Buffer) => {
      if (reader.push(d).some((e) => e.kind === 'message')) resolve(performance.now() - t0);
    }),
  );
  child.stdin.write(hello());
  const ms = await replied;
  child.stdin.end();
  await new Promise((r) => child.once('exit', r));
  return ms;
}

/** Under wine: hello from a file, the reply to a file; spawn → exit, the reply checked. */
async function helloUnderWine(exe: string, dir: string, env: NodeJS.ProcessEnv): Promise<number> {
  const input = path.join(dir, 'hello.bin');
  const output = path.join(dir, 'reply.bin');
  writeFileSync(input, hello());
  const fds = [openSync(input, 'r'), openSync(output, 'w')];
  const t0 = performance.now();
  const child = spawn('wine', [exe, 'host', 'serve'], { env, stdio: [fds[0]!, fds[1]!, 'ignore'] });
  await new Promise((r) => child.once('exit', r));
  const ms = performance.now() - t0;
  fds.forEach((fd) => closeSync(fd));
  const replies = new FrameReader(1024 * 1024).push(readFileSync(output));
  if (!replies.some((e) => e.kind === 'message')) throw new Error('wine: no hello reply');
  return ms;
}

export async function benchHostStart(): Promise<Record<string, unknown>> {
  const linux = path.join(SEA, 'linux-x64', 'mssante');
  const windows = path.join(SEA, 'win-x64', 'mssante.exe');
  if (!existsSync(linux) || !existsSync(windows)) {
    const dist = spawnSync(process.execPath, ['scripts/dist.mjs', '--only', 'linux-x64,win-x64'], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    if (dist.status !== 0) throw new Error('npm run dist failed');
  }
  const home = mkdtempSync(path.join(os.tmpdir(), 'mssante-bench-start-'));
  const env = { ...process.env, HOME: home, MSSANTE_STATE_DIR: path.join(home, 'state') };
  const wineEnv = { ...env, WINEPREFIX: path.join(home, 'wine'), WINEDEBUG: '-all' };
  try {
    const node: number[] = [];
    const exe: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      node.push(
        await helloOverPipes(process.execPath, [path.join(ROOT, 'dist/host/mssante.mjs')], env),
      );
      exe.push(await helloOverPipes(linux, [], env));
    }
    const result: Record<string, unknown> = {
      nodeBundle: { command: 'node dist/host/mssante.mjs', coldStartToHello: summary(node) },
      linuxX64: { bytes: statSync(linux).size, coldStartToHello: summary(exe) },
      winX64: { bytes: statSync(windows).size },
      macosX64: existsSync(path.join(SEA, 'macos-x64', 'mssante'))
        ? { bytes: statSync(path.join(SEA, 'macos-x64', 'mssante')).size }
        : null,
    };
    const wine = spawnSync('wine', ['winecfg', '-v', 'win10'], { env: wineEnv, stdio: 'ignore' });
    if (wine.error || wine.status !== 0) {
      result.winX64 = {
        ...(result.winX64 as object),
        wine: `not run: ${wine.error?.message ?? `exit ${wine.status}`}`,
      };
      return result;
    }
    const copy = path.join(home, 'mssante.exe');
    copyFileSync(windows, copy);
    const first = await helloUnderWine(copy, home, wineEnv);
    const warm: number[] = [];
    for (let i = 0; i < 5; i++) warm.push(await helloUnderWine(copy, home, wineEnv));
    result.winX64 = {
      ...(result.winX64 as object),
      underWine: { firstMs: Math.round(first), spawnToExitWithHello: summary(warm) },
    };
    return result;
  } finally {
    spawnSync('wineserver', ['-k'], { env: wineEnv, stdio: 'ignore' });
    rmSync(home, { recursive: true, force: true });
  }
}
