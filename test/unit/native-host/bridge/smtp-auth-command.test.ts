import assert from 'node:assert/strict';
import { smtpAuthCommand } from '../../../../native-host/bridge/smtp-upstream';
import { xoauth2InitialResponse } from '../../../../shared/domain/xoauth2';

describe('SMTP AUTH command line (RFC 4954 §4)', () => {
  it('sends a short initial response inline', () => {
    const ir = xoauth2InitialResponse('marie.martin@sandbox.mssante.test', 'a'.repeat(43));
    assert.deepEqual(smtpAuthCommand('XOAUTH2', ir), { command: `AUTH XOAUTH2 ${ir}` });
  });

  it('sends a PSC-sized JWT after the 334 continuation: the inline line would pass 512 octets', () => {
    const jwt = `${'h'.repeat(100)}.${'p'.repeat(900)}.${'s'.repeat(342)}`;
    const ir = xoauth2InitialResponse('marie.martin@sandbox.mssante.test', jwt);
    assert.deepEqual(smtpAuthCommand('XOAUTH2', ir), {
      command: 'AUTH XOAUTH2',
      continuation: ir,
    });
  });

  it('the limit counts CRLF: 510 characters inline, 511 through the continuation', () => {
    const prefix = 'AUTH PLAIN '.length;
    assert.equal(smtpAuthCommand('PLAIN', 'x'.repeat(510 - prefix)).continuation, undefined);
    assert.equal(smtpAuthCommand('PLAIN', 'x'.repeat(511 - prefix)).command, 'AUTH PLAIN');
  });
});
