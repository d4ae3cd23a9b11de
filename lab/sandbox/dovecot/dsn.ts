import { randomBytes } from 'node:crypto';

/** One recipient's outcome, as the operator's MTA reports it (RFC 3464 per-recipient fields). */
export interface RecipientReport {
  recipient: string;
  /** ORCPT when the client gave one, else the recipient. */
  original?: string;
  action: 'delivered' | 'failed';
  /** Enhanced status code (RFC 3463): 2.0.0 delivered, 5.1.1 unknown mailbox, 5.1.2 bad domain… */
  status: string;
  diagnostic?: string;
}

export interface DsnInput {
  reportingMta: string;
  /** The envelope sender the report goes to. */
  to: string;
  envelopeId?: string;
  arrival: Date;
  recipients: RecipientReport[];
  /** The original message; whole with RET=FULL, its header only otherwise (RFC 3461 §4.3). */
  original: Buffer;
  returnFull: boolean;
}

function headerOf(message: Buffer): string {
  const text = message.toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  return end < 0 ? text : text.slice(0, end);
}

/**
 * A delivery status notification (RFC 3464, multipart/report; report-type=delivery-status) from
 * the sandbox's MTA, with a human part in French and English: what real operators return for a
 * failed recipient, or on success when the sender asked NOTIFY=SUCCESS.
 */
export function buildDsn(input: DsnInput): Buffer {
  const boundary = `dsn-${randomBytes(8).toString('hex')}`;
  const failed = input.recipients.filter((r) => r.action === 'failed');
  const subject = failed.length
    ? 'Non remis : message retourné à l’expéditeur / Undelivered Mail Returned to Sender'
    : 'Avis de remise / Successful Mail Delivery Report';
  const human = failed.length
    ? [
        'Votre message n’a pas pu être remis aux destinataires suivants :',
        ...failed.map((r) => `  ${r.recipient} : ${r.diagnostic ?? r.status}`),
        '',
        'Your message could not be delivered to the following recipients:',
        ...failed.map((r) => `  ${r.recipient}: ${r.diagnostic ?? r.status}`),
      ]
    : [
        'Votre message a été remis aux destinataires suivants :',
        ...input.recipients.map((r) => `  ${r.recipient}`),
        '',
        'Your message was delivered to the following recipients:',
        ...input.recipients.map((r) => `  ${r.recipient}`),
      ];
  const perMessage = [
    `Reporting-MTA: dns; ${input.reportingMta}`,
    ...(input.envelopeId ? [`Original-Envelope-Id: ${input.envelopeId}`] : []),
    `Arrival-Date: ${input.arrival.toUTCString()}`,
  ];
  const perRecipient = input.recipients.map((r) =>
    [
      `Final-Recipient: rfc822; ${r.recipient}`,
      `Original-Recipient: rfc822; ${r.original ?? r.recipient}`,
      `Action: ${r.action}`,
      `Status: ${r.status}`,
      ...(r.diagnostic ? [`Diagnostic-Code: smtp; ${r.diagnostic}`] : []),
    ].join('\r\n'),
  );
  const returned = input.returnFull
    ? ['Content-Type: message/rfc822', '', input.original.toString('latin1')]
    : ['Content-Type: text/rfc822-headers', '', headerOf(input.original)];
  // The headers and the human part are UTF-8; the returned message keeps its own bytes.
  const top = [
    `From: Système de distribution MSSanté <MAILER-DAEMON@${input.reportingMta}>`,
    `To: <${input.to}>`,
    `Subject: ${subject}`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: <${boundary}@${input.reportingMta}>`,
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    ...human,
    '',
  ];
  const rest = [
    `--${boundary}`,
    'Content-Type: message/delivery-status',
    '',
    [perMessage.join('\r\n'), ...perRecipient].join('\r\n\r\n'),
    '',
    `--${boundary}`,
    ...returned,
    `--${boundary}--`,
    '',
  ];
  return Buffer.concat([
    Buffer.from(top.join('\r\n'), 'utf8'),
    Buffer.from(rest.join('\r\n'), 'latin1'),
  ]);
}
