import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../../lab/thunderbird/harness';
import { parseHostConfig } from '../../native-host/config/schema';
import { MARIE } from '../../lab/sandbox/people';

/** `npm start -- --once` as a newcomer runs it, with its state and HOME in a temporary folder. */
function npmStartOnce(dir: string): Promise<{ code: number | null; out: string }> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    MSSANTE_START_DIR: dir,
    HOME: path.join(dir, 'home'),
  };
  delete env.DISPLAY; // no display: Xvfb, a screenshot, and exit
  delete env.MSSANTE_STATE_DIR;
  mkdirSync(env.HOME!, { recursive: true });
  return new Promise((resolve) => {
    // package.json's own `start` script, as `npm start -- --once` runs it.
    const start = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts.start;
    const [node, ...argv] = `${start} --once`.split(' ');
    assert.equal(node, 'node');
    const child = spawn(process.execPath, argv, {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => resolve({ code, out }));
  });
}

describe('[e2e] npm start', function () {
  let dir: string;
  let run: { code: number | null; out: string };

  before(async function () {
    this.timeout(300_000);
    dir = mkdtempSync(path.join(os.tmpdir(), 'npm-start-'));
    run = await npmStartOnce(dir);
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('[e2e] ECO.2.2.7 npm start -- --once brings the sandbox up, configures Dr Marie MARTIN’s mailbox, connects the add-on, mirrors the account under her From name and saves a screenshot', () => {
    assert.equal(run.code, 0, run.out);
    assert.match(run.out, /\[start\] sandbox up/);
    assert.match(run.out, /the add-on is connected to its native host/);
    // ECO.2.2.7: the account the add-on made from the host's mailbox is named as setup would.
    assert.match(
      run.out,
      new RegExp(
        `the Thunderbird account of ${MARIE.mailbox} is there \\(From name: Dr Marie MARTIN\\)`,
      ),
    );
    const shot = /\[start\] screenshot: (.+\.png)/.exec(run.out)?.[1];
    assert.ok(shot && existsSync(shot), run.out);
    assert.deepEqual([...readFileSync(shot).subarray(1, 4)], [...Buffer.from('PNG')]);
    const mailboxes = JSON.parse(readFileSync(path.join(dir, 'host', 'mailboxes.json'), 'utf8'));
    assert.deepEqual(
      mailboxes.map((m: { address: string; profile: string; displayName: string }) => [
        m.address,
        m.profile,
        m.displayName,
      ]),
      [[MARIE.mailbox, 'PER', 'Dr Marie MARTIN']],
    );
    // The lab wrote a whole config.json (no pointer to the sandbox's runtime.json), which the
    // product's schema accepts: the intermediate LPS server (its own process) and no PSC client
    // credential, the sandbox's chain, names, ports and Annuaire.
    const text = readFileSync(path.join(dir, 'host', 'config.json'), 'utf8');
    const config = parseHostConfig(JSON.parse(text));
    assert.match(config.lps?.url ?? '', /^https:\/\/lps\.sandbox\.mssante\.test:\d+$/);
    assert.equal(config.psc, undefined);
    assert.doesNotMatch(text, /clientSecret|keyFile|pkcs12File/);
    assert.equal(config.trust.set, 'sandbox');
    assert.ok(
      config.trust.set === 'sandbox' && config.trust.rootCert.startsWith(path.join(dir, 'sandbox')),
    );
    assert.deepEqual(Object.keys(config.autoconfig?.ports ?? {}), ['sandbox.mssante.test']);
    assert.match(
      config.annuaire && 'url' in config.annuaire ? config.annuaire.url : '',
      /^ldap:\/\/127\.0\.0\.1:\d+$/,
    );
  });

  it('[e2e] npm start leaves the demo INBOX (a colleague, a patient, an XDM) and stops the sandbox it started', () => {
    const inbox = path.join(
      dir,
      'sandbox',
      'dovecot',
      'mail',
      'sandbox.mssante.test',
      'marie.martin',
      'Maildir',
    );
    const messages = ['new', 'cur']
      .filter((sub) => existsSync(path.join(inbox, sub)))
      .flatMap((sub) =>
        readdirSync(path.join(inbox, sub)).map((f) =>
          readFileSync(path.join(inbox, sub, f), 'utf8'),
        ),
      );
    assert.equal(messages.length, 3);
    assert.ok(messages.some((m) => /^From: .*@patient\.mssante\.fr>?$/m.test(m)));
    assert.ok(messages.some((m) => /^Subject: XDM\/1\.0\/DDM\+/m.test(m)));
    assert.equal(
      existsSync(path.join(dir, 'sandbox', 'runtime.json')),
      false,
      'the sandbox is down',
    );
  });
});
