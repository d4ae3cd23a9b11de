// `node --import tsx lab/web-ext/prepare.ts --json`: the ready state of `npm start` for
// `npx web-ext run` (web-ext-config.mjs runs it): builds, installs the host manifest, brings the
// sandbox up and configures the host for it (unless MSSANTE_WEBEXT_SANDBOX=0), writes a dedicated
// Thunderbird profile (<state>/web-ext-profile, without the xpi: web-ext installs its own
// temporary copy) and prints, as one JSON object on stdout, what the config hands to web-ext.
// Progress goes to stderr. The sandbox stays up after web-ext exits (web-ext has no exit hook):
// `npx mssante-lab sandbox down` stops it.
import path from 'node:path';
import { prepareReadyState, ROOT, run, startPaths, writeReadyProfile } from '../ready';
import { thunderbirdCommand } from '../thunderbird/launch';
import { which } from '../system/packages';

/** What web-ext-config.mjs needs: see docs/web-ext.md. */
export interface WebExtReady {
  /** The Thunderbird binary, as an absolute path (web-ext's `--firefox`). */
  thunderbird: string;
  /** The built add-on (web-ext's `--source-dir`). */
  sourceDir: string;
  /** The prepared profile (web-ext's `--firefox-profile`, used in place). */
  profile: string;
  /** Environment entries for Thunderbird and the host it spawns. */
  env: Record<string, string>;
  /** Extra Thunderbird arguments: `--headless` when there is no display. */
  args: string[];
  /** The host's state directory (its log shows the add-on's hello). */
  hostState: string;
  /** The sandbox's state directory, or null when MSSANTE_WEBEXT_SANDBOX=0. */
  sandbox: string | null;
  /** The mailbox configured in the host, or null without the sandbox. */
  address: string | null;
}

export function prepareForWebExt(env: NodeJS.ProcessEnv = process.env): WebExtReady {
  const say = (line: string) => console.error(`[web-ext] ${line}`);
  run(process.execPath, ['scripts/build.mjs']);
  const paths = startPaths(env);
  const withSandbox = env.MSSANTE_WEBEXT_SANDBOX !== '0';
  const ready = prepareReadyState({ paths, sandbox: withSandbox, say });
  const profile = path.join(paths.state, 'web-ext-profile');
  writeReadyProfile(ready, { dir: profile, installXpi: false });
  const command = thunderbirdCommand(env);
  const thunderbird = which(command);
  if (!thunderbird) throw new Error(`Thunderbird not found: ${command}`);
  say(`profile ${path.relative(ROOT, profile)}, Thunderbird ${thunderbird}`);
  return {
    thunderbird,
    sourceDir: path.join(ROOT, 'dist', 'extension'),
    profile,
    env: ready.env,
    args: env.DISPLAY ? [] : ['--headless'],
    hostState: paths.hostState,
    sandbox: withSandbox ? paths.sandbox : null,
    address: ready.address,
  };
}

if (process.argv.includes('--json')) {
  try {
    process.stdout.write(JSON.stringify(prepareForWebExt()) + '\n');
  } catch (error) {
    console.error(`[web-ext] ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
