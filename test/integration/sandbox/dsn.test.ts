import assert from 'node:assert/strict';
import nodemailer from 'nodemailer';
import { xoauth2Auth } from '../../fixtures/smtp-xoauth2';
import { startOperator, type TestOperator } from '../../../lab/sandbox/operator';
import { accessToken } from '../../fixtures/psc-tokens';
import { MARIE, PAUL } from '../../../lab/sandbox/people';

describe('sandbox MTA: delivery status notifications (RFC 3461/3464) for the mail the operator cannot deliver', function () {
  this.timeout(120_000);
  let operator: TestOperator;
  let send: (mail: Record<string, unknown>) => Promise<unknown>;

  before(async () => {
    operator = await startOperator();
    const token = await accessToken(operator.stub.info, MARIE.nationalId);
    const transport = nodemailer.createTransport({
      // 127.0.0.1, the certificate checked for its name (a getSocket would drop customAuth).
      host: '127.0.0.1',
      port: operator.dovecot.info.smtp.port,
      secure: false,
      requireTLS: true,
      tls: {
        ca: operator.pki.organisations.toString() + operator.pki.root.toString(),
        servername: 'smtp.sandbox.mssante.test',
      },
      // PSC-sized JWTs: AUTH XOAUTH2 then the 334 continuation (RFC 4954 §4).
      ...xoauth2Auth(MARIE.mailbox, token),
    } as never);
    send = (mail) => transport.sendMail({ from: MARIE.mailbox, text: 'Bonjour', ...mail } as never);
  });
  after(() => operator?.stop());

  const reports = () =>
    operator.dovecot
      .readMailbox(MARIE.mailbox)
      .filter((m) => /report-type=delivery-status/.test(m));

  it('returns a failure DSN to the sender for an unknown mailbox, naming the recipient, the status and the original header', async () => {
    await send({
      to: [PAUL.mailbox, 'inconnu@sandbox.mssante.test'],
      subject: 'DSN test 1',
      messageId: '<dsn-test-1@sandbox.mssante.test>',
      dsn: { id: 'ENV-1', return: 'headers', notify: ['failure'], recipient: MARIE.mailbox },
    } as never);
    const [dsn, ...more] = reports();
    assert.equal(more.length, 0);
    assert.match(dsn!, /^Content-Type: multipart\/report; report-type=delivery-status/m);
    assert.match(dsn!, /^Final-Recipient: rfc822; inconnu@sandbox\.mssante\.test$/m);
    assert.match(dsn!, /^Action: failed$/m);
    assert.match(dsn!, /^Status: 5\.1\.1$/m);
    assert.match(
      dsn!,
      /^Message-ID: <dsn-test-1@sandbox\.mssante\.test>$/im,
      'the original headers are returned',
    );
    assert.doesNotMatch(dsn!, /^Final-Recipient: rfc822; paul/m, 'Paul received it');
    assert.equal(
      operator.dovecot.readMailbox(PAUL.mailbox).filter((m) => /DSN test 1/.test(m)).length,
      1,
    );
  });

  it('a Return-Receipt-To header (the MSSanté DSN request) gets a success report; an unknown domain and an invalid patient address fail', async () => {
    await send({
      to: [PAUL.mailbox, 'x@elsewhere.example', '123@patient.mssante.fr'],
      subject: 'DSN test 2',
      headers: { 'Return-Receipt-To': `<${MARIE.mailbox}>` },
    });
    const dsn = reports().find((m) => /DSN test 2/.test(m))!;
    assert.ok(dsn);
    assert.match(
      dsn,
      /Final-Recipient: rfc822; paul\.durand@sandbox\.mssante\.test\r?\nOriginal-Recipient: [^\r\n]*\r?\nAction: delivered\r?\nStatus: 2\.0\.0/,
    );
    assert.match(
      dsn,
      /Final-Recipient: rfc822; x@elsewhere\.example\r?\nOriginal-Recipient: [^\r\n]*\r?\nAction: failed\r?\nStatus: 5\.1\.2/,
    );
    assert.match(
      dsn,
      /Final-Recipient: rfc822; 123@patient\.mssante\.fr\r?\nOriginal-Recipient: [^\r\n]*\r?\nAction: failed\r?\nStatus: 5\.1\.1/,
    );
  });
});
