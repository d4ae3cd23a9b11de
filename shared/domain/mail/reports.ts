/**
 * Delivery reports a sent message brings back: DSNs (RFC 3464, `multipart/report;
 * report-type=delivery-status`) from the operator's MTA and MDNs (RFC 8098,
 * `report-type=disposition-notification`) from the recipient's client. Pure and bounded: the
 * report is read as text (latin1 is fine, every field read here is ASCII), at most
 * MAX_REPORT_CHARS of it; nothing is decoded beyond the header fields of each part.
 */

/** Only the first 1 MiB of a report is read (the returned message may be long; its header is not). */
export const MAX_REPORT_CHARS = 1024 * 1024;

export type RecipientAction = 'failed' | 'delayed' | 'delivered' | 'relayed' | 'expanded';

export interface DsnRecipient {
  /** `Final-Recipient`, the address only. */
  readonly recipient: string;
  /** `Original-Recipient` (ORCPT), when given. */
  readonly original?: string;
  readonly action: RecipientAction;
  /** RFC 3463 enhanced status, e.g. `5.1.1`. */
  readonly status: string;
  /** `Diagnostic-Code` text without its type (`smtp; `). */
  readonly diagnostic?: string;
}

export interface DeliveryStatusReport {
  readonly kind: 'dsn';
  /** The Message-ID of the sent message, from the returned headers; absent if the MTA returned none. */
  readonly originalMessageId?: string;
  readonly envelopeId?: string;
  readonly reportingMta?: string;
  readonly recipients: readonly DsnRecipient[];
}

export interface DispositionReport {
  readonly kind: 'mdn';
  /** `Original-Message-ID`, else the returned headers' Message-ID. */
  readonly originalMessageId?: string;
  readonly finalRecipient?: string;
  readonly originalRecipient?: string;
  /** The disposition type: `displayed`, `deleted`, `dispatched`, `processed`… */
  readonly disposition: string;
  /** `manual-action/MDN-sent-manually` or `automatic-action/…`. */
  readonly mode?: string;
}

export type DeliveryReport = DeliveryStatusReport | DispositionReport;

type Fields = Map<string, string>;

/** Unfolds and reads `Name: value` lines; the first occurrence of a name wins. */
export function parseFields(text: string): Fields {
  const fields: Fields = new Map();
  const unfolded = text.replace(/\r?\n[ \t]+/g, ' ');
  for (const line of unfolded.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!/^[\x21-\x39\x3b-\x7e]+$/.test(name) || fields.has(name)) continue;
    fields.set(name, line.slice(colon + 1).trim());
  }
  return fields;
}

interface Part {
  readonly headers: Fields;
  readonly body: string;
}

function splitHeader(text: string): Part {
  const end = /\r?\n\r?\n/.exec(text);
  if (!end) return { headers: parseFields(text), body: '' };
  return {
    headers: parseFields(text.slice(0, end.index)),
    body: text.slice(end.index + end[0].length),
  };
}

/** A parameter of a structured header value (`boundary`, `report-type`), quoted or not. */
export function headerParameter(value: string, name: string): string | undefined {
  const re = new RegExp(`(?:^|;)\\s*${name}\\s*=\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|([^;\\s]+))`, 'i');
  const m = re.exec(value);
  if (!m) return undefined;
  return m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2];
}

function mediaType(headers: Fields): string {
  return (headers.get('content-type') ?? 'text/plain').split(';')[0]!.trim().toLowerCase();
}

function multipartParts(body: string, boundary: string): Part[] {
  const delimiter = `--${boundary}`;
  const parts: Part[] = [];
  const lines = body.split(/\r?\n/);
  let current: string[] | null = null;
  for (const line of lines) {
    if (line.startsWith(delimiter)) {
      if (current) parts.push(splitHeader(current.join('\r\n')));
      if (line.slice(delimiter.length).startsWith('--')) return parts;
      current = [];
    } else current?.push(line);
  }
  if (current) parts.push(splitHeader(current.join('\r\n')));
  return parts;
}

/** `<id@host>` → `id@host`; the first angle-bracketed id, else the trimmed value. */
export function messageIdOf(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const m = /<([^<>\s]+)>/.exec(value);
  const id = (m ? m[1]! : value.trim()).trim();
  return id.length > 0 ? id : undefined;
}

/** `rfc822; a@b` → `a@b` (address types other than rfc822 keep their text). */
function addressField(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const semi = value.indexOf(';');
  const address = (semi >= 0 ? value.slice(semi + 1) : value).trim().replace(/^<|>$/g, '');
  return address.length > 0 ? address : undefined;
}

function withoutType(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const semi = value.indexOf(';');
  const text = (semi >= 0 ? value.slice(semi + 1) : value).trim();
  return text.length > 0 ? text : undefined;
}

const ACTIONS: readonly RecipientAction[] = [
  'failed',
  'delayed',
  'delivered',
  'relayed',
  'expanded',
];

/** The field groups of a `message/delivery-status` body: per-message first, then one per recipient. */
function fieldGroups(body: string): Fields[] {
  return body
    .split(/\r?\n(?:[ \t]*\r?\n)+/)
    .map((block) => block.trim())
    .filter((block) => block.length > 0)
    .map(parseFields);
}

function returnedMessageId(parts: readonly Part[]): string | undefined {
  for (const part of parts) {
    const type = mediaType(part.headers);
    if (
      type === 'message/rfc822' ||
      type === 'text/rfc822-headers' ||
      type === 'message/rfc822-headers'
    )
      return messageIdOf(splitHeader(part.body).headers.get('message-id'));
  }
  return undefined;
}

/**
 * Reads a DSN or an MDN; null when the message is neither (an ordinary message, another
 * report type, a report without its machine-readable part).
 */
export function parseDeliveryReport(raw: string): DeliveryReport | null {
  const top = splitHeader(raw.length > MAX_REPORT_CHARS ? raw.slice(0, MAX_REPORT_CHARS) : raw);
  const contentType = top.headers.get('content-type') ?? '';
  if (mediaType(top.headers) !== 'multipart/report') return null;
  const boundary = headerParameter(contentType, 'boundary');
  if (!boundary) return null;
  const reportType = (headerParameter(contentType, 'report-type') ?? '').toLowerCase();
  const parts = multipartParts(top.body, boundary);
  const returned = returnedMessageId(parts);

  if (reportType === 'delivery-status') {
    const status = parts.find((p) =>
      ['message/delivery-status', 'message/global-delivery-status'].includes(mediaType(p.headers)),
    );
    if (!status) return null;
    const [perMessage, ...perRecipient] = fieldGroups(status.body);
    const recipients: DsnRecipient[] = [];
    for (const group of perRecipient) {
      const recipient = addressField(group.get('final-recipient'));
      const action = (group.get('action') ?? '').toLowerCase().split(/\s/)[0] as RecipientAction;
      const code = /\d\.\d{1,3}\.\d{1,3}/.exec(group.get('status') ?? '')?.[0];
      if (!recipient || !ACTIONS.includes(action) || !code) continue;
      const original = addressField(group.get('original-recipient'));
      const diagnostic = withoutType(group.get('diagnostic-code'));
      recipients.push({
        recipient,
        action,
        status: code,
        ...(original ? { original } : {}),
        ...(diagnostic ? { diagnostic } : {}),
      });
    }
    if (recipients.length === 0) return null;
    const envelopeId = perMessage?.get('original-envelope-id');
    const reportingMta = withoutType(perMessage?.get('reporting-mta'));
    return {
      kind: 'dsn',
      recipients,
      ...(returned ? { originalMessageId: returned } : {}),
      ...(envelopeId ? { envelopeId } : {}),
      ...(reportingMta ? { reportingMta } : {}),
    };
  }

  if (reportType === 'disposition-notification') {
    const part = parts.find((p) =>
      ['message/disposition-notification', 'message/global-disposition-notification'].includes(
        mediaType(p.headers),
      ),
    );
    if (!part) return null;
    const fields = parseFields(part.body);
    const value = fields.get('disposition');
    if (!value) return null;
    // `manual-action/MDN-sent-manually; displayed` (modifiers after `/` in the type are dropped).
    const semi = value.indexOf(';');
    const mode = semi >= 0 ? value.slice(0, semi).trim() : undefined;
    const disposition = (semi >= 0 ? value.slice(semi + 1) : value)
      .trim()
      .split(/[/\s]/)[0]!
      .toLowerCase();
    if (!disposition) return null;
    const originalMessageId = messageIdOf(fields.get('original-message-id')) ?? returned;
    const finalRecipient = addressField(fields.get('final-recipient'));
    const originalRecipient = addressField(fields.get('original-recipient'));
    return {
      kind: 'mdn',
      disposition,
      ...(mode ? { mode } : {}),
      ...(originalMessageId ? { originalMessageId } : {}),
      ...(finalRecipient ? { finalRecipient } : {}),
      ...(originalRecipient ? { originalRecipient } : {}),
    };
  }
  return null;
}
