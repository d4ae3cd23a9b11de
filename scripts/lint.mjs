#!/usr/bin/env node
// `npm run lint`: type-checks the five TypeScript projects (shared/ with no DOM and no Node
// types, extension/ with DOM + WebExtension types, native-host/, lps-server/, and the lab, tests, benchmarks
// and scripts on top), checks formatting, then
// runs `web-ext lint` on the built add-on, failing on any finding except the ones every
// Thunderbird add-on with experiments gets (see ../shared/THUNDERBIRD.md and docs/build.md).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
let failed = false;

function step(title, cmd, args) {
  console.log(`› ${title}`);
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) failed = true;
}

// The product's projects are `composite`: each refuses a file outside its folders (TS6307), so an
// import of the lab from the product fails here (docs/layout.md).
step('tsc shared/ (pure core: no DOM, no Node)', bin('tsc'), ['-p', 'shared', '--noEmit']);
step('tsc extension/ (+ shared/)', bin('tsc'), ['-p', 'extension', '--noEmit']);
step('tsc native-host/ (+ shared/)', bin('tsc'), ['-p', 'native-host', '--noEmit']);
step('tsc lps-server/ (+ native-host/, shared/)', bin('tsc'), ['-p', 'lps-server', '--noEmit']);
step('tsc lab/, test/, bench/, scripts/', bin('tsc'), ['-p', '.', '--noEmit']);
step('prettier --check', bin('prettier'), ['--check', '--log-level', 'warn', '.']);
step('build', process.execPath, ['scripts/build.mjs']);

/** Thunderbird-only permissions web-ext (a Firefox linter) does not know. */
const THUNDERBIRD_PERMISSIONS = new Set([
  'accountsRead',
  'accountsFolders',
  'accountsIdentities',
  'addressBooks',
  'compose',
  'compose.save',
  'compose.send',
  'messagesRead',
  'messagesModify',
  'messagesMove',
  'messagesDelete',
  'messagesTags',
  'messagesTagsList',
  'messagesUpdate',
  'messagesImport',
  'sensitiveDataUpload',
]);

/** Thunderbird-only WebExtension namespaces web-ext (a Firefox linter) reports as unsupported. */
const THUNDERBIRD_NAMESPACES = [
  'accounts',
  'addressBooks',
  'compose',
  'folders',
  'identities',
  'mailTabs',
  'messageDisplay',
  'messages',
  'scripting.messageDisplay',
  'scripting.compose',
];

/** Our own experiment namespaces (manifest experiment_apis): web-ext does not know them. */
const EXPERIMENTS = Object.keys(
  JSON.parse(readFileSync(path.join(root, 'manifest.json'), 'utf8')).experiment_apis ?? {},
);

function expected(finding) {
  if (
    finding.code === 'UNSUPPORTED_API' &&
    THUNDERBIRD_NAMESPACES.some((ns) => {
      // `scripting.messageDisplay.registerScripts …`, or the namespace alone when the code
      // reaches it through a property (`scripting.messageDisplay is not supported`).
      const message = String(finding.message);
      return message.startsWith(`${ns}.`) || message.startsWith(`${ns} `);
    })
  )
    return true;
  if (
    finding.code === 'UNSUPPORTED_API' &&
    EXPERIMENTS.some((ns) => String(finding.message).startsWith(`${ns}.`))
  )
    return true;
  if (
    finding.code === 'MANIFEST_FIELD_PRIVILEGED' &&
    (finding.instancePath ?? finding.dataPath) === '/experiment_apis'
  )
    return true;
  // Firefox's addons.mozilla.org policy (Firefox >= 140); Thunderbird >= 128 has no such key and
  // addons.thunderbird.net does not ask for it.
  if (finding.code === 'MISSING_DATA_COLLECTION_PERMISSIONS') return true;
  if (finding._type === 'warning' && /PERMISSION/.test(finding.code)) {
    const names = [
      ...String(finding.message + ' ' + (finding.description ?? '')).matchAll(/"([\w.]+)"/g),
    ].map((m) => m[1]);
    return names.some((n) => THUNDERBIRD_PERMISSIONS.has(n));
  }
  return false;
}

console.log('› web-ext lint dist/extension');
const lint = spawnSync(
  bin('web-ext'),
  ['lint', '--source-dir', 'dist/extension', '--output', 'json', '--no-input'],
  {
    cwd: root,
    encoding: 'utf8',
  },
);
let report;
try {
  report = JSON.parse(lint.stdout);
} catch {
  console.error(lint.stdout, lint.stderr);
  process.exit(1);
}
const findings = [...report.errors, ...report.warnings, ...report.notices];
const unexpected = findings.filter((f) => !expected(f));
for (const f of findings) {
  console.log(
    `  ${expected(f) ? 'expected' : 'UNEXPECTED'} ${f._type} ${f.code}: ${f.message}${f.file ? ` (${f.file})` : ''}`,
  );
}
if (unexpected.length > 0) failed = true;
console.log(failed ? 'lint: FAILED' : 'lint: clean');
process.exit(failed ? 1 : 0);
