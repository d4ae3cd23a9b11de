import { randomBytes } from 'node:crypto';
import { MssanteError } from '../../../shared/errors/mssante-error';
import { DEFAULT_NIL, MSS_HEADERS, mssHeaders } from '../../../shared/domain/mail/headers';
import { openImapSession } from '../../bridge/imap-upstream';
import { authenticateSmtp, openSmtpSession } from '../../bridge/smtp-upstream';
import { smtpReply } from '../../upstream/starttls';
import { ImapCommands } from './imap-commands';
import { liveMailbox } from './mailbox';
import { type LiveCheck, type LiveContext, type LiveResult, result } from './types';

const IDS = ['ECO.2.4.3', 'ECO.2.2.1', 'ECO.2.2.3'];
/** Accents, a ligature, a euro sign and a check mark: what a lost charset would break. */
const TEXT = 'Vérification de conformité MSSanté : é è à ç œ € ✓ — message de test, à ignorer.';

interface Sent {
  messageId: string;
  raw: string;
}

/** The message, with the headers the add-on sets (shared/domain/mail/headers.ts). */
function compose(address: string, eightBit: boolean): Sent {
  const domain = address.split('@')[1]!;
  const messageId = `<live-${randomBytes(9).toString('hex')}@${domain}>`;
  const headers: [string, string][] = [
    ['From', address],
    ['To', address],
    [
      'Subject',
      `=?UTF-8?B?${Buffer.from('Vérification de conformité MSSanté').toString('base64')}?=`,
    ],
    ['Date', new Date().toUTCString().replace('GMT', '+0000')],
    ['Message-ID', messageId],
    ['MIME-Version', '1.0'],
    ['Content-Type', 'text/plain; charset=UTF-8'],
    ['Content-Transfer-Encoding', eightBit ? '8bit' : 'base64'],
    ...mssHeaders({}),
  ];
  const body = eightBit
    ? `${TEXT}\r\n`
    : `${Buffer.from(TEXT).toString('base64').replace(/.{76}/g, '$&\r\n')}\r\n`;
  return { messageId, raw: `${headers.map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n${body}` };
}

async function send(context: LiveContext, eightBitOk: (ext: string[]) => boolean): Promise<Sent> {
  const mailbox = liveMailbox(context, context.session!);
  const s = await authenticateSmtp(
    await openSmtpSession(mailbox, context.trust),
    mailbox,
    context.trust,
  );
  try {
    const eightBit = eightBitOk(s.extensions);
    const sent = compose(mailbox.address, eightBit);
    const step = async (line: string, want: number) => {
      s.reader.send(line);
      const reply = await smtpReply(s.reader);
      if (reply.code !== want)
        throw new MssanteError('E_UPSTREAM_PROTOCOL', {
          detail: `${line.split(':')[0]}: ${reply.code} ${reply.lines.join(' ')}`.slice(0, 200),
        });
    };
    await step(`MAIL FROM:<${mailbox.address}>${eightBit ? ' BODY=8BITMIME' : ''}`, 250);
    await step(`RCPT TO:<${mailbox.address}>`, 250);
    await step('DATA', 354);
    const data = sent.raw
      .split('\r\n')
      .map((l) => (l.startsWith('.') ? `.${l}` : l))
      .join('\r\n');
    s.socket.write(Buffer.from(data, 'utf8'));
    await step('.', 250);
    s.reader.send('QUIT');
    return sent;
  } finally {
    s.socket.end();
  }
}

/** Headers unfolded, by lower-case name (first occurrence). */
function parseHeaders(block: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of block.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0 && !map.has(line.slice(0, i).toLowerCase()))
      map.set(line.slice(0, i).toLowerCase(), line.slice(i + 1).trim());
  }
  return map;
}

/** Waits for the message in INBOX (delivery takes a moment), then reads its header and text. */
async function receive(
  context: LiveContext,
  sent: Sent,
): Promise<{ headers: Map<string, string>; text: string }> {
  const s = await openImapSession(liveMailbox(context, context.session!), context.trust);
  const imap = new ImapCommands(s.socket, s.rest);
  try {
    for (let attempt = 0; ; attempt += 1) {
      await imap.run('SELECT INBOX');
      const found = (await imap.run(`UID SEARCH HEADER Message-ID "${sent.messageId}"`))
        .map((r) => /^\* SEARCH ?(.*)$/i.exec(r)?.[1] ?? '')
        .join(' ')
        .trim()
        .split(/\s+/)
        .filter(Boolean);
      if (found.length > 0) {
        const uid = found[found.length - 1]!;
        const [header] = await imap.run(`UID FETCH ${uid} (BODY.PEEK[HEADER])`);
        const [text] = await imap.run(`UID FETCH ${uid} (BODY.PEEK[TEXT])`);
        const literal = (r: string | undefined) => r?.slice(r.indexOf('}\r\n') + 3) ?? '';
        return { headers: parseHeaders(literal(header)), text: literal(text) };
      }
      if (attempt >= 40)
        throw new MssanteError('E_UPSTREAM_PROTOCOL', {
          detail: `${sent.messageId} not delivered to INBOX`,
        });
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    s.socket.end();
  }
}

function decode(text: string, encoding: string | undefined): string {
  // `text` ends with the closing `)` of the FETCH response after the literal.
  const body = text.replace(/\)\s*$/, '');
  return /base64/i.test(encoding ?? '')
    ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
    : body;
}

/**
 * ECO.2.4.3, 2.2.1, 2.2.3 on the platform: a message to the lab's own mailbox through SMTP
 * (XOAUTH2) carrying X-MSS-NIL, a Message-ID and a UTF-8 text part arrives over IMAP with all
 * three intact.
 */
export const messageCheck: LiveCheck = {
  name: 'message',
  ids: IDS,
  async run(context) {
    if (!context.session) {
      return IDS.map((id) =>
        result('message', [id], 'not-run', {
          fr: 'Non vérifiable : pas de session Pro Santé Connect.',
          en: 'Could not be checked: no Pro Santé Connect session.',
        }),
      );
    }
    let received: { headers: Map<string, string>; text: string };
    let sent: Sent;
    try {
      sent = await send(context, (ext) => ext.some((e) => /^8BITMIME\b/i.test(e)));
      received = await receive(context, sent);
    } catch (error) {
      const e = error instanceof MssanteError ? error : new MssanteError('E_UPSTREAM_PROTOCOL');
      return IDS.map((id) =>
        result(
          'message',
          [id],
          'not-run',
          {
            fr: `Non vérifiable : l’envoi ou la relecture du message a échoué (${e.code}).`,
            en: `Could not be checked: sending or reading the message back failed (${e.code}).`,
          },
          { code: e.code, detail: e.detail },
        ),
      );
    }
    const h = received.headers;
    const nil = h.get(MSS_HEADERS.nil.toLowerCase());
    const id = h.get('message-id');
    const type = h.get('content-type') ?? '';
    const text = decode(received.text, h.get('content-transfer-encoding'));
    const utf8 = /charset="?utf-8"?/i.test(type) && text.includes(TEXT);
    const evidence = {
      'Message-ID': id,
      'X-MSS-NIL': nil,
      'Content-Type': type,
      'Content-Transfer-Encoding': h.get('content-transfer-encoding'),
    };
    return [
      result(
        'message',
        ['ECO.2.4.3'],
        nil === DEFAULT_NIL ? 'proved' : 'failing',
        nil === DEFAULT_NIL
          ? { fr: `X-MSS-NIL reçu intact (${nil}).`, en: `X-MSS-NIL received intact (${nil}).` }
          : {
              fr: 'X-MSS-NIL absent ou modifié à l’arrivée.',
              en: 'X-MSS-NIL missing or changed on arrival.',
            },
        evidence,
      ),
      result(
        'message',
        ['ECO.2.2.1'],
        id === sent.messageId ? 'proved' : 'failing',
        id === sent.messageId
          ? { fr: 'Message-ID reçu intact.', en: 'Message-ID received intact.' }
          : {
              fr: 'Message-ID absent ou modifié à l’arrivée.',
              en: 'Message-ID missing or changed on arrival.',
            },
        evidence,
      ),
      result(
        'message',
        ['ECO.2.2.3'],
        utf8 ? 'proved' : 'failing',
        utf8
          ? {
              fr: 'Partie texte UTF-8 reçue intacte (accents, €, ✓).',
              en: 'UTF-8 text part received intact (accents, €, ✓).',
            }
          : {
              fr: 'Partie texte altérée ou sans charset UTF-8 à l’arrivée.',
              en: 'Text part altered or without UTF-8 charset on arrival.',
            },
        evidence,
      ),
    ];
  },
};
