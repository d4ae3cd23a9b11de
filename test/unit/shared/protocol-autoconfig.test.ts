import assert from 'node:assert/strict';
import { MssanteError } from '../../../shared/errors/mssante-error';
import { parseRequest, parseResponse, type Response } from '../../../shared/protocol/index';
import { MARIE } from '../../../lab/sandbox/people';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error instanceof MssanteError ? error.code : `not coded: ${String(error)}`;
  }
  return 'no error';
};

const server = (socketType = 'STARTTLS') => ({
  host: 'imap.sandbox.mssante.test',
  port: 143,
  socketType,
  username: MARIE.mailbox,
  authentication: ['OAuth2'],
});

const reply = (imapSocketType?: string) => ({
  v: 1,
  id: 'a1',
  type: 'autoconfig.lookup',
  ok: true,
  result: {
    address: MARIE.mailbox,
    domain: 'sandbox.mssante.test',
    url: 'https://autoconfig.sandbox.mssante.test/mail/config-v1.1.xml',
    imap: server(imapSocketType),
    smtp: { ...server(), host: 'smtp.sandbox.mssante.test', port: 587 },
    server: { certificate: 'subject CN=…', protocol: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384' },
  },
});

describe('shared/protocol autoconfig.lookup', () => {
  it('takes an address and refuses anything that is not one', () => {
    const request = parseRequest({
      v: 1,
      id: 'a1',
      type: 'autoconfig.lookup',
      params: { address: MARIE.mailbox },
    });
    assert.equal(request.type, 'autoconfig.lookup');
    for (const address of ['', 'no-at-sign', 'a b@c.fr', 'a@nodot', `${'x'.repeat(250)}@a.fr`, 42])
      assert.equal(
        codeOf(() =>
          parseRequest({ v: 1, id: 'a1', type: 'autoconfig.lookup', params: { address } }),
        ),
        'E_PROTOCOL_INVALID',
        String(address),
      );
  });

  it('accepts a STARTTLS result and refuses one with another socket type', () => {
    const ok = parseResponse(reply()) as Response<'autoconfig.lookup'>;
    assert.equal(ok.ok && ok.result.imap.port, 143);
    assert.equal(
      codeOf(() => parseResponse(reply('SSL'))),
      'E_PROTOCOL_INVALID',
    );
  });
});
