import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  headerGrowthBound,
  MAX_HEADER_BLOCK,
  raiseDeclaredSize,
  rewriteHeaderBlock,
  SmtpDataRewriter,
} from '../../../../native-host/bridge/smtp-headers';
import { SmtpReplyRewriter } from '../../../../native-host/bridge/smtp-replies';
import { MARIE, PAUL } from '../../../../lab/sandbox/people';
import { DEFAULT_NIL } from '../../../../shared/domain/mail/headers';

const here = path.dirname(fileURLToPath(import.meta.url));
const goldenDir = path.join(here, 'smtp-headers');

/** Golden files are stored with LF line ends; on the wire every line ends in CRLF. */
const crlf = (file: string) =>
  readFileSync(path.join(goldenDir, file), 'utf8').replace(/\r?\n/g, '\r\n');
/** SMTP DATA content: dot-stuffed, ended by CRLF.CRLF. */
const stuffed = (message: string) => message.replace(/^\./gm, '..') + '.\r\n';

const HELLO = `MAIL FROM:<${MARIE.mailbox}> BODY=8BITMIME\r\nRCPT TO:<${PAUL.mailbox}>\r\nDATA\r\n`;

/** Runs a session through the rewriter, the operator accepting DATA, in chunks of `size`. */
function session(parts: Array<string | Buffer | { reply: number }>, size = Infinity): Buffer {
  const out: Buffer[] = [];
  const rewriter = new SmtpDataRewriter({ sender: MARIE.mailbox }, (b) => out.push(Buffer.from(b)));
  for (const part of parts) {
    if (typeof part === 'object' && 'reply' in part) {
      rewriter.dataReply(part.reply);
      continue;
    }
    const bytes = typeof part === 'string' ? Buffer.from(part, 'utf8') : part;
    for (let i = 0; i < bytes.length; i += Math.min(size, bytes.length))
      rewriter.push(bytes.subarray(i, i + Math.min(size, bytes.length)));
  }
  return Buffer.concat(out);
}

describe('SMTP bridge header canonicalization (native-host/bridge/smtp-headers)', () => {
  const cases = readdirSync(goldenDir)
    .filter((f) => f.endsWith('.in.eml'))
    .map((f) => f.slice(0, -'.in.eml'.length));

  it('has golden files', () => assert.ok(cases.length >= 4));

  for (const name of cases) {
    for (const size of [Infinity, 1, 7, 1000]) {
      it(`ECO.2.4.1 ECO.2.4.2 ECO.2.4.3 ECO.2.2.8 ECO.2.3.1 golden ${name} (chunks of ${size})`, () => {
        const input = crlf(`${name}.in.eml`);
        const expected = crlf(`${name}.out.eml`);
        const got = session([HELLO, { reply: 354 }, stuffed(input), 'QUIT\r\n'], size);
        assert.equal(got.toString('utf8'), HELLO + stuffed(expected) + 'QUIT\r\n');
      });
    }
  }

  it('ECO.2.3.1 replaces a Return-Receipt-To by the sender mailbox only when the add-on asks for a DSN', () => {
    const block = Buffer.from(
      'Return-Receipt-To: other@x.test\r\nX-Open-Mssante-Dsn: 1\r\nSubject: a\r\n',
      'latin1',
    );
    assert.equal(
      rewriteHeaderBlock(block, { sender: MARIE.mailbox }).toString('latin1'),
      `Return-Receipt-To: <${MARIE.mailbox}>\r\nSubject: a\r\nX-MSS-NIL: ${DEFAULT_NIL}\r\n`,
    );
    const plain = Buffer.from(
      'Return-Receipt-To: other@x.test\r\nSubject: a\r\nX-MSS-NIL: A\r\n',
      'latin1',
    );
    assert.equal(rewriteHeaderBlock(plain, { sender: MARIE.mailbox }), plain);
  });

  it('ECO.2.4.3 adds X-MSS-NIL with the configured reference to a message leaving without it, and keeps one already there', () => {
    const mdn = Buffer.from(
      'Content-Type: multipart/report; report-type=disposition-notification;\r\n boundary="b"\r\nSubject: Lu\r\n',
      'latin1',
    );
    assert.equal(
      rewriteHeaderBlock(mdn, { sender: MARIE.mailbox, nil: 'REF-EDITEUR-42' }).toString('latin1'),
      `${mdn.toString('latin1')}X-MSS-NIL: REF-EDITEUR-42\r\n`,
    );
    assert.equal(
      rewriteHeaderBlock(mdn, { sender: MARIE.mailbox }).toString('latin1'),
      `${mdn.toString('latin1')}X-MSS-NIL: ${DEFAULT_NIL}\r\n`,
    );
    const own = Buffer.from('Subject: a\r\nx-mss-nil: MINE\r\n', 'latin1');
    assert.equal(
      rewriteHeaderBlock(own, { sender: MARIE.mailbox, nil: 'OTHER' }).toString('latin1'),
      'Subject: a\r\nX-MSS-NIL: MINE\r\n',
    );
    // Exactly one X-MSS-NIL on the wire, the message's own.
    const got = session([HELLO, { reply: 354 }, 'Subject: a\r\nX-Mss-Nil: MINE\r\n\r\nb\r\n.\r\n']);
    assert.equal(got.toString('latin1').match(/^x-mss-nil:/gim)?.length, 1);
  });

  it('keeps 8-bit header bytes (8BITMIME) and the body byte for byte, bare LF and NUL-free binary-ish bytes included', () => {
    const body = Buffer.from([
      0x0a, 0xc3, 0xa9, 0x0d, 0x0a, 0x2e, 0x2e, 0x78, 0x0d, 0x0a, 0xff, 0x0d, 0x0a,
    ]);
    const head = Buffer.from('Subject: R\u00e9sultat\r\nX-Mss-Nil: A\r\n\r\n', 'utf8');
    const got = session([HELLO, { reply: 354 }, head, body, '.\r\n']);
    const expected = Buffer.concat([
      Buffer.from(HELLO),
      Buffer.from('Subject: R\u00e9sultat\r\nX-MSS-NIL: A\r\n\r\n', 'utf8'),
      body,
      Buffer.from('.\r\n'),
    ]);
    assert.deepEqual(got, expected);
  });

  it('ECO.2.4.3 rewrites every message of a session, and not the commands after a refused DATA', () => {
    const msg = 'X-Mss-Nil: A\r\n\r\nx\r\n.\r\n';
    const got = session([
      HELLO,
      { reply: 554 },
      'RSET\r\n',
      HELLO,
      { reply: 354 },
      msg,
      HELLO,
      { reply: 354 },
      msg,
      'QUIT\r\n',
    ]).toString('latin1');
    const fixed = 'X-MSS-NIL: A\r\n\r\nx\r\n.\r\n';
    assert.equal(got, `${HELLO}RSET\r\n${HELLO}${fixed}${HELLO}${fixed}QUIT\r\n`);
  });

  it('holds bytes sent before the reply to DATA and treats them as commands when DATA is refused', () => {
    const got = session([HELLO + 'X-Mss-Nil: A\r\n', { reply: 503 }]).toString('latin1');
    assert.equal(got, HELLO + 'X-Mss-Nil: A\r\n');
  });

  it('relays BDAT chunks untouched (CHUNKING is not offered, but a client may try)', () => {
    const chunk = 'X-Mss-Nil: A\r\n\r\nDATA\r\n';
    const got = session([`BDAT ${Buffer.byteLength(chunk)} LAST\r\n`, chunk, 'QUIT\r\n']).toString(
      'latin1',
    );
    assert.equal(got, `BDAT ${Buffer.byteLength(chunk)} LAST\r\n${chunk}QUIT\r\n`);
  });

  it('relays a header block larger than the limit as it is', () => {
    const huge = `X-Mss-Nil: A\r\nX-Long: ${'a'.repeat(2 * MAX_HEADER_BLOCK)}\r\n\r\nbody\r\n.\r\n`;
    const got = session([HELLO, { reply: 354 }, huge, 'QUIT\r\n'], 4096).toString('latin1');
    assert.ok(got === HELLO + huge + 'QUIT\r\n', got.slice(0, 200));
  });

  it('handles a message without body and one without headers', () => {
    assert.equal(
      session([HELLO, { reply: 354 }, 'X-Mss-Mes: FIN\r\n.\r\nQUIT\r\n']).toString('latin1'),
      `${HELLO}X-MSS-MES: FIN\r\nX-MSS-NIL: ${DEFAULT_NIL}\r\n.\r\nQUIT\r\n`,
    );
    assert.equal(
      session([HELLO, { reply: 354 }, '\r\nX-Mss-Mes: FIN\r\n.\r\nQUIT\r\n']).toString('latin1'),
      `${HELLO}X-MSS-NIL: ${DEFAULT_NIL}\r\n\r\nX-Mss-Mes: FIN\r\n.\r\nQUIT\r\n`,
    );
  });

  it('raises MAIL FROM SIZE by the growth bound, which no rewrite of the golden files or a DSN request exceeds', () => {
    const bound = headerGrowthBound({ sender: MARIE.mailbox });
    assert.equal(
      bound,
      Buffer.byteLength(`Return-Receipt-To: <${MARIE.mailbox}>\r\nX-MSS-NIL: ${DEFAULT_NIL}\r\n`),
    );
    const blocks = [
      ...cases.map((c) => crlf(`${c}.in.eml`).split('\r\n\r\n')[0]! + '\r\n'),
      'X-Open-Mssante-Dsn: 1\r\n',
      'Subject: a\r\nX-Open-Mssante-Dsn: 1\r\nX-Open-Mssante-Dsn: 1\r\nReturn-Receipt-To: <x@y>\r\n',
      'X-Mss-Codecda: 1\r\nx-mss-ins: 2\r\nX-Open-Mssante-Dsn: 1\r\n',
    ];
    for (const block of blocks) {
      const before = Buffer.from(block, 'latin1');
      const after = rewriteHeaderBlock(before, { sender: MARIE.mailbox });
      assert.ok(after.length - before.length <= bound, block);
    }
    const message = 'X-Open-Mssante-Dsn: 1\r\nSubject: s\r\n\r\n.body\r\n';
    const size = Buffer.byteLength(message);
    const got = session(
      [
        `MAIL FROM:<${MARIE.mailbox}> BODY=8BITMIME SIZE=${size}\r\nRCPT TO:<${PAUL.mailbox}>\r\nDATA\r\n`,
        { reply: 354 },
        stuffed(message),
      ],
      3,
    ).toString('latin1');
    assert.ok(
      got.startsWith(`MAIL FROM:<${MARIE.mailbox}> BODY=8BITMIME SIZE=${size + bound}\r\n`),
      got,
    );
    const sent = got.slice(got.indexOf('DATA\r\n') + 6, -3).replace(/^\.\./gm, '.');
    assert.ok(Buffer.byteLength(sent) > size && Buffer.byteLength(sent) <= size + bound);
    // Only MAIL's SIZE parameter, whatever its case; other commands and parameters as they are.
    assert.equal(
      raiseDeclaredSize('mail from:<a@b> size=10\r\n', 5),
      'mail from:<a@b> size=15\r\n',
    );
    assert.equal(
      raiseDeclaredSize('MAIL FROM:<a@b> SIZE=10 BODY=7BIT\r\n', 5),
      'MAIL FROM:<a@b> SIZE=15 BODY=7BIT\r\n',
    );
    assert.equal(raiseDeclaredSize('MAIL FROM:<a@b>\r\n', 5), 'MAIL FROM:<a@b>\r\n');
    assert.equal(raiseDeclaredSize('RCPT TO:<a@b> SIZE=10\r\n', 5), 'RCPT TO:<a@b> SIZE=10\r\n');
    assert.equal(
      raiseDeclaredSize('MAIL FROM:<a@b> XSIZE=10\r\n', 5),
      'MAIL FROM:<a@b> XSIZE=10\r\n',
    );
  });

  it('passes a command line longer than 4 KiB as it comes', () => {
    const long = `NOOP ${'a'.repeat(10_000)}\r\n`;
    assert.equal(session([long, 'QUIT\r\n'], 1000).toString('latin1'), long + 'QUIT\r\n');
  });
});

describe('SMTP bridge replies (native-host/bridge/smtp-replies)', () => {
  const run = (chunks: string[], limit = 19_944) => {
    const out: Buffer[] = [];
    const r = new SmtpReplyRewriter(
      (b) => out.push(b),
      () => limit,
    );
    for (const c of chunks) r.push(Buffer.from(c, 'latin1'));
    return Buffer.concat(out).toString('latin1');
  };

  it('gives a "message too big" refusal the coded sentence and the announced limit, in Latin-1', () => {
    const got = run(['552 5.2.3 Message size exceeds ', 'administrative limit\r\n']);
    assert.equal(
      got,
      "552 5.2.3 Le message dépasse la taille maximale acceptée par l'opérateur MSSanté (en-têtes ajoutés par le module compris) : allégez-le, par exemple en retirant ou en compressant des pièces jointes. [E_SMTP_MESSAGE_TOO_LARGE] (max. 19944 octets)\r\n",
    );
    assert.match(
      run(['552-5.3.4 too\r\n552 5.3.4 big\r\n'], 0),
      /^552 5\.3\.4 .*\[E_SMTP_MESSAGE_TOO_LARGE\]\r\n$/,
    );
  });

  it('passes every other reply byte for byte, multi-line ones and 552 of another kind included', () => {
    const replies = [
      '250-first\r\n250 2.0.0 OK\r\n',
      '552 5.7.1 policy\r\n',
      '354 go ahead\r\n',
      '250 2.0.0 Ok: queued',
      ' as 1\r\n',
    ];
    assert.equal(run(replies), replies.join(''));
  });
});
