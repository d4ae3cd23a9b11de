import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type MiniPki, miniPki } from '../../lab/sandbox/pki/mini-pki';
import { RevocationServer } from '../../lab/sandbox/pki/revocation-server';
import { type StarttlsServer, starttlsServer } from '../../lab/sandbox/bad-servers/starttls-server';
import { ThunderbirdSuite, waitFor } from '../../lab/thunderbird/harness';
import { MARIE } from '../../lab/sandbox/people';

const DAY = 86_400_000;

describe('[e2e] trust refusal seen in Thunderbird', function () {
  let pki: MiniPki;
  let revocation: RevocationServer;
  let imap: StarttlsServer;
  let smtp: StarttlsServer;
  let files: string;
  let suite: ThunderbirdSuite;
  let page: number;
  let accountKey: string;

  before(async function () {
    this.timeout(240_000);
    pki = await miniPki();
    revocation = new RevocationServer(pki.organisations, pki.organisationsKey);
    const urls = await revocation.start();
    revocation.crl = await pki.crl([]);
    // The operator's certificate expired yesterday (ECO.1.1.5).
    const { cert, keyPem } = await pki.issue({
      name: 'imap.sandbox.mssante.test',
      from: new Date(Date.now() - 90 * DAY),
      to: new Date(Date.now() - DAY),
      crlUrl: urls.crlUrl,
    });
    const tlsOptions = { cert: cert.toString() + pki.organisations.toString(), key: keyPem };
    imap = await starttlsServer({ protocol: 'imap', tls: tlsOptions });
    smtp = await starttlsServer({ protocol: 'smtp', tls: tlsOptions });
    files = mkdtempSync(path.join(os.tmpdir(), 'trust-anchors-'));
    writeFileSync(path.join(files, 'root.pem'), pki.root.toString());
    writeFileSync(path.join(files, 'organisations.pem'), pki.organisations.toString());
    suite = new ThunderbirdSuite({
      name: 'trust-refusal',
      hostConfig: {
        trust: {
          set: 'sandbox',
          rootCert: path.join(files, 'root.pem'),
          intermediateCert: path.join(files, 'organisations.pem'),
        },
        hosts: { '*.sandbox.mssante.test': '127.0.0.1' },
      },
    });
    await suite.start();
    page = await suite.openPage('ui/popup/popup.html');
    await waitFor(
      'the host',
      async () =>
        (
          await suite.page<{ state: { data: { status: string } } }>(page, 'read', {
            state: '#state',
          })
        ).state.data.status === 'connected',
    );
    const added = await suite.page<{
      ok: boolean;
      result: { imapPort: number; smtpPort: number; secret: string; tlsCertificate: string };
    }>(page, 'sendMessage', {
      kind: 'host',
      type: 'mailbox.add',
      params: {
        address: MARIE.mailbox,
        profile: 'PER',
        imap: { host: 'imap.sandbox.mssante.test', port: imap.port },
        smtp: { host: 'smtp.sandbox.mssante.test', port: smtp.port },
      },
    });
    assert.equal(added.ok, true, JSON.stringify(added));
    const created = await suite.page<{ accountId: string }>(page, 'call', {
      api: 'mssanteAccounts.create',
      args: [
        {
          address: MARIE.mailbox,
          fullName: 'Dr Marie MARTIN',
          imapPort: added.result.imapPort,
          smtpPort: added.result.smtpPort,
          secret: added.result.secret,
          tlsCertificate: added.result.tlsCertificate,
        },
      ],
    });
    accountKey = created.accountId;
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed')
      await suite.captureFailure(this.currentTest.fullTitle());
  });
  after(async function () {
    this.timeout(30_000);
    await suite?.stop();
    await imap?.close();
    await smtp?.close();
    await revocation?.stop();
    if (files) rmSync(files, { recursive: true, force: true });
  });

  it('[e2e] ECO.1.1.5 tells the user the operator certificate expired, and no login ever reaches that server', async function () {
    this.timeout(120_000);
    // What Thunderbird does when the user opens the account: log in to IMAP (here, the bridge).
    const alert = await suite.alertsOnOpening(accountKey);
    assert.match(
      alert,
      /: Le certificat du serveur a expiré \(ECO\.1\.1\.5\)\. \[E_TRUST_EXPIRED\]/,
    );
    assert.equal(imap.authAttempts(), 0);
    const journal = readFileSync(
      path.join(suite.stateDir, 'audit', `journal-${new Date().toISOString().slice(0, 10)}.jsonl`),
      'utf8',
    );
    assert.match(journal, /"action":"authenticate","outcome":"failed",.*"code":"E_TRUST_EXPIRED"/);
    assert.match(journal, /sha256 ([0-9A-F]{2}:){31}[0-9A-F]{2}/);
  });
});
