import { parseMailbox } from './address';
import type { DeliveryReport } from './reports';

/**
 * Which delivery and read reports the add-on believes (issue 19.6). Anyone can mail a
 * `multipart/report` naming any Message-ID: a report counts only for a message the add-on saw
 * leave (its recipients recorded at send time), only for those recipients, and an MDN only
 * when its sender is the recipient whose reading it reports.
 */

/** The recipients of a sent message, recorded when it left (addresses, lower case). */
export interface SentRecord {
  readonly messageId: string;
  readonly recipients: readonly string[];
  /** The Thunderbird account it was sent from: its reports come back there. */
  readonly accountId?: string;
}

/** The address of a recipient as typed (`Name <a@b>` or `a@b`); null when unreadable. */
function addressOf(value: string): string | null {
  try {
    return parseMailbox(value).address.toLowerCase();
  } catch {
    return null;
  }
}

/** What is kept of a message as it leaves: its Message-ID and its recipients' addresses. */
export function sentRecord(
  messageId: string,
  recipients: readonly string[],
  accountId?: string,
): SentRecord {
  const addresses = recipients.map(addressOf).filter((a): a is string => a !== null);
  return { messageId, recipients: [...new Set(addresses)], ...(accountId ? { accountId } : {}) };
}

/** Reads a stored record; anything else is none. */
export function readSentRecord(raw: unknown): SentRecord | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const r = raw as Record<string, unknown>;
  if (typeof r.messageId !== 'string' || !Array.isArray(r.recipients)) return null;
  const recipients = r.recipients.filter((a): a is string => typeof a === 'string');
  const accountId = typeof r.accountId === 'string' ? r.accountId : undefined;
  return { messageId: r.messageId, recipients, ...(accountId ? { accountId } : {}) };
}

export type ReportVerdict =
  | { readonly ok: true; readonly report: DeliveryReport }
  | { readonly ok: false; readonly reason: string };

/** Where a report was found: its message's From and the account holding it. */
export interface ReportArrival {
  readonly from: string;
  readonly accountId?: string;
}

/**
 * The part of `report` to believe, given the sent message's record and where the report
 * arrived. It must come to the account the message left from; a DSN keeps the recipients the
 * message was sent to (none: refused); an MDN must name a recipient and come from that
 * recipient.
 */
export function trustedReport(
  report: DeliveryReport,
  arrival: ReportArrival,
  sent: SentRecord | null,
): ReportVerdict {
  if (!sent) return { ok: false, reason: 'no message sent with this Message-ID' };
  if (sent.accountId && arrival.accountId !== sent.accountId)
    return { ok: false, reason: 'arrived in another account than the message left from' };
  const recorded = new Set(sent.recipients);
  if (report.kind === 'dsn') {
    const recipients = report.recipients.filter(
      (r) =>
        recorded.has(r.recipient.toLowerCase()) ||
        (r.original !== undefined && recorded.has(r.original.toLowerCase())),
    );
    if (recipients.length === 0) return { ok: false, reason: 'names no recipient of the message' };
    return { ok: true, report: { ...report, recipients } };
  }
  const named = (report.originalRecipient ?? report.finalRecipient ?? '').toLowerCase();
  if (!named || !recorded.has(named))
    return { ok: false, reason: 'names no recipient of the message' };
  if (addressOf(arrival.from) !== named)
    return { ok: false, reason: `sent by another address than ${named}` };
  return { ok: true, report };
}
