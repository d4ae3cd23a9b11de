// XDM reader figures for `npm run bench` (issue 4): `xdm inspect` against `unzip -t` on a generated
// 20-document ~30 MB XDM of N1 PDFs, and peak RSS while refusing 300 MB-of-zeros bombs.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { command as xdmCommand } from '../native-host/cli/commands/xdm';
import { bigXdm, hostileCorpus } from '../lab/fixtures/xdm/generate';
import { ensurePackages } from '../lab/system/packages';

const here = import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname);

function median(samples: number[]): number {
  const s = [...samples].sort((a, b) => a - b);
  return Number(s[Math.floor(s.length / 2)]!.toFixed(1));
}

function timeProcess(
  cmd: string,
  args: string[],
): { ms: number; status: number | null; stdout: string } {
  const t = performance.now();
  // No NODE_OPTIONS: under `node --import tsx` it would load the TypeScript loader into the child.
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024, env });
  return { ms: performance.now() - t, status: r.status, stdout: r.stdout };
}

export async function benchXdm(): Promise<Record<string, unknown>> {
  ensurePackages([{ command: 'unzip', pkg: 'unzip' }]);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mssante-bench-xdm-'));
  try {
    const big = path.join(dir, 'big.zip');
    writeFileSync(big, bigXdm());
    const corpus = hostileCorpus();
    const bombs = ['bomb-300mb', 'bomb-300mb-lying'] as const;
    for (const name of bombs) writeFileSync(path.join(dir, `${name}.zip`), corpus[name]!.bytes);

    const child = path.join(dir, 'xdm-child.mjs');
    await build({
      entryPoints: [path.join(here, 'xdm-child.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile: child,
      logLevel: 'silent',
    });

    const runs = 7;
    const unzip: number[] = [];
    const inProcess: number[] = [];
    const inChild: number[] = [];
    const idleChild: number[] = [];
    let unzipStatus: number | null = null;
    for (let i = 0; i < runs; i++) {
      const u = timeProcess('unzip', ['-tqq', big]);
      unzipStatus = u.status;
      unzip.push(u.ms);
      let out = '';
      const t = performance.now();
      const exit = await xdmCommand.run(['inspect', big, '--json'], {
        stdout: (s) => (out += s),
        stderr: () => undefined,
        locale: 'en',
      });
      inProcess.push(performance.now() - t);
      if (exit !== 0 || !(JSON.parse(out) as { ok: boolean }).ok)
        throw new Error(`inspect failed: ${out}`);
      const c = timeProcess(process.execPath, [child, 'inspect', big]);
      inChild.push(c.ms);
      idleChild.push(timeProcess(process.execPath, [child, 'idle']).ms);
    }
    const unzipMs = median(unzip);
    const idle = JSON.parse(timeProcess(process.execPath, [child, 'idle']).stdout) as {
      maxRssMb: number;
    };
    const bombResults: Record<string, unknown> = {};
    for (const name of bombs) {
      const r = JSON.parse(
        timeProcess(process.execPath, [child, 'inspect', path.join(dir, `${name}.zip`)]).stdout,
      ) as {
        ms: number;
        maxRssMb: number;
        code: string;
      };
      bombResults[name] = {
        archiveBytes: corpus[name]!.bytes.length,
        uncompressedBytes: 300 * 1024 * 1024,
        refusedWith: r.code,
        ms: Number(r.ms.toFixed(1)),
        peakRssMb: Number(r.maxRssMb.toFixed(1)),
        peakRssAboveIdleMb: Number((r.maxRssMb - idle.maxRssMb).toFixed(1)),
        goalPeakRssMb: 100,
        met: r.code === 'E_ZIP_BOMB' && r.maxRssMb <= 100,
      };
    }
    const inspectMs = median(inProcess);
    const inspectProcessMs = median(inChild);
    return {
      archive: { documents: 20, level: 'N1', bytes: statSync(big).size },
      runs,
      unzipTestMs: unzipMs,
      unzipStatus,
      inspectMs,
      inspectProcessMs,
      ratio: Number((inspectMs / unzipMs).toFixed(3)),
      idleProcessMs: median(idleChild),
      ratioProcess: Number((inspectProcessMs / unzipMs).toFixed(3)),
      goalRatio: 0.5,
      met: inspectMs / unzipMs <= 0.5,
      metWithNodeStartup: inspectProcessMs / unzipMs <= 0.5,
      note: 'inspectMs: the `xdm inspect --json` command in the bench process (file reads, central directory, METADATA.XML, 20 CDA headers); inspectProcessMs: a fresh node process running the same bundled command, Node startup included (idleProcessMs is that startup alone), as `unzip -t` is a fresh process.',
      idleChildRssMb: Number(idle.maxRssMb.toFixed(1)),
      bombs: bombResults,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(JSON.stringify(await benchXdm(), null, 2) + '\n');
}
