import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { scrubCredentials } from '../../../native-host/audit/scrub';
import { Redactor } from '../../../native-host/audit/redact';
import { type JournalFields, LoginJournal } from '../../../native-host/bridge/login-journal';
import { MssanteError } from '../../../shared/errors/mssante-error';
import { xoauth2InitialResponse } from '../../../shared/domain/xoauth2';

/** A JWT-shaped string made at run time (no token-looking literal is committed). */
const segment = (value: object | Buffer) =>
  (Buffer.isBuffer(value) ? value : Buffer.from(JSON.stringify(value))).toString('base64url');
const JWT = [
  segment({ alg: 'RS256', typ: 'JWT' }),
  segment({ sub: randomBytes(6).toString('hex') }),
  segment(randomBytes(32)),
].join('.');

describe('hostile: operator auth failure details are scrubbed of credentials', () => {
  it('hostile: a bearer token, a JWT, a SASL PLAIN or XOAUTH2 blob and key=value secrets become [redacted]', () => {
    const plain = Buffer.from('\u0000appli@sandbox.mssante.test\u0000s3cret-Pass').toString(
      'base64',
    );
    const opaque = randomBytes(24).toString('base64url');
    const cases = [
      `NO [AUTHENTICATIONFAILED] bad token Bearer ${JWT}`,
      `535 5.7.8 rejected ${xoauth2InitialResponse('marie@sandbox.mssante.test', JWT)}`,
      `NO you sent ${plain}`,
      `NO {"status":"401","access_token":"${opaque}","schemes":"bearer"}`,
      `NO token=${opaque}&password=hunter2hunter2`,
      `NO auth=Basic ${Buffer.from('user:pw').toString('base64')}`,
      `NO stray ${opaque}`,
      `NO jwt ${JWT}`,
    ];
    for (const text of cases) {
      const out = scrubCredentials(text);
      assert.match(out, /\[redacted\]/, text);
      for (const secret of [JWT, plain, opaque, 'hunter2hunter2', 'dXNlcjpwdw==', 's3cret-Pass'])
        assert.ok(!out.includes(secret), `${secret} left in ${out}`);
    }
  });

  it('hostile: the operator’s plain words, codes, host names and paths stay readable', () => {
    const texts = [
      'NO [AUTHENTICATIONFAILED] Authentication failed.',
      '535 5.7.8 Error: authentication failed: UGFzc3dvcmQ6',
      '{"status":"invalid_token","schemes":"bearer","scope":"https://auth.bas.psc.esante.gouv.fr/auth/realms/esante-wallet"}',
      'NO imap.sandbox.mssante.test refused appli.hopital@sandbox.mssante.test (IdNat 1999999999)',
    ];
    assert.equal(scrubCredentials(texts[0]!), texts[0]);
    assert.equal(scrubCredentials(texts[2]!), texts[2]);
    assert.equal(scrubCredentials(texts[3]!), texts[3]);
    // "UGFzc3dvcmQ6" (base64 "Password:") is 12 characters: below the bound, kept.
    assert.equal(scrubCredentials(texts[1]!), texts[1]);
  });

  it('hostile: a refused login is journaled without the bearer token the operator echoed', () => {
    const lines: JournalFields[] = [];
    const journal = new LoginJournal(
      {
        address: 'marie@sandbox.mssante.test',
        profile: 'PER',
        imap: { host: 'imap.sandbox.mssante.test', port: 143 },
        smtp: { host: 'smtp.sandbox.mssante.test', port: 587 },
        secret: 'local',
        credentials: {
          kind: 'psc',
          session: () => {
            throw new MssanteError('E_CONFIG_MISSING');
          },
        },
      },
      new Redactor(randomBytes(32)),
      (_action, fields) => lines.push(fields),
    );
    journal.refused(
      'authenticate',
      'AUTHENTICATE',
      new MssanteError('E_UPSTREAM_AUTH', { detail: `NO echo auth=Bearer ${JWT}` }),
    );
    assert.equal(lines.length, 1);
    assert.equal(lines[0]!.code, 'E_UPSTREAM_AUTH');
    assert.equal(lines[0]!.response, 'NO echo auth=Bearer [redacted]');
  });
});
