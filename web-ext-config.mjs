// web-ext's configuration (web-ext 10 reads `web-ext-config.mjs` or `.cjs` from the working
// directory; it refuses a `.js` one). `npx web-ext run` starts Thunderbird with the built add-on in
// the same ready state as `npm start`: the host installed, the sandbox up and the host configured
// for it, a dedicated profile (.state/web-ext-profile). See docs/web-ext.md.
//
// web-ext imports this file for every command (`web-ext lint` in scripts/lint.mjs too): only
// `run` prepares anything. web-ext cannot import TypeScript, so the preparation runs in a child
// (lab/web-ext/prepare.ts, through tsx) that prints what web-ext needs as JSON.
//
// Environment: MSSANTE_START_DIR moves the state (default .state/), MSSANTE_THUNDERBIRD names
// another Thunderbird binary, MSSANTE_WEBEXT_SANDBOX=0 skips the sandbox (the lab writes its own
// config.json in <state>/host). The sandbox stays up after web-ext exits:
// `npx mssante-lab sandbox down` stops it.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(fileURLToPath(import.meta.url));
const command = process.argv.slice(2).find((arg) => !arg.startsWith('-'));

function prepare() {
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'lab/web-ext/prepare.ts', '--json'],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error('lab/web-ext/prepare.ts failed (see above)');
  const ready = JSON.parse(result.stdout);
  // web-ext starts the browser with its own environment: Thunderbird, and the host it spawns,
  // get the host's state directory and the bundle of CAs the host trusts (NODE_EXTRA_CA_CERTS).
  Object.assign(process.env, ready.env);
  return {
    sourceDir: ready.sourceDir,
    run: {
      firefox: ready.thunderbird,
      firefoxProfile: ready.profile,
      keepProfileChanges: true,
      // The profile's user.js (lab/thunderbird/profile.ts) holds the prefs the add-on needs; web-ext
      // keeps them and adds its own (remote debugging, temporary add-ons).
      args: ready.args,
    },
  };
}

export default command === 'run' ? prepare() : { sourceDir: path.join(root, 'dist', 'extension') };
