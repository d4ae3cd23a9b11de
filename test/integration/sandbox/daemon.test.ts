import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import os from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import { xoauth2Auth } from '../../fixtures/smtp-xoauth2';
import type { SandboxRuntime } from '../../../lab/sandbox/contracts';
import { readRuntime } from '../../../lab/sandbox/runtime';
import { staticLookup } from '../../../native-host/net/static-lookup';
import { TLS12_SUITES } from '../../../native-host/trust/tls-policy';
import { EqualityFilter, Client as LdapClient, SubstringFilter } from 'ldapts';
import { fetchAutoconfig } from '../../../native-host/autoconfig/fetch';
import { trustContext } from '../../../native-host/trust/context';
import { loadSandboxTrustSet } from '../../../native-host/trust/trust-sets';
import { openUpstream } from '../../../native-host/upstream/starttls';
import { BAD_CASE_NAMES, BAD_CASES } from '../../../lab/sandbox/bad-servers/index';
import { accessToken, cibaAccessToken } from '../../fixtures/psc-tokens';
import { MARIE, PAUL } from '../../../lab/sandbox/people';
import type { MssanteError } from '../../../shared/errors/mssante-error';

const root = path.resolve(import.meta.dirname, '../../..');

function mssante(dir: string, ...args: string[]) {
  const run = spawnSync(
    process.execPath,
    [path.join(root, 'bin/mssante-lab.mjs'), 'sandbox', ...args, '--dir', dir],
    {
      encoding: 'utf8',
      env: { ...process.env, LANG: 'C.UTF-8' },
      timeout: 150_000,
    },
  );
  return { code: run.status, out: run.stdout, err: run.stderr };
}

/** An IMAP client that trusts only the sandbox's CA and resolves its names like the host does. */
function imap(runtime: SandboxRuntime, user: string, token: string): ImapFlow {
  return new ImapFlow({
    host: runtime.imap.host,
    port: runtime.imap.port,
    secure: false,
    doSTARTTLS: true,
    tls: {
      ca: readFileSync(runtime.internal.pki.chain, 'utf8'),
      lookup: staticLookup(runtime.hosts),
    } as never,
    auth: { user, accessToken: token },
    logger: false,
  });
}

async function subjects(runtime: SandboxRuntime, user: string, token: string): Promise<string[]> {
  const client = imap(runtime, user, token);
  // imapflow resolves the host itself: connect through the sandbox's name map.
  await client.connect();
  try {
    const lock = await client.getMailboxLock('INBOX');
    try {
      const out: string[] = [];
      for await (const m of client.fetch('1:*', { envelope: true }))
        out.push(m.envelope?.subject ?? '');
      return out;
    } finally {
      lock.release();
    }
  } finally {
    await client.logout();
  }
}

function s_client(runtime: SandboxRuntime, args: string[]): { ok: boolean; out: string } {
  const run = spawnSync(
    'openssl',
    [
      's_client',
      '-starttls',
      'imap',
      '-connect',
      `127.0.0.1:${runtime.imap.port}`,
      '-servername',
      runtime.imap.host,
      '-CAfile',
      runtime.internal.pki.chain,
      ...args,
    ],
    { input: '', encoding: 'utf8', timeout: 20_000 },
  );
  return { ok: run.status === 0 && /Verify return code: 0/.test(run.stdout), out: run.stdout };
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

describe('sandbox daemon: `mssante-lab sandbox up|status|down|reset` (real PSC stub, Dovecot, PKI)', function () {
  this.timeout(180_000);
  let dir: string;
  let runtime: SandboxRuntime;

  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'sandbox-daemon-'));
    const up = mssante(dir, 'up', '--json');
    assert.equal(up.code, 0, up.err);
    runtime = readRuntime(dir)!;
    assert.ok(runtime, 'runtime.json written');
  });
  after(() => {
    mssante(dir, 'down');
    rmSync(dir, { recursive: true, force: true });
  });

  it('up prints the interface other tools rely on, without test credentials, and is idempotent', () => {
    const status = mssante(dir, 'status', '--json');
    assert.equal(status.code, 0);
    const printed = JSON.parse(status.out) as Record<string, unknown>;
    for (const key of [
      'up',
      'domain',
      'imap',
      'smtp',
      'psc',
      'lps',
      'ldap',
      'autoconfig',
      'crl',
      'ocsp',
      'ca',
      'badServers',
      'mailboxes',
    ])
      assert.ok(key in printed, key);
    assert.equal(printed.up, true);
    assert.equal(printed.domain, 'sandbox.mssante.test');
    assert.equal('internal' in printed, false);
    assert.deepEqual(
      (printed.mailboxes as Array<{ profile: string }>).map((m) => m.profile).sort(),
      ['APP', 'ORG', 'PER', 'PER', 'PER', 'PER', 'PER'],
    );
    // The intermediate LPS server runs as its own process, on the sandbox's name.
    assert.match(
      (printed.lps as { url: string }).url,
      /^https:\/\/lps\.sandbox\.mssante\.test:\d+$/,
    );
    const again = mssante(dir, 'up', '--json');
    assert.equal(again.code, 0);
    assert.equal((JSON.parse(again.out) as { pid: number }).pid, runtime.pid);
  });

  it('imapflow logs in with XOAUTH2 with a token from the stub’s login page and finds the demo INBOX', async () => {
    const token = await accessToken(
      { ...runtime.psc, hostClient: runtime.internal.pscHostClient },
      MARIE.nationalId,
    );
    const list = await subjects(runtime, MARIE.mailbox, token);
    assert.equal(list.length, 3);
    assert.ok(
      list.includes("XDM/1.0/DDM+CR d'examens biologiques VIAL PAUL 26/11/1978"),
      list.join(' | '),
    );
  });

  it('a CIBA token (approved on the e-CPS app) opens the mailbox too', async () => {
    const token = await cibaAccessToken(
      { ...runtime.psc, hostClient: runtime.internal.pscHostClient },
      MARIE.nationalId,
    );
    assert.equal((await subjects(runtime, MARIE.mailbox, token)).length, 3);
  });

  it('nodemailer sends with XOAUTH2 and the colleague’s mailbox receives it', async () => {
    const stub = { ...runtime.psc, hostClient: runtime.internal.pscHostClient };
    const transport = nodemailer.createTransport({
      // 127.0.0.1, the certificate checked for its name (a getSocket would drop customAuth).
      host: '127.0.0.1',
      port: runtime.smtp.port,
      secure: false,
      requireTLS: true,
      tls: { ca: readFileSync(runtime.internal.pki.chain, 'utf8'), servername: runtime.smtp.host },
      // PSC-sized JWTs: AUTH XOAUTH2 then the 334 continuation (RFC 4954 §4).
      ...xoauth2Auth(MARIE.mailbox, await accessToken(stub, MARIE.nationalId)),
    } as never);
    const subject = `daemon test ${Date.now()}`;
    await transport.sendMail({ from: MARIE.mailbox, to: PAUL.mailbox, subject, text: 'Bonjour' });
    assert.ok(
      (await subjects(runtime, PAUL.mailbox, await accessToken(stub, PAUL.nationalId))).includes(
        subject,
      ),
    );
  });

  it('openssl s_client: each of the six TLS 1.2 suites and TLS 1.3 connect; banned suites and TLS 1.1 do not', () => {
    for (const suite of TLS12_SUITES) {
      const run = s_client(runtime, ['-tls1_2', '-cipher', suite]);
      assert.ok(run.ok, `${suite}: ${run.out.slice(-400)}`);
      assert.match(run.out, new RegExp(`Cipher is ${suite}`));
    }
    assert.ok(s_client(runtime, ['-tls1_3']).ok);
    for (const banned of [
      'AES128-SHA',
      'ECDHE-RSA-AES128-SHA',
      'ECDHE-RSA-CHACHA20-POLY1305',
      'AES256-GCM-SHA384',
    ])
      assert.equal(s_client(runtime, ['-tls1_2', '-cipher', banned]).ok, false, banned);
    assert.equal(s_client(runtime, ['-tls1_1', '-cipher', 'ALL:@SECLEVEL=0']).ok, false, 'TLS 1.1');
  });

  it('the Annuaire answers over LDAP (ldapts): the sandbox people by mail and by name prefix', async () => {
    const ldap = new LdapClient({ url: runtime.ldap.url });
    try {
      const byMail = await ldap.search(runtime.ldap.base, {
        filter: new EqualityFilter({ attribute: 'mail', value: MARIE.mailbox }),
      });
      assert.equal(byMail.searchEntries.length, 1);
      assert.equal(byMail.searchEntries[0]!.sn, 'MARTIN');
      const byName = await ldap.search(runtime.ldap.base, {
        filter: new SubstringFilter({ attribute: 'sn', initial: 'DUR' }),
      });
      assert.ok(byName.searchEntries.some((e) => e.mail === PAUL.mailbox));
    } finally {
      await ldap.unbind();
    }
  });

  it('the autoconfiguration is served over HTTPS with a certificate of the test commercial CA, in the seed’s two-front layout', async () => {
    const trust = trustContext(
      loadSandboxTrustSet(runtime.internal.pki.rootCert, runtime.internal.pki.intermediateCert),
      { cacheDir: path.join(dir, 'test-crl-cache'), lookup: staticLookup(runtime.hosts) },
    );
    const caFile = runtime.autoconfig.caFile;
    assert.ok(caFile && caFile === runtime.internal.pki.webCaCert, 'the runtime names the web CA');
    const options = {
      trust,
      lookup: staticLookup(runtime.hosts),
      port: Number(new URL(runtime.autoconfig.url).port),
      // Node's default store plus the test commercial CA (what NODE_EXTRA_CA_CERTS adds).
      webPki: [...tls.rootCertificates, readFileSync(caFile, 'utf8')],
    };
    const found = await fetchAutoconfig(MARIE.mailbox, options);
    assert.equal(found.server.pki, 'web');
    assert.match(found.server.issuer, /^CN=Sandbox Commercial TLS CA 2026/);
    assert.deepEqual(
      [found.imap.host, found.imap.port, found.smtp.host, found.smtp.port],
      [runtime.imap.host, runtime.imap.port, runtime.smtp.host, runtime.smtp.port],
    );
    const app = await fetchAutoconfig(MARIE.mailbox, { ...options, type: 'APP' });
    assert.deepEqual(
      [app.imap.host, app.imap.port, app.smtp.host, app.smtp.port],
      [
        'authcli.sandbox.mssante.test',
        runtime.imap.port,
        'authcli.sandbox.mssante.test',
        runtime.smtp.port,
      ],
    );
    // Without the commercial CA among the anchors, the same server is refused.
    await assert.rejects(
      fetchAutoconfig(MARIE.mailbox, { ...options, webPki: tls.rootCertificates }),
      (e: MssanteError) => e.code === 'E_TRUST_AUTOCONFIG_UNKNOWN_CA',
    );
  });

  it('ECO.1.1.3 ECO.1.1.5 ECO.1.1.6 ECO.1.1.10 every published bad server is refused by the host’s trust rules with its own code', async () => {
    const trust = trustContext(
      loadSandboxTrustSet(runtime.internal.pki.rootCert, runtime.internal.pki.intermediateCert),
      { cacheDir: path.join(dir, 'test-crl-cache-bad'), lookup: staticLookup(runtime.hosts) },
    );
    assert.deepEqual(Object.keys(runtime.badServers).sort(), [...BAD_CASE_NAMES].sort());
    for (const name of BAD_CASE_NAMES) {
      const server = runtime.badServers[name]!;
      await assert.rejects(
        openUpstream(
          {
            protocol: server.protocol,
            host: server.host,
            port: server.port,
            lookup: staticLookup(runtime.hosts),
          },
          trust,
        ),
        { code: BAD_CASES[name].expected },
        name,
      );
    }
  });

  it('down stops every service; up again is a warm start with the same CA and the same ports', async () => {
    const fingerprint = new X509Certificate(readFileSync(runtime.ca.root)).fingerprint256;
    const down = mssante(dir, 'down', '--json');
    assert.equal(down.code, 0);
    assert.deepEqual(JSON.parse(down.out), { up: false, stopped: true });
    assert.equal(mssante(dir, 'status', '--json').code, 3);
    assert.equal(await portOpen(runtime.imap.port), false);
    assert.equal(existsSync(path.join(dir, 'runtime.json')), false);
    assert.equal(mssante(dir, 'up').code, 0);
    const warm = readRuntime(dir)!;
    assert.equal(new X509Certificate(readFileSync(warm.ca.root)).fingerprint256, fingerprint);
    assert.equal(warm.imap.port, runtime.imap.port);
    assert.equal(warm.psc.issuer, runtime.psc.issuer);
    runtime = warm;
  });

  it('reset stops it and erases its state', () => {
    assert.equal(mssante(dir, 'reset').code, 0);
    assert.equal(existsSync(dir), false);
    assert.equal(mssante(dir, 'status').code, 3);
  });
});
