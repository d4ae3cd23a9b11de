import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { accountName } from '../../../extension/background/account-name';
import {
  isSessionEndNotice,
  SESSION_ICONS,
  sessionBadge,
} from '../../../extension/background/session-badge';
import { configProblemText, mailboxState } from '../../../extension/ui/popup/mailbox-state';
import {
  base64Of,
  certificateFacts,
  manualEndpoints,
} from '../../../extension/ui/setup/setup-model';
import { MESSAGES, type Result } from '../../../shared/protocol/index';
import { MARIE } from '../../../lab/sandbox/people';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const messages = (locale: string) =>
  JSON.parse(
    readFileSync(path.join(ROOT, 'extension/_locales', locale, 'messages.json'), 'utf8'),
  ) as Record<string, { message: string }>;
const source = (file: string) => readFileSync(path.join(ROOT, 'extension', file), 'utf8');

const MARIE_IDENTITY = {
  nationalId: MARIE.nationalId,
  givenName: 'Marie',
  familyName: 'Martin',
  civility: 'DR',
};
type Mailbox = Result<'mailbox.list'>['mailboxes'][number];
const mailbox = (over: Partial<Mailbox>): Mailbox => ({
  address: MARIE.mailbox,
  profile: 'PER',
  imapPort: 1,
  smtpPort: 2,
  secret: 's',
  upstream: { imap: { host: 'imap', port: 143 }, smtp: { host: 'smtp', port: 587 } },
  connections: 0,
  dependsOnPsc: true,
  ...over,
});
const psc = (state: Result<'psc.status'>['state']): Result<'psc.status'> => ({
  configured: true,
  preset: 'sandbox',
  state,
});

describe('setup page logic', () => {
  it('ECO.1.1.9 reads the certificate a trust refusal names (subject, issuer, fingerprint)', () => {
    const fp = Array.from({ length: 32 }, () => 'AB').join(':');
    const message = `Le certificat du serveur n’est pas émis par l’IGC Santé. (autoconfig.sandbox.mssante.test:4430: subject CN=autoconfig.sandbox.mssante.test; issuer CN=Some Other CA; sha256 ${fp})`;
    assert.deepEqual(certificateFacts(message), {
      subject: 'CN=autoconfig.sandbox.mssante.test',
      issuer: 'CN=Some Other CA',
      sha256: fp,
    });
    assert.equal(certificateFacts('Le serveur ne répond pas.'), null);
  });

  it('ECO.1.1.9 checks the manual form: host names and ports, or the fields that are wrong', () => {
    assert.deepEqual(
      manualEndpoints({
        imapHost: ' IMAP.sandbox.mssante.test ',
        imapPort: '143',
        smtpHost: 'smtp.sandbox.mssante.test',
        smtpPort: '587',
      }),
      {
        imap: { host: 'imap.sandbox.mssante.test', port: 143 },
        smtp: { host: 'smtp.sandbox.mssante.test', port: 587 },
      },
    );
    assert.deepEqual(
      manualEndpoints({ imapHost: 'imap', imapPort: '0', smtpHost: 'a b.fr', smtpPort: '70000' }),
      ['imapHost', 'imapPort', 'smtpHost', 'smtpPort'],
    );
    assert.deepEqual(
      manualEndpoints({
        imapHost: 'imap.x.fr',
        imapPort: '1e3',
        smtpHost: 'smtp.x.fr',
        smtpPort: '25',
      }),
      ['imapPort'],
    );
  });

  it('ECO.1.3.1 hands the PKCS#12 file to the host as plain base64, also past 32 KiB', () => {
    const bytes = new Uint8Array(40_000).map((_, i) => (i * 7) % 256);
    assert.equal(base64Of(bytes), Buffer.from(bytes).toString('base64'));
    assert.equal(base64Of(new Uint8Array()), '');
  });
});

describe('popup mailbox states and session badge', () => {
  it('ECO.1.2.3 shows a mailbox’s own last failure, in the user’s language', () => {
    const failing = mailbox({
      lastError: { code: 'E_UPSTREAM_AUTH', message: 'ignored when the code is known', at: 1 },
    });
    const fr = mailboxState(failing, psc('signed-in'), 'fr');
    const en = mailboxState(failing, psc('signed-in'), 'en');
    assert.equal(fr.state, 'error');
    assert.match((fr as { message: string }).message, /a refusé l.authentification/);
    assert.match((en as { message: string }).message, /refused the authentication/i);
  });

  it('says why the host refused its PSC configuration, with the command to run, in the user’s language', () => {
    const problem = {
      code: 'E_CONFIG_READABLE',
      message: 'la phrase du côté hôte',
      detail: "chmod 600 '/home/u/state/config.json' (mode 644)",
    };
    const fr = configProblemText(problem, 'fr');
    const en = configProblemText(problem, 'en');
    assert.match(
      fr,
      /accessible à d.autres utilisateurs.*\(chmod 600 '\/home\/u\/state\/config\.json' \(mode 644\)\)$/,
    );
    assert.match(en, /accessible to other users.*\(chmod 600/);
    assert.equal(configProblemText({ code: 'E_NOT_A_CODE', message: 'as sent' }, 'en'), 'as sent');
  });

  it('ECO.3.2.3 PER/ORG mailboxes wait for the PSC session, an APP mailbox does not', () => {
    const app = mailbox({ profile: 'APP', dependsOnPsc: false });
    assert.deepEqual(mailboxState(mailbox({}), psc('signed-out'), 'fr'), { state: 'needs-psc' });
    assert.deepEqual(mailboxState(mailbox({ profile: 'ORG' }), psc('ended'), 'fr'), {
      state: 'needs-psc',
    });
    assert.deepEqual(mailboxState(app, psc('ended'), 'fr'), { state: 'connected' });
    assert.deepEqual(mailboxState(mailbox({}), psc('signed-in'), 'fr'), { state: 'connected' });
  });

  it('shows the PSC session on the toolbar button: ON, OFF (also after a sign-out), FIN when PSC ended it, or ! without the host', () => {
    assert.deepEqual(
      [psc('signed-in'), psc('signed-out'), psc('signing-in'), psc('ended')].map(
        (p) => sessionBadge(p, true).text,
      ),
      ['ON', 'OFF', 'OFF', 'FIN'],
    );
    assert.equal(sessionBadge(psc('signed-in'), false).text, '!');
    const ended = (code: string) => ({ ...psc('ended'), ended: { code, at: 1 } });
    assert.equal(sessionBadge(ended('E_PSC_SIGNED_OUT'), true).text, 'OFF');
    assert.equal(sessionBadge(ended('E_PSC_IDLE_TIMEOUT'), true).text, 'FIN');
    assert.equal(
      sessionBadge({ configured: false, preset: 'none', state: 'signed-out' }, true).text,
      '',
    );
  });

  it('the toolbar icon itself follows the PSC session: a tick signed in, a bar signed out, a cross when PSC ended it, greyed without the host; every icon is shipped', () => {
    const ended = (code: string) => ({ ...psc('ended'), ended: { code, at: 1 } });
    assert.deepEqual(
      [
        sessionBadge(psc('signed-in'), true),
        sessionBadge(psc('signed-out'), true),
        sessionBadge(ended('E_PSC_SIGNED_OUT'), true),
        sessionBadge(ended('E_PSC_SESSION_IDLE'), true),
        sessionBadge(psc('signed-in'), false),
        sessionBadge({ configured: false, preset: 'none', state: 'signed-out' }, true),
      ].map((b) => b.icon),
      [
        '/icons/mssante-on.svg',
        '/icons/mssante-off.svg',
        '/icons/mssante-off.svg',
        '/icons/mssante-ended.svg',
        '/icons/mssante-nohost.svg',
        '/icons/mssante.svg',
      ],
    );
    for (const icon of Object.values(SESSION_ICONS))
      assert.match(readFileSync(path.join(ROOT, 'extension', icon), 'utf8'), /^<svg /);
  });

  it('ECO.2.2.7 names an account recreated for a host mailbox from the PSC identity when known', () => {
    const signedIn = { ...psc('signed-in'), identity: MARIE_IDENTITY };
    assert.equal(accountName({ address: 'a@b.fr', profile: 'PER' }, signedIn), 'Dr Marie MARTIN');
    assert.equal(accountName({ address: 'a@b.fr', profile: 'PER' }, psc('signed-out')), 'a@b.fr');
    assert.equal(accountName({ address: 'a@b.fr', profile: 'ORG' }, signedIn), 'a@b.fr');
  });

  it('ECO.2.2.7 names an account recreated for a host mailbox with the name chosen at setup, which the host keeps', () => {
    const signedIn = { ...psc('signed-in'), identity: MARIE_IDENTITY };
    const org = { address: 'a@b.fr', profile: 'ORG' as const, displayName: 'Secrétariat' };
    assert.equal(accountName(org, null), 'Secrétariat');
    assert.equal(
      accountName(
        { address: 'a@b.fr', profile: 'PER', displayName: 'Dr Marie MARTIN — Cardio' },
        signedIn,
      ),
      'Dr Marie MARTIN — Cardio',
    );
    // Both sides check it (host: request params; add-on: results): one line, not blank.
    const add = (displayName: string) =>
      MESSAGES['mailbox.add'].params.safeParse({
        address: 'a@b.fr',
        profile: 'ORG',
        imap: { host: 'imap.b.fr', port: 143 },
        smtp: { host: 'smtp.b.fr', port: 587 },
        displayName,
      }).success;
    assert.deepEqual(
      ['Secrétariat de cardiologie', 'A\r\nBcc: x@y.fr', '   ', 'x'.repeat(201)].map(add),
      [true, false, false, false],
    );
  });

  it('the host’s notice of why the session ended adds no second notification (session-ux has the one-click one)', () => {
    const ended = { ...psc('ended'), ended: { code: 'E_PSC_REFRESH_INVALID', at: 1 } };
    assert.equal(isSessionEndNotice(ended, 'E_PSC_REFRESH_INVALID'), true);
    assert.equal(isSessionEndNotice(ended, 'E_PSC_LOGIN_FAILED'), false);
    assert.equal(isSessionEndNotice(psc('signed-in'), 'E_PSC_REFRESH_INVALID'), false);
    assert.equal(isSessionEndNotice(null, 'E_PSC_REFRESH_INVALID'), false);
  });
});

describe('setup page and popup texts and CSP', () => {
  it('has every text of the setup page and the popup’s mailbox list in French and in English', () => {
    const keys = [
      ...`${source('ui/setup/setup.html')}${source('ui/popup/popup.html')}`.matchAll(
        /data-i18n="(\w+)"/g,
      ),
    ].map((m) => m[1]!);
    const used = [
      ...`${source('ui/setup/setup.ts')}${source('ui/popup/mailboxes.ts')}${source('background/session-ux.ts')}${source('background/session-badge.ts')}`.matchAll(
        /'(setup\w+)'/g,
      ),
    ].map((m) => m[1]!);
    for (const locale of ['fr', 'en'])
      for (const key of [...keys, ...used])
        assert.ok(messages(locale)[key]?.message, `${locale}: ${key}`);
    assert.ok(used.includes('setupBadgeEnded') && keys.includes('setupButtonAddMailbox'));
    assert.equal(messages('fr').setupButtonAddMailbox!.message, 'Ajouter une boîte MSSanté');
  });

  it('keeps the setup page to the strict CSP: no inline script, style or event handler', () => {
    const html = source('ui/setup/setup.html');
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)/);
    assert.doesNotMatch(html, /\sstyle=|<style|\son\w+=/i);
  });
});
