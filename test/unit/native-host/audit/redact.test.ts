import assert from 'node:assert/strict';
import { Redactor } from '../../../../native-host/audit/redact';
import { LEO, MARIE } from '../../../../lab/sandbox/people';

describe('audit redaction', () => {
  const r = new Redactor(new Uint8Array(32).fill(7));

  it('ECO.4.1.2 never records credentials', () => {
    assert.equal(
      r.imap('AUTHENTICATE XOAUTH2 dXNlcj1hQGIBYXV0aD1CZWFyZXIgc2VjcmV0AQE='),
      'AUTHENTICATE XOAUTH2 [redacted]',
    );
    assert.equal(r.imap('LOGIN marie secret-password'), 'LOGIN marie [redacted]');
    assert.equal(r.smtp('AUTH XOAUTH2 dXNlcj1h'), 'AUTH XOAUTH2 [redacted]');
  });

  it('ECO.4.1.2 never records search criteria or message content', () => {
    assert.equal(r.imap('SEARCH SUBJECT "VIAL PAUL"'), 'SEARCH [criteria redacted]');
    assert.equal(
      r.imap('UID SEARCH FROM "279035121518989@patient.mssante.fr"'),
      'UID SEARCH [criteria redacted]',
    );
    assert.equal(r.imap('APPEND Sent (\\Seen) {2048}'), 'APPEND Sent [message redacted]');
    assert.equal(r.smtp('DATA'), 'DATA');
  });

  it('keeps structural arguments', () => {
    assert.equal(
      r.imap('UID FETCH 1:* (FLAGS BODY.PEEK[HEADER])'),
      'UID FETCH 1:* (FLAGS BODY.PEEK[HEADER])',
    );
    assert.equal(r.imap('select INBOX'), 'SELECT INBOX');
  });

  it('records patient addresses (which hold an INS) as keyed pseudonyms', () => {
    const line = r.smtp('RCPT TO:<279035121518989@patient.mssante.fr> NOTIFY=SUCCESS,FAILURE');
    assert.doesNotMatch(line, /279035121518989/);
    assert.match(line, /^RCPT TO:<ins-[0-9a-f]{12}@patient\.mssante\.fr> NOTIFY=SUCCESS,FAILURE$/);
    assert.equal(r.address(LEO.address), r.address('279035121518989@PATIENT.MSSANTE.FR'));
    assert.notEqual(new Redactor(new Uint8Array(32)).address(LEO.address), r.address(LEO.address));
    assert.equal(r.address(MARIE.mailbox), MARIE.mailbox);
  });
});
