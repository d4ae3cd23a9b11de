import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildReport, mergeLive } from '../../native-host/conformance/report';
import { runLive } from '../../native-host/conformance/live/run';
import { startSandboxPlatform, type SandboxPlatform } from '../../lab/conformance/sandbox-platform';
import { annuaireCheck } from '../../native-host/conformance/live/annuaire';
import type { LiveContext, LiveRun } from '../../native-host/conformance/live/types';
import { type DovecotHandle, startDovecot } from '../../lab/sandbox/dovecot/index';
import { HOST_NAMES } from '../../lab/sandbox/contracts';
import { freePort } from '../../lab/system/net';
import { REQUIREMENTS } from '../../shared/requirements';

const statusOf = (run: LiveRun, id: string) =>
  run.results.filter((r) => r.ids.includes(id)).map((r) => r.status);

describe('live conformance check against the local sandbox (real Dovecot, PSC stub, PKI, autoconfig, slapd)', function () {
  this.timeout(180_000);
  let platform: SandboxPlatform;
  let run: LiveRun;

  before(async () => {
    platform = await startSandboxPlatform();
    run = await runLive(platform.config, { completeLoginPage: platform.completeLoginPage });
  });
  after(async () => {
    await platform?.stop();
  });

  it('ECO.1.1.1 ECO.1.1.2 ECO.1.1.3 ECO.1.1.5 ECO.1.1.10 proves the TLS parameters and the chain of the IMAP and SMTP servers, with the negotiated session and the certificate as evidence', () => {
    for (const id of ['ECO.1.1.1', 'ECO.1.1.2', 'ECO.1.1.3', 'ECO.1.1.5', 'ECO.1.1.10']) {
      assert.deepEqual(statusOf(run, id), ['proved', 'proved'], id);
    }
    const tls12 = run.results.find((r) => r.check === 'tls.imap' && r.ids.includes('ECO.1.1.3'))!;
    assert.equal(tls12.evidence.protocol, 'TLSv1.2');
    assert.match(tls12.evidence.cipher!, /^TLS_(EC)?DHE_RSA_WITH_AES_/);
    assert.match(tls12.evidence.keyExchange!, /ECDH|DH/);
    assert.match(
      tls12.evidence.certificate!,
      /subject CN=imap\.sandbox\.mssante\.test.*issuer CN=TEST AC IGC-SANTE ELEMENTAIRE ORGANISATIONS.*sha256 [0-9A-F:]{95}/,
    );
    const tls13 = run.results.find((r) => r.check === 'tls.smtp' && r.ids.includes('ECO.1.1.2'))!;
    assert.equal(tls13.evidence.protocol, 'TLSv1.3');
  });

  it('ECO.1.1.6 ECO.1.1.7 proves the revocation status (CRL and OCSP good) and that the kept CRL answers when downloads fail', () => {
    assert.deepEqual(statusOf(run, 'ECO.1.1.6'), ['proved', 'proved']);
    assert.deepEqual(statusOf(run, 'ECO.1.1.7'), ['proved', 'proved']);
    const r = run.results.find(
      (x) => x.check === 'revocation.imap' && x.ids.includes('ECO.1.1.6'),
    )!;
    assert.match(r.evidence.revocation!, /CRL http:\/\/pki\.sandbox\.mssante\.test:\d+\/crl good/);
    assert.match(
      r.evidence.revocation!,
      /OCSP http:\/\/pki\.sandbox\.mssante\.test:\d+\/ocsp good/,
    );
    const kept = run.results.find(
      (x) => x.check === 'revocation.imap' && x.ids.includes('ECO.1.1.7'),
    )!;
    assert.match(kept.evidence.replay!, /good \(disk\)/);
  });

  it('ECO.1.1.9 downloads the autoconfiguration under the trust rules and finds the servers tested', () => {
    assert.deepEqual(statusOf(run, 'ECO.1.1.9'), ['proved']);
    const r = run.results.find((x) => x.check === 'autoconfig')!;
    assert.match(
      r.evidence.imap!,
      new RegExp(`^${HOST_NAMES.imap}:${platform.config.imap.port} STARTTLS`),
    );
  });

  it('ECO.1.2.1 signs in to PSC and logs in with XOAUTH2 on IMAP and SMTP', () => {
    assert.deepEqual(
      run.results.filter((r) => r.ids.includes('ECO.1.2.1')).map((r) => [r.check, r.status]),
      [
        ['xoauth2.imap', 'proved'],
        ['xoauth2.smtp', 'proved'],
      ],
    );
    assert.match(
      run.results.find((r) => r.check === 'xoauth2.smtp')!.evidence.extensions!,
      /XOAUTH2/,
    );
  });

  it('ECO.2.4.3 ECO.2.2.1 ECO.2.2.3 sends a message to the own mailbox and finds X-MSS-NIL, the Message-ID and the UTF-8 text intact on arrival', () => {
    for (const id of ['ECO.2.4.3', 'ECO.2.2.1', 'ECO.2.2.3'])
      assert.deepEqual(statusOf(run, id), ['proved'], id);
    const arrived = platform.operator.dovecot.readMailbox(platform.config.mailbox.address);
    const evidence = run.results.find((r) => r.check === 'message')!.evidence;
    const message = arrived.find((m) => m.includes(evidence['Message-ID']!))!;
    assert.match(message, /^X-MSS-NIL: OPEN-MSSANTE-THUNDERBIRD$/m);
    assert.match(message, /é è à ç œ € ✓/);
  });

  it('ECO.3.1.4 searches the sandbox Annuaire (slapd) with the host’s LDAP client and finds Dr MARTIN’s mailbox', () => {
    assert.deepEqual(statusOf(run, 'ECO.3.1.4'), ['proved']);
    const r = run.results.find((x) => x.check === 'annuaire')!;
    const ldap = platform.operator.annuaire!.info;
    assert.equal(r.evidence.server, `${ldap.url} ${ldap.base}`);
    assert.match(r.evidence.first!, /^MARTIN marie\.martin@sandbox\.mssante\.test$/);
    assert.equal(r.evidence.truncated, 'false');
    assert.ok(Number(r.evidence.entries) >= 1);
  });

  it('passes entirely: nothing failing and nothing left not run', () => {
    assert.deepEqual(
      run.results.filter((r) => r.status !== 'proved').map((r) => [r.check, r.status, r.en]),
      [],
    );
    assert.deepEqual(
      [...new Set(run.results.map((r) => r.check))],
      [
        'tls.imap',
        'tls.smtp',
        'revocation.imap',
        'revocation.smtp',
        'autoconfig',
        'xoauth2.imap',
        'xoauth2.smtp',
        'message',
        'annuaire',
      ],
    );
  });

  it('says why the Annuaire was not checked: no ldap field, or a server that does not answer (coded)', async () => {
    const { ldap: _ldap, ...withoutLdap } = platform.config;
    const none = await annuaireCheck.run({ config: withoutLdap } as LiveContext);
    assert.deepEqual(
      none.map((r) => [r.status, r.en]),
      [['not-run', 'Could not be checked: no LDAP directory is configured (field "ldap").']],
    );
    const closed = await annuaireCheck.run({
      config: {
        ...platform.config,
        ldap: { url: `ldap://127.0.0.1:${await freePort()}`, base: 'o=x' },
      },
    } as LiveContext);
    assert.deepEqual(
      closed.map((r) => [r.status, r.evidence.code]),
      [['not-run', 'E_ANNUAIRE_UNREACHABLE']],
    );
    assert.match(closed[0]!.fr, /^Non vérifiable : /);
  });

  it('merges the run into the report under the platform’s name, per requirement', () => {
    const report = mergeLive(
      buildReport({
        requirements: REQUIREMENTS,
        results: [],
        profiles: ['PER'],
        platform: 'x',
        versions: {},
        now: new Date(0),
      }),
      run,
    );
    const row = report.rows.find((r) => r.id === 'ECO.1.1.1')!;
    assert.deepEqual(
      row.live?.map((l) => [l.platform, l.status]),
      [[platform.config.platform, 'proved']],
    );
    assert.equal(report.live?.[0]?.platform, platform.config.platform);
  });

  describe('with an expired server certificate on the operator’s Dovecot (deliberately broken)', () => {
    let broken: DovecotHandle;
    let dir: string;
    let brokenRun: LiveRun;

    before(async () => {
      dir = mkdtempSync(path.join(os.tmpdir(), 'expired-dovecot-'));
      const { pki, revocation, stub } = platform.operator;
      const expired = await pki.issue({
        name: HOST_NAMES.imap,
        altNames: [HOST_NAMES.smtp],
        from: new Date(Date.now() - 400 * 86_400_000),
        to: new Date(Date.now() - 30 * 86_400_000),
        crlUrl: revocation.urls.crlUrl,
        ocspUrl: revocation.urls.ocspUrl,
      });
      const certFile = path.join(dir, 'expired.pem');
      const keyFile = path.join(dir, 'expired.key');
      writeFileSync(certFile, expired.cert.toString() + pki.organisations.toString(), {
        mode: 0o600,
      });
      writeFileSync(keyFile, expired.keyPem, { mode: 0o600 });
      broken = await startDovecot({
        dir: path.join(dir, 'dovecot'),
        tls: { certFile, keyFile },
        imapPort: await freePort(),
        smtpPort: await freePort(),
        introspection: stub.info.introspection,
        domains: ['sandbox.mssante.test'],
      });
      brokenRun = await runLive(
        {
          ...platform.config,
          platform: 'expired certificate',
          imap: { host: HOST_NAMES.imap, port: broken.info.imap.port },
          smtp: { host: HOST_NAMES.smtp, port: broken.info.smtp.port },
          // The sandbox's autoconfiguration names the healthy servers: left out of this run.
          autoconfig: { port: await freePort() },
        },
        { completeLoginPage: platform.completeLoginPage },
      );
    });
    after(async () => {
      await broken?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('ECO.1.1.5 makes exactly the expiry requirement fail in the report, with the refused certificate as evidence', () => {
      const report = mergeLive(
        buildReport({
          requirements: REQUIREMENTS,
          results: [],
          profiles: ['PER'],
          platform: 'x',
          versions: {},
          now: new Date(0),
        }),
        brokenRun,
      );
      const failing = report.rows
        .filter((r) => r.live?.some((l) => l.status === 'failing'))
        .map((r) => r.id);
      assert.deepEqual(failing, ['ECO.1.1.5']);
      const r = brokenRun.results.find(
        (x) => x.check === 'tls.imap' && x.ids.includes('ECO.1.1.5'),
      )!;
      assert.equal(r.evidence.code, 'E_TRUST_EXPIRED');
      assert.match(r.evidence.detail!, /CN=imap\.sandbox\.mssante\.test.*until/);
      // The rules checked before the dates held; the ones after could not be reached.
      assert.deepEqual(statusOf(brokenRun, 'ECO.1.1.3'), ['proved', 'proved']);
      assert.deepEqual(statusOf(brokenRun, 'ECO.1.2.1'), ['not-run', 'not-run']);
    });
  });
});
