// `npm start`: builds, installs the host manifest (for this user, with the host's state under
// .state/host), brings the sandbox up (`mssante-lab sandbox up`: PKI with CRL/OCSP, the PSC stub,
// Dovecot, the Annuaire… under .state/sandbox; stopped again on exit when this run started it),
// configures the host for it with Dr Marie MARTIN's mailbox, then opens Thunderbird with the
// add-on in a dedicated profile (.state/profile) — on your display, or under Xvfb with a
// screenshot saved and its path printed when there is none.
// Options: --once (Xvfb mode: exit after the screenshot), --fresh (recreate the profile).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Marionette } from './thunderbird/marionette';
import { freePort } from './system/net';
import { launchThunderbird } from './thunderbird/launch';
import { ensureDisplay } from './thunderbird/xvfb';
import {
  addonId,
  prepareReadyState,
  ROOT as root,
  run,
  startPaths,
  waitForHandshake,
  writeReadyProfile,
} from './ready';

const args = new Set(process.argv.slice(2));
// Everything `npm start` keeps is under .state/ ($MSSANTE_START_DIR moves it: the test of npm start).
const paths = startPaths();
const { state, hostState } = paths;
const profile = path.join(state, 'profile');
const say = (line: string) => console.log(`[start] ${line}`);

async function main(): Promise<void> {
  run(process.execPath, ['scripts/build.mjs']);
  const ready = prepareReadyState({ paths, sandbox: true, say });
  const address = ready.address!;
  const stopSandbox = ready.stopSandbox;

  const display = await ensureDisplay({ preferExisting: true });
  const headless = display.process !== null;
  const marionettePort = headless ? await freePort() : 0;
  writeReadyProfile(ready, {
    dir: profile,
    fresh: args.has('--fresh'),
    installXpi: true,
    prefs: headless ? { 'marionette.port': marionettePort } : {},
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
    env: ready.env,
  });
  const stop = async () => {
    await tb.stop();
    await display.stop();
    stopSandbox();
  };
  process.on('SIGINT', () => void stop().then(() => process.exit(0)));
  process.on('SIGTERM', () => void stop().then(() => process.exit(0)));

  const connected = await waitForHandshake(hostState, since);
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
      [addonId()],
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
