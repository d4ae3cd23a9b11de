import assert from 'node:assert/strict';
import { ThunderbirdSuite, withThunderbird } from '../../lab/thunderbird/harness';
import { MARIE } from '../../lab/sandbox/people';
import {
  type LoopbackIdentity,
  loopbackIdentity,
} from '../../native-host/bridge/loopback-identity';

interface Created {
  accountId: string;
  identityId: string;
  smtpServerId: string;
}

describe('[e2e] mssanteAccounts experiment (Thunderbird)', function () {
  const suite = new ThunderbirdSuite({ name: 'accounts-experiment' });
  let page: number;
  let identity: LoopbackIdentity;
  let nextIdentity: LoopbackIdentity;
  /** The certificate overrides Thunderbird holds for 127.0.0.1: port → SHA-256 (lower-case hex). */
  const pins = () =>
    suite.marionette.chrome<Record<string, string>>(
      `const overrides = Cc['@mozilla.org/security/certoverride;1'].getService(Ci.nsICertOverrideService);
       const out = {};
       for (const o of overrides.getOverrides())
         if (o.asciiHost === '127.0.0.1') out[o.port] = o.fingerprint.replace(/:/g, '').toLowerCase();
       return out;`,
    );
  const call = <T>(api: string, ...args: unknown[]) => suite.page<T>(page, 'call', { api, args });
  const describeAccount = (accountId: string) =>
    suite.marionette.chrome<{
      host: string;
      port: number;
      socketType: number;
      user: string;
      mark: string;
      email: string | null;
      fullName: string | null;
      smtpPort: number | null;
    } | null>(
      `const { MailServices } = ChromeUtils.importESModule('resource:///modules/MailServices.sys.mjs');
       const account = MailServices.accounts.getAccount(args[0]);
       if (!account) return null;
       const s = account.incomingServer;
       const id = account.defaultIdentity;
       const smtp = id && MailServices.outgoingServer.getServerByKey(id.smtpServerKey)?.QueryInterface(Ci.nsISmtpServer);
       return { host: s.hostName ?? s.hostname, port: s.port, socketType: s.socketType, user: s.username, mark: s.getStringValue('mssante_address'),
                email: id?.email ?? null, fullName: id?.fullName ?? null, smtpPort: smtp?.port ?? null };`,
      [accountId],
    );

  before(async () => {
    [identity, nextIdentity] = await Promise.all([loopbackIdentity(), loopbackIdentity()]);
  });

  withThunderbird(suite, async () => {
    page = await suite.openPage('ui/popup/popup.html');
  });

  it('[e2e] creates an IMAP account, SMTP server and identity pointing at the loopback bridge over TLS, its certificate pinned for exactly those ports', async () => {
    const created = await call<Created>('mssanteAccounts.create', {
      address: MARIE.mailbox,
      fullName: 'Dr Marie MARTIN',
      imapPort: 14143,
      smtpPort: 14587,
      secret: 'local-secret',
      tlsCertificate: identity.certBase64,
    });
    assert.deepEqual(await pins(), { 14143: identity.fingerprint, 14587: identity.fingerprint });
    assert.deepEqual(await describeAccount(created.accountId), {
      host: '127.0.0.1',
      port: 14143,
      socketType: 3,
      user: MARIE.mailbox,
      mark: MARIE.mailbox,
      email: MARIE.mailbox,
      fullName: 'Dr Marie MARTIN',
      smtpPort: 14587,
    });
    assert.equal(
      await call<string | null>('mssanteAccounts.find', 'MARIE.MARTIN@sandbox.mssante.test'),
      created.accountId,
    );
    await assert.rejects(
      call('mssanteAccounts.create', {
        address: MARIE.mailbox,
        fullName: 'x',
        imapPort: 1,
        smtpPort: 2,
        secret: 's',
        tlsCertificate: identity.certBase64,
      }),
      /exists/,
    );
  });

  it('[e2e] points an account at a new host start (ports, secret, certificate: old pins dropped), then removes it with its SMTP server and pins', async () => {
    const accountId = (await call<string>('mssanteAccounts.find', MARIE.mailbox))!;
    await call('mssanteAccounts.update', accountId, {
      imapPort: 15143,
      smtpPort: 15587,
      secret: 'next-secret',
      tlsCertificate: nextIdentity.certBase64,
    });
    const moved = await describeAccount(accountId);
    assert.deepEqual([moved?.port, moved?.smtpPort], [15143, 15587]);
    assert.deepEqual(await pins(), {
      15143: nextIdentity.fingerprint,
      15587: nextIdentity.fingerprint,
    });
    await call('mssanteAccounts.remove', accountId);
    assert.deepEqual(await pins(), {});
    assert.equal(await describeAccount(accountId), null);
    assert.equal(await call('mssanteAccounts.find', MARIE.mailbox), null);
    const smtpLeft = await suite.marionette.chrome<number>(
      `const { MailServices } = ChromeUtils.importESModule('resource:///modules/MailServices.sys.mjs');
       return MailServices.outgoingServer.servers.filter((s) => s.QueryInterface(Ci.nsISmtpServer).port === 15587).length;`,
    );
    assert.equal(smtpLeft, 0);
  });

  it('[e2e] refuses to touch an account it did not create', async () => {
    const foreign = await suite.marionette.chrome<string>(
      `const { MailServices } = ChromeUtils.importESModule('resource:///modules/MailServices.sys.mjs');
       const server = MailServices.accounts.createIncomingServer('someone', 'imap.example.org', 'imap');
       const account = MailServices.accounts.createAccount();
       account.incomingServer = server;
       return account.key;`,
    );
    await assert.rejects(call('mssanteAccounts.remove', foreign), /No MSSanté account/);
    assert.notEqual(await describeAccount(foreign), null);
  });

  it('[e2e] a second mailbox’s account leaves the first one’s SMTP server with its secret (Thunderbird 140 rebuilds its SMTP servers when one is added)', async () => {
    const smtpPassword = (accountId: string) =>
      suite.marionette.chrome<string>(
        `const { MailServices } = ChromeUtils.importESModule('resource:///modules/MailServices.sys.mjs');
         const id = MailServices.accounts.getAccount(args[0]).defaultIdentity;
         return MailServices.outgoingServer.getServerByKey(id.smtpServerKey).QueryInterface(Ci.nsISmtpServer).password;`,
        [accountId],
      );
    const first = await call<Created>('mssanteAccounts.create', {
      address: MARIE.mailbox,
      fullName: 'Dr Marie MARTIN',
      imapPort: 16143,
      smtpPort: 16587,
      secret: 'first-secret',
      tlsCertificate: identity.certBase64,
    });
    const second = await call<Created>('mssanteAccounts.create', {
      address: 'secretariat.cardiologie@sandbox.mssante.test',
      fullName: 'Secrétariat',
      imapPort: 17143,
      smtpPort: 17587,
      secret: 'second-secret',
      tlsCertificate: identity.certBase64,
    });
    assert.equal(await smtpPassword(first.accountId), 'first-secret');
    assert.equal(await smtpPassword(second.accountId), 'second-secret');
    await call('mssanteAccounts.update', first.accountId, {
      imapPort: 16143,
      smtpPort: 16587,
      secret: 'first-next',
      tlsCertificate: identity.certBase64,
    });
    assert.equal(await smtpPassword(first.accountId), 'first-next');
    await call('mssanteAccounts.remove', first.accountId);
    await call('mssanteAccounts.remove', second.accountId);
  });
});
