import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ImapScanner } from '../../../../native-host/bridge/imap-scanner';
import { decodeSaslPlain, localCredentialsMatch } from '../../../../native-host/bridge/local-auth';

function scan(chunks: Buffer[]): string[] {
  const lines: string[] = [];
  const scanner = new ImapScanner((l) => lines.push(l));
  for (const c of chunks) scanner.push(c);
  return lines;
}

describe('bridge IMAP scanner', () => {
  const stream = Buffer.from(
    '* 1 FETCH (UID 7 BODY[] {12}\r\nA1 OK fake\r\n)\r\nA2 OK FETCH completed\r\nA3 APPEND INBOX {5+}\r\nhello\r\nA3 OK APPEND done\r\n',
  );
  const expected = [
    '* 1 FETCH (UID 7 BODY[] {12}',
    ')',
    'A2 OK FETCH completed',
    'A3 APPEND INBOX {5+}',
    '',
    'A3 OK APPEND done',
  ];

  it('skips literal bytes, so a tagged line inside a message body is never taken for an answer', () => {
    assert.deepEqual(scan([stream]), expected);
  });

  it('finds the same lines however the stream is cut (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(stream.length), { maxLength: 10 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const chunks: Buffer[] = [];
        let start = 0;
        for (const p of [...points, stream.length]) {
          chunks.push(stream.subarray(start, p));
          start = p;
        }
        assert.deepEqual(scan(chunks), expected);
      }),
    );
  });
});

describe('bridge local credentials', () => {
  it('accepts only the mailbox address (any case) with the exact secret', () => {
    assert.equal(localCredentialsMatch('marie@x.test', 's3cret', 'Marie@X.test', 's3cret'), true);
    assert.equal(localCredentialsMatch('marie@x.test', 's3cret', 'paul@x.test', 's3cret'), false);
    assert.equal(localCredentialsMatch('marie@x.test', 's3cret', 'marie@x.test', 's3cre'), false);
    assert.equal(localCredentialsMatch('marie@x.test', 's3cret', 'marie@x.test', ''), false);
  });

  it('decodes SASL PLAIN and refuses malformed messages', () => {
    assert.deepEqual(
      decodeSaslPlain(Buffer.from('\u0000marie@x.test\u0000pw').toString('base64')),
      { user: 'marie@x.test', secret: 'pw' },
    );
    assert.equal(decodeSaslPlain(Buffer.from('marie pw').toString('base64')), null);
  });
});
