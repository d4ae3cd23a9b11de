import assert from 'node:assert/strict';
import tls from 'node:tls';
import path from 'node:path';
import { headerGrowthBound } from '../../native-host/bridge/smtp-headers';
import { type BridgeRig, bridgeRig } from '../fixtures/bridge-rig';
import { MARIE, PAUL } from '../../lab/sandbox/people';
import { journalEntries } from '../fixtures/journal-read';

const SECRET = 'local-secret-for-size-tests';
/** The operator's submission limit for these tests (submission_max_mail_size). */
const LIMIT = 20_000;
const GROWTH = headerGrowthBound({ sender: MARIE.mailbox });
/** What the bridge announces to Thunderbird. */
const ANNOUNCED = LIMIT - GROWTH;

/** A raw SMTP client on the bridge's loopback port: Thunderbird's side, byte for byte. */
async function smtpClient(port: number, trust: { ca: string }) {
  const socket = tls.connect({ port, host: '127.0.0.1', ...trust });
  let buffer = '';
  const waiters: Array<() => void> = [];
  socket.on('data', (d: Buffer) => {
    buffer += d.toString('latin1');
    for (const w of waiters.splice(0)) w();
  });
  const reply = (): Promise<{ code: number; text: string; lines: string[] }> =>
    new Promise((resolve, reject) => {
      const look = () => {
        const lines = buffer.split('\r\n');
        const last = lines.findIndex((l) => /^\d{3}( |$)/.test(l));
        if (last < 0 || last === lines.length - 1) {
          waiters.push(look);
          return;
        }
        const taken = lines.slice(0, last + 1);
        buffer = lines.slice(last + 1).join('\r\n');
        resolve({
          code: Number(taken[last]!.slice(0, 3)),
          text: taken[last]!.slice(4),
          lines: taken,
        });
      };
      socket.once('error', reject);
      look();
    });
  const command = async (line: string) => {
    socket.write(`${line}\r\n`, 'latin1');
    return reply();
  };
  assert.equal((await reply()).code, 220);
  const ehlo = await command('EHLO client.localhost');
  const plain = Buffer.from(`\0${MARIE.mailbox}\0${SECRET}`).toString('base64');
  assert.equal((await command(`AUTH PLAIN ${plain}`)).code, 235);
  return {
    ehlo,
    command,
    /** MAIL FROM (with SIZE= when given), RCPT, DATA, the message; the replies on the way. */
    async send(message: string, size?: number) {
      const mail = await command(
        `MAIL FROM:<${MARIE.mailbox}>${size !== undefined ? ` SIZE=${size}` : ''}`,
      );
      if (mail.code !== 250) return { stage: 'MAIL', reply: mail };
      assert.equal((await command(`RCPT TO:<${PAUL.mailbox}>`)).code, 250);
      assert.equal((await command('DATA')).code, 354);
      socket.write(message + '.\r\n', 'latin1');
      return { stage: 'DATA', reply: await reply() };
    },
    close: () => socket.destroy(),
  };
}

/**
 * A message of exactly `size` bytes (CRLF lines, no line starting with a dot) with the add-on's
 * DSN instruction, which the bridge turns into `Return-Receipt-To: <MARIE>` (GROWTH - 23 bytes
 * more).
 */
function message(size: number, subject: string): string {
  const head =
    `From: ${MARIE.mailbox}\r\nTo: ${PAUL.mailbox}\r\nSubject: ${subject}\r\n` +
    `Message-ID: <${subject}@sandbox>\r\nX-Open-Mssante-Dsn: 1\r\n\r\n`;
  let body = '';
  while (head.length + body.length + 78 <= size) body += 'x'.repeat(76) + '\r\n';
  const left = size - head.length - body.length;
  body += left > 2 ? 'y'.repeat(left - 2) + '\r\n' : '\r\n'.slice(0, left);
  const text = head + body;
  assert.equal(Buffer.byteLength(text, 'latin1'), size);
  return text;
}

describe('SMTP bridge: SIZE after the header rewrite (real Dovecot submission, low limit)', function () {
  this.timeout(120_000);
  let rig: BridgeRig;
  let client: Awaited<ReturnType<typeof smtpClient>>;

  before(async () => {
    rig = await bridgeRig({
      address: MARIE.mailbox,
      nationalId: MARIE.nationalId,
      secret: SECRET,
      operator: { submissionMaxMailSize: LIMIT },
    });
  });
  beforeEach(async () => (client = await smtpClient(rig.smtpPort, rig.tls)));
  afterEach(() => client.close());
  after(async () => {
    await rig?.close();
  });

  const received = (subject: string) =>
    rig.operator.dovecot
      .readMailbox(PAUL.mailbox)
      .filter((m) => new RegExp(`\nSubject: ${subject}\r?\n`).test(m));
  const journal = () => journalEntries(path.join(rig.operator.dir, 'audit'));

  it('announces the operator’s SIZE less what the header rewrite may add', () => {
    assert.ok(GROWTH > 0 && GROWTH < 100, String(GROWTH));
    assert.ok(client.ehlo.lines.includes(`250-SIZE ${ANNOUNCED}`), client.ehlo.lines.join(' | '));
  });

  it('ECO.2.3.1 sends a message of the announced limit that grows on rewrite: declared SIZE raised, accepted, delivered with Return-Receipt-To', async () => {
    const text = message(ANNOUNCED, 'at-the-limit');
    const sent = await client.send(text, ANNOUNCED);
    assert.equal(sent.reply.code, 250, sent.reply.text);
    const [delivered] = received('at-the-limit');
    assert.ok(delivered, 'delivered to the recipient');
    assert.match(delivered, new RegExp(`\\nReturn-Receipt-To: <${MARIE.mailbox}>\\r?\\n`));
    assert.doesNotMatch(delivered, /X-Open-Mssante-Dsn/i);
  });

  it('refuses, at MAIL FROM, a message just under the operator’s limit that the rewrite may push over it, with the coded sentence and the limit', async () => {
    const size = LIMIT - 10;
    const sent = await client.send(message(size, 'just-under'), size);
    assert.equal(sent.stage, 'MAIL');
    assert.equal(sent.reply.code, 552);
    assert.match(sent.reply.text, /^5\.2\.3 Le message dépasse la taille maximale/);
    assert.ok(sent.reply.text.includes('[E_SMTP_MESSAGE_TOO_LARGE]'), sent.reply.text);
    assert.ok(sent.reply.text.includes(`(max. ${ANNOUNCED} octets)`), sent.reply.text);
    assert.deepEqual(received('just-under'), []);
    const entry = journal()
      .reverse()
      .find((e) => e.action === 'send')!;
    assert.equal(entry.outcome, 'failed');
    assert.equal(entry.code, 'E_SMTP_MESSAGE_TOO_LARGE');
    assert.match(entry.request!, /^MAIL FROM:.* SIZE=19990$/);
    // The session goes on: the next message fits.
    const next = await client.send(message(2_000, 'after-refusal'), 2_000);
    assert.equal(next.reply.code, 250, next.reply.text);
  });

  it('refuses after DATA a message sent without SIZE whose rewritten size exceeds the limit, with the coded sentence', async () => {
    const sent = await client.send(message(LIMIT - 10, 'over-after-rewrite'));
    assert.equal(sent.stage, 'DATA');
    assert.equal(sent.reply.code, 552);
    assert.ok(sent.reply.text.includes('[E_SMTP_MESSAGE_TOO_LARGE]'), sent.reply.text);
    assert.deepEqual(received('over-after-rewrite'), []);
    assert.equal(
      journal()
        .reverse()
        .find((e) => e.action === 'send')!.code,
      'E_SMTP_MESSAGE_TOO_LARGE',
    );
  });
});
