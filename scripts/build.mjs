#!/usr/bin/env node
// `npm run build`: bundles the add-on (dist/extension/, unpacked) and its .xpi
// (dist/open-mssante-<version>.xpi), the native host + command line (dist/host/mssante.mjs), and
// the intermediate LPS server (dist/lps/mssante-lps.mjs).
import { build } from 'esbuild';
import { zipSync } from 'fflate';
import {
  cpSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fontkitNoEval } from './lib/fontkit-no-eval.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const dist = path.join(root, 'dist');
const ext = path.join(dist, 'extension');

export const ADDON_ID = JSON.parse(readFileSync(path.join(root, 'manifest.json'), 'utf8'))
  .browser_specific_settings.gecko.id;
export const XPI = path.join(dist, `open-mssante-${pkg.version}.xpi`);

/** `--update-url URL` or MSSANTE_UPDATE_URL: where the add-on's updates.json is served (http/https). */
export function updateUrlOption(argv = process.argv.slice(2), env = process.env) {
  const at = argv.indexOf('--update-url');
  const value = at >= 0 ? argv[at + 1] : env.MSSANTE_UPDATE_URL;
  if (!value) return undefined;
  if (!/^https?:\/\/[^\s]+$/.test(value)) {
    console.error(`--update-url must be an http(s):// URL, not ${JSON.stringify(value)}`);
    process.exit(2);
  }
  return value;
}

async function buildExtension() {
  rmSync(ext, { recursive: true, force: true });
  await build({
    absWorkingDir: root,
    entryPoints: {
      'background/main': 'extension/background/main.ts',
      // The XDM inspection worker the banner starts (extension/background/receive/xdm-inspect.ts).
      'background/xdm-worker': 'extension/background/receive/xdm-worker.ts',
      'ui/popup/popup': 'extension/ui/popup/popup.ts',
      'ui/journal/journal': 'extension/ui/journal/journal.ts',
      'ui/conformance/conformance': 'extension/ui/conformance/conformance.ts',
      'ui/compose-panel/panel': 'extension/ui/compose-panel/panel.ts',
      'ui/setup/setup': 'extension/ui/setup/setup.ts',
      'message-display/banner': 'extension/message-display/banner.ts',
      'ui/annuaire/annuaire': 'extension/ui/annuaire/annuaire.ts',
    },
    outdir: ext,
    bundle: true,
    // Loaded on demand by extension/background/compose/pdfa.ts (the separate build below).
    external: ['/background/pdfa-render.js'],
    format: 'iife',
    target: 'firefox128',
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'warning',
  });
  // The PDF/A renderer (pdf-lib + fontkit), an ES module the compose code imports only when a
  // PDF/A copy is asked for (extension/background/compose/pdfa.ts), and its DejaVu fonts.
  await build({
    absWorkingDir: root,
    entryPoints: { 'background/pdfa-render': 'extension/background/compose/pdfa-render.ts' },
    outdir: ext,
    bundle: true,
    format: 'esm',
    target: 'firefox128',
    minify: true,
    plugins: [fontkitNoEval],
    legalComments: 'none',
    logLevel: 'warning',
  });
  const fonts = path.join(root, 'node_modules/dejavu-fonts-ttf');
  mkdirSync(path.join(ext, 'fonts'), { recursive: true });
  for (const [from, to] of [
    ['ttf/DejaVuSans.ttf', 'DejaVuSans.ttf'],
    ['ttf/DejaVuSans-Bold.ttf', 'DejaVuSans-Bold.ttf'],
    ['LICENSE', 'LICENSE-DejaVu.txt'],
  ])
    cpSync(path.join(fonts, from), path.join(ext, 'fonts', to));
  const manifest = JSON.parse(readFileSync(path.join(root, 'manifest.json'), 'utf8'));
  manifest.version = pkg.version;
  // A lab hosting the .xpi itself (docs/release.md): Thunderbird polls this updates.json.
  const updateUrl = updateUrlOption();
  if (updateUrl) manifest.browser_specific_settings.gecko.update_url = updateUrl;
  writeFileSync(path.join(ext, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  cpSync(path.join(root, 'extension/_locales'), path.join(ext, '_locales'), { recursive: true });
  cpSync(path.join(root, 'extension/icons'), path.join(ext, 'icons'), { recursive: true });
  cpSync(path.join(root, 'extension/experiments'), path.join(ext, 'experiments'), {
    recursive: true,
    filter: (src) => !src.endsWith('.md'),
  });
  for (const file of [
    'ui/popup/popup.html',
    'ui/popup/popup.css',
    'ui/journal/journal.html',
    'ui/journal/journal.css',
    'ui/conformance/conformance.html',
    'ui/conformance/conformance.css',
    'ui/compose-panel/panel.html',
    'ui/compose-panel/panel.css',
    'ui/setup/setup.html',
    'ui/setup/setup.css',
    'message-display/banner.css',
    'ui/annuaire/annuaire.html',
    'ui/annuaire/annuaire.css',
  ]) {
    cpSync(path.join(root, 'extension', file), path.join(ext, file));
  }
}

function packXpi() {
  const files = {};
  const walk = (dir) => {
    for (const name of readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else
        files[path.relative(ext, full).split(path.sep).join('/')] = [
          readFileSync(full),
          { mtime: new Date('2020-01-01T00:00:00Z') },
        ];
    }
  };
  walk(ext);
  writeFileSync(XPI, zipSync(files, { level: 9 }));
}

async function buildHost() {
  const out = path.join(dist, 'host');
  rmSync(out, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints: [
      { in: 'native-host/main.ts', out: 'mssante' },
      // The offline Annuaire import's worker thread (native-host/annuaire/annuaire-service.ts).
      { in: 'native-host/annuaire/import-worker.ts', out: 'annuaire-import-worker' },
    ],
    outdir: out,
    outExtension: { '.js': '.mjs' },
    chunkNames: '[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // A native addon cannot be bundled: the host loads it from node_modules at run time.
    external: ['better-sqlite3'],
    define: { __HOST_VERSION__: JSON.stringify(pkg.version) },
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
    legalComments: 'none',
    logLevel: 'warning',
    metafile: true,
  });
  // Which source files went into the host bundle and its chunks (beside dist/host/, not shipped):
  // test/integration/host-bundle.test.ts reads it to prove no lab code is in the product.
  writeFileSync(path.join(dist, 'host.meta.json'), JSON.stringify(result.metafile, null, 1));
}

/** The intermediate LPS server (lps-server/), one file: `node dist/lps/mssante-lps.mjs serve`. */
async function buildLpsServer() {
  const out = path.join(dist, 'lps');
  rmSync(out, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints: [{ in: 'lps-server/main.ts', out: 'mssante-lps' }],
    outdir: out,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
    legalComments: 'none',
    logLevel: 'warning',
    metafile: true,
  });
  writeFileSync(path.join(dist, 'lps.meta.json'), JSON.stringify(result.metafile, null, 1));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  mkdirSync(dist, { recursive: true });
  await Promise.all([buildExtension(), buildHost(), buildLpsServer()]);
  packXpi();
  console.log(
    `built ${path.relative(root, ext)}/, ${path.relative(root, XPI)}, dist/host/mssante.mjs, dist/lps/mssante-lps.mjs`,
  );
}
