// The lab's "ready state", shared by `npm start` (lab/start.ts) and `npx web-ext run`
// (web-ext-config.mjs → lab/web-ext/prepare.ts): the host manifest installed for this user with
// the host's state under <state>/host, the sandbox up (PKI with CRL/OCSP, PSC stub, Dovecot, the
// Annuaire…), the host configured for it with Dr Marie MARTIN's mailbox, and a Thunderbird
// profile with the prefs the add-on needs. Launching Thunderbird is left to the caller.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writePrivateFile } from '../native-host/config/private-file';
import { composeFromLabel, displayTitle } from '../shared/domain/mail/from-label';
import type { SandboxRuntime } from './sandbox/contracts';
import { sandboxHostConfig, writeLabHostConfig } from './sandbox/host-config';
import { sandboxDir } from './sandbox/paths';
import { PRACTITIONERS, titleCodeOf } from './sandbox/people';
import { readRuntime } from './sandbox/runtime';
import { webTrustBundle } from './sandbox/web-trust';
import { ensurePackages, THUNDERBIRD_PACKAGES } from './system/packages';
import { type PrefValue, writeProfile } from './thunderbird/profile';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface StartPaths {
  /** Everything the ready state keeps: <project>/.state, or $MSSANTE_START_DIR. */
  state: string;
  /** The host's MSSANTE_STATE_DIR (config.json, mailboxes.json, logs/host.log). */
  hostState: string;
  /** The sandbox's state directory. */
  sandbox: string;
}

/** Where the ready state lives ($MSSANTE_START_DIR moves all of it: the tests of npm start). */
export function startPaths(env: NodeJS.ProcessEnv = process.env): StartPaths {
  const state = env.MSSANTE_START_DIR
    ? path.resolve(env.MSSANTE_START_DIR)
    : path.join(ROOT, '.state');
  return {
    state,
    hostState: path.join(state, 'host'),
    sandbox: env.MSSANTE_START_DIR ? path.join(state, 'sandbox') : sandboxDir(ROOT, env),
  };
}

/** Runs a command from the project root; its output goes to stderr (stdout may carry JSON). */
export function run(cmd: string, argv: string[], env: NodeJS.ProcessEnv = process.env): void {
  const result = spawnSync(cmd, argv, { cwd: ROOT, stdio: ['ignore', 2, 2], env });
  if (result.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} failed`);
}

/** Waits until the host log shows the add-on's hello: the add-on and its host are connected. */
export async function waitForHandshake(
  hostState: string,
  since: number,
  timeoutMs = 60_000,
): Promise<boolean> {
  const log = path.join(hostState, 'logs', 'host.log');
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (existsSync(log)) {
      const hello = readFileSync(log, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { t: string; event: string })
        .some((entry) => entry.event === 'hello' && Date.parse(entry.t) >= since);
      if (hello) return true;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

/**
 * The host's configuration for the sandbox (a whole config.json, written by the lab and checked
 * by the product's schema), and the demo mailbox (kept across starts with its bridge ports; the
 * host makes a new local secret at each start).
 */
function configureHost(hostState: string, runtime: SandboxRuntime): string {
  const marie = { ...PRACTITIONERS[0]!, mailbox: PRACTITIONERS[0]!.mailbox! };
  writeLabHostConfig(hostState, sandboxHostConfig(runtime));
  const file = path.join(hostState, 'mailboxes.json');
  const previous = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as Array<Record<string, unknown>>)
    : [];
  const kept = previous.find((m) => m.address === marie.mailbox);
  const mailbox = {
    address: marie.mailbox,
    profile: 'PER',
    imap: runtime.imap,
    smtp: runtime.smtp,
    imapPort: (kept?.imapPort as number | undefined) ?? 0,
    smtpPort: (kept?.smtpPort as number | undefined) ?? 0,
    // ECO.2.2.7: the From name the setup page would have given it (the account is made by the
    // add-on's sync before any PSC sign-in, so it takes the name the host keeps).
    displayName: composeFromLabel('PER', {
      title: displayTitle(titleCodeOf(marie)),
      firstName: marie.firstName,
      lastName: marie.lastName,
    }),
  };
  const others = previous.filter((m) => m.address !== marie.mailbox);
  writePrivateFile(file, JSON.stringify([mailbox, ...others], null, 2) + '\n');
  return marie.mailbox;
}

/** `mssante-lab sandbox up`; returns its runtime and whether this run started it. */
function sandboxUp(sandbox: string): { runtime: SandboxRuntime; startedHere: boolean } {
  const before = readRuntime(sandbox);
  run(process.execPath, ['bin/mssante-lab.mjs', 'sandbox', 'up', '--dir', sandbox]);
  const runtime = readRuntime(sandbox);
  if (!runtime) throw new Error(`the sandbox is not running (see ${sandbox}/daemon.log)`);
  return { runtime, startedHere: !before };
}

export interface ReadyOptions {
  paths: StartPaths;
  /** Bring the sandbox up and configure the host for it (false: the lab's own config.json). */
  sandbox: boolean;
  say: (line: string) => void;
}

export interface ReadyState {
  paths: StartPaths;
  /** The running sandbox, or null when the caller asked for none. */
  runtime: SandboxRuntime | null;
  /** The mailbox configured in the host (Dr Marie MARTIN's), or null without the sandbox. */
  address: string | null;
  /** The environment Thunderbird (and so the host it spawns) needs. */
  env: Record<string, string>;
  /** Stops the sandbox when this run started it; a sandbox already running is left as it was. */
  stopSandbox(): void;
}

/**
 * Builds nothing (the caller builds), installs the host manifest and, with `sandbox`, brings the
 * sandbox up and configures the host for it with Dr Marie MARTIN's mailbox.
 */
export function prepareReadyState({ paths, sandbox, say }: ReadyOptions): ReadyState {
  ensurePackages(THUNDERBIRD_PACKAGES, say);
  mkdirSync(paths.state, { recursive: true });
  run(process.execPath, ['dist/host/mssante.mjs', 'host', 'install'], {
    ...process.env,
    MSSANTE_STATE_DIR: paths.hostState,
  });
  const env: Record<string, string> = { MSSANTE_STATE_DIR: paths.hostState };
  if (!sandbox) return { paths, runtime: null, address: null, env, stopSandbox: () => {} };
  const { runtime, startedHere } = sandboxUp(paths.sandbox);
  const address = configureHost(paths.hostState, runtime);
  say(
    `sandbox up (${path.relative(ROOT, paths.sandbox)}), mailbox ${address} configured in the host`,
  );
  // The host Thunderbird starts trusts the autoconfig server's test "commercial" CA as a
  // browser trusts a commercial one: through Node's default store (docs/trust.md).
  if (runtime.autoconfig.caFile)
    env.NODE_EXTRA_CA_CERTS = webTrustBundle(runtime.autoconfig.caFile, paths.state);
  const stopSandbox = () => {
    if (startedHere)
      run(process.execPath, ['bin/mssante-lab.mjs', 'sandbox', 'down', '--dir', paths.sandbox]);
  };
  return { paths, runtime, address, env, stopSandbox };
}

export interface ReadyProfileOptions {
  dir: string;
  /** Recreate the profile from scratch. */
  fresh?: boolean;
  /** Drop the built xpi into the profile (npm start); web-ext installs its own temporary copy. */
  installXpi: boolean;
  prefs?: Record<string, PrefValue>;
}

/** The add-on's id, from the top-level manifest the build copies. */
export function addonId(): string {
  const manifest = JSON.parse(readFileSync(path.join(ROOT, 'manifest.json'), 'utf8'));
  return manifest.browser_specific_settings.gecko.id as string;
}

/**
 * The ready state's Thunderbird profile (lab/thunderbird/profile.ts): clean-window prefs, the
 * French UI and, with the sandbox, its intermediate LPS server's CA trusted and its name resolved.
 */
export function writeReadyProfile(ready: ReadyState, options: ReadyProfileOptions): void {
  if (options.fresh) rmSync(options.dir, { recursive: true, force: true });
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const lps = ready.runtime?.lps;
  writeProfile({
    dir: options.dir,
    ...(options.installXpi
      ? { xpi: path.join(ROOT, 'dist', `open-mssante-${pkg.version}.xpi`) }
      : {}),
    addonId: addonId(),
    locale: 'fr',
    prefs: options.prefs ?? {},
    // The PSC page sends the sign-in tab back to the intermediate LPS server.
    ...(lps ? { webServers: { caFile: lps.caFile, names: [new URL(lps.url).hostname] } } : {}),
  });
}
