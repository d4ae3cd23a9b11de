// `npm start`: builds, installs the host manifest (for this user, with the host's state under
// .state/host), brings the sandbox up (`mssante-lab sandbox up`: PKI with CRL/OCSP, the PSC stub,
// Dovecot, the Annuaire… under .state/sandbox; stopped again on exit when this run started it),
// configures the host for it with Dr Marie MARTIN's mailbox, then opens Thunderbird with the
// add-on in a dedicated profile (.state/profile) — on your display, or under Xvfb with a
// screenshot saved and its path printed when there is none.
// Options: --once (Xvfb mode: exit after the screenshot), --fresh (recreate the profile).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writePrivateFile } from '../native-host/config/private-file';
import type { SandboxRuntime } from './sandbox/contracts';
import { sandboxDir } from './sandbox/paths';
import { readRuntime } from './sandbox/runtime';
import { sandboxHostConfig, writeLabHostConfig } from './sandbox/host-config';
import { PRACTITIONERS, titleCodeOf } from './sandbox/people';
import { composeFromLabel, displayTitle } from '../shared/domain/mail/from-label';
import { Marionette } from './thunderbird/marionette';
import { freePort } from './system/net';
import { writeProfile } from './thunderbird/profile';
import { ensurePackages, THUNDERBIRD_PACKAGES } from './system/packages';
import { launchThunderbird } from './thunderbird/launch';
import { webTrustBundle } from './sandbox/web-trust';
import { ensureDisplay } from './thunderbird/xvfb';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
// Everything `npm start` keeps is under .state/ ($MSSANTE_START_DIR moves it: the test of npm start).
const state = process.env.MSSANTE_START_DIR
  ? path.resolve(process.env.MSSANTE_START_DIR)
  : path.join(root, '.state');
const hostState = path.join(state, 'host');
const profile = path.join(state, 'profile');
const sandbox = process.env.MSSANTE_START_DIR ? path.join(state, 'sandbox') : sandboxDir(root);
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const manifest = JSON.parse(readFileSync(path.join(root, 'manifest.json'), 'utf8'));
const addonId: string = manifest.browser_specific_settings.gecko.id;
const say = (line: string) => console.log(`[start] ${line}`);

function run(cmd: string, argv: string[], env: NodeJS.ProcessEnv = process.env): void {
  const result = spawnSync(cmd, argv, { cwd: root, stdio: 'inherit', env });
  if (result.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} failed`);
}

/** Waits until the host log shows the add-on's hello: the add-on and its host are connected. */
async function waitForHandshake(since: number, timeoutMs = 60_000): Promise<boolean> {
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
function configureHost(runtime: SandboxRuntime): string {
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
function sandboxUp(): { runtime: SandboxRuntime; startedHere: boolean } {
  const before = readRuntime(sandbox);
  run(process.execPath, ['bin/mssante-lab.mjs', 'sandbox', 'up', '--dir', sandbox]);
  const runtime = readRuntime(sandbox);
  if (!runtime) throw new Error(`the sandbox is not running (see ${sandbox}/daemon.log)`);
  return { runtime, startedHere: !before };
}

async function main(): Promise<void> {
  run(process.execPath, ['scripts/build.mjs']);
  ensurePackages(THUNDERBIRD_PACKAGES, say);
  mkdirSync(state, { recursive: true });
  run(process.execPath, ['dist/host/mssante.mjs', 'host', 'install'], {
    ...process.env,
    MSSANTE_STATE_DIR: hostState,
  });
  const { runtime, startedHere } = sandboxUp();
  const address = configureHost(runtime);
  say(`sandbox up (${path.relative(root, sandbox)}), mailbox ${address} configured in the host`);
  const stopSandbox = () => {
    // A sandbox that was already running before `npm start` is left as it was.
    if (startedHere)
      run(process.execPath, ['bin/mssante-lab.mjs', 'sandbox', 'down', '--dir', sandbox]);
  };

  if (args.has('--fresh')) rmSync(profile, { recursive: true, force: true });
  const display = await ensureDisplay({ preferExisting: true });
  const headless = display.process !== null;
  const marionettePort = headless ? await freePort() : 0;
  writeProfile({
    dir: profile,
    xpi: path.join(root, 'dist', `open-mssante-${pkg.version}.xpi`),
    addonId,
    locale: 'fr',
    prefs: headless ? { 'marionette.port': marionettePort } : {},
    // The PSC page sends the sign-in tab back to the intermediate LPS server.
    ...(runtime.lps
      ? { webServers: { caFile: runtime.lps.caFile, names: [new URL(runtime.lps.url).hostname] } }
      : {}),
  });
  const logFile = path.join(state, 'thunderbird.log');
  const since = Date.now();
  say(
    `Thunderbird on display ${display.display}${headless ? ' (Xvfb: no display was set)' : ''}, profile ${path.relative(root, profile)}`,
  );
  const tb = launchThunderbird({
    profile,
    display: display.display,
    home: process.env.HOME ?? '',
    logFile,
    marionette: headless,
    env: {
      MSSANTE_STATE_DIR: hostState,
      // The host Thunderbird starts trusts the autoconfig server's test "commercial" CA as a
      // browser trusts a commercial one: through Node's default store (docs/trust.md).
      ...(runtime.autoconfig.caFile
        ? { NODE_EXTRA_CA_CERTS: webTrustBundle(runtime.autoconfig.caFile, state) }
        : {}),
    },
  });
  const stop = async () => {
    await tb.stop();
    await display.stop();
    stopSandbox();
  };
  process.on('SIGINT', () => void stop().then(() => process.exit(0)));
  process.on('SIGTERM', () => void stop().then(() => process.exit(0)));

  const connected = await waitForHandshake(since);
  say(
    connected
      ? 'the add-on is connected to its native host'
      : `no handshake within 60 s — see ${logFile} and ${hostState}/logs/host.log`,
  );

  let mirrored = true;
  if (headless) {
    const marionette = await Marionette.connect(marionettePort);
    // The add-on mirrors the host's mailbox as a Thunderbird account: wait for it.
    const fromName = await marionette.chrome<string | null>(
      `const { MailServices } = ChromeUtils.importESModule('resource:///modules/MailServices.sys.mjs');
       for (let i = 0; i < 100; i++) {
         const a = MailServices.accounts.accounts.find((a) => a.incomingServer?.getStringValue('mssante_address') === args[0]);
         if (a) return a.defaultIdentity?.fullName ?? '';
         await new Promise((r) => setTimeout(r, 200));
       }
       return null;`,
      [address],
    );
    mirrored = fromName !== null;
    say(
      mirrored
        ? `the Thunderbird account of ${address} is there (From name: ${fromName})`
        : `no Thunderbird account for ${address} within 20 s`,
    );
    // Show the add-on's status page in a tab so the screenshot says what the popup says.
    await marionette.chrome(
      `const policy = WebExtensionPolicy.getByID(args[0]);
       Services.wm.getMostRecentWindow('mail:3pane').openTab('contentTab', { url: 'moz-extension://' + policy.mozExtensionHostname + '/ui/popup/popup.html' });
       await new Promise((r) => setTimeout(r, 1500));
       return true;`,
      [addonId],
    );
    const shots = path.join(state, 'screenshots');
    mkdirSync(shots, { recursive: true });
    const file = path.join(shots, `start-${new Date().toISOString().replace(/[:.]/g, '-')}.png`);
    writeFileSync(file, await marionette.screenshot());
    marionette.close();
    say(`screenshot: ${file}`);
  }
  if (args.has('--once')) {
    await stop();
    process.exit(connected && mirrored ? 0 : 1);
  }
  say('Thunderbird is running; Ctrl+C stops it.');
  tb.child.on(
    'exit',
    () =>
      void display
        .stop()
        .then(() => stopSandbox())
        .then(() => process.exit(0)),
  );
}

main().catch((error: unknown) => {
  console.error(`[start] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
