import { type DeliveryReport, parseDeliveryReport } from '../../../shared/domain/mail/reports';
import {
  applyReport,
  describeRecipient,
  overallState,
  type SentStatus,
} from '../../../shared/domain/mail/report-status';
import {
  readSentRecord,
  type ReportVerdict,
  type SentRecord,
  trustedReport,
} from '../../../shared/domain/mail/report-trust';
import type { Locale } from '../../../shared/errors/codes';
import type { BannerDelivery } from './banner-model';
import { allMessages } from './list';
import { setStatusTag } from './tags';

/** Reports are small; a larger message is not read to look for one. */
export const MAX_REPORT_BYTES = 1024 * 1024;
/** Reports come back within days: older messages are not read to look for one. */
export const REPORT_WINDOW_MS = 30 * 24 * 3600 * 1000;

const statusKey = (messageId: string) => `receive.status:${messageId.toLowerCase()}`;
const reportKey = (messageId: string) => `receive.report:${messageId.toLowerCase()}`;
const sentKey = (messageId: string) => `receive.sent:${messageId.toLowerCase()}`;

/** Keeps a sent message's recipients (issue 19.6): only reports about them are believed. */
export async function recordSent(record: SentRecord): Promise<void> {
  await browser.storage.local.set({ [sentKey(record.messageId)]: record });
}

/** The part of a received report to believe (issue 19.6), or why none. */
export async function checkReport(
  report: DeliveryReport,
  reportMessage: browser.messages.MessageHeader,
): Promise<ReportVerdict> {
  const original = report.originalMessageId;
  const key = original ? sentKey(original) : undefined;
  const sent = key ? readSentRecord((await browser.storage.local.get(key))[key]) : null;
  const accountId = reportMessage.folder?.accountId;
  return trustedReport(
    report,
    { from: reportMessage.author, ...(accountId ? { accountId } : {}) },
    sent,
  );
}

/** The delivery status of a sent message (by its Message-ID), as kept in storage.local. */
export async function sentStatus(messageId: string): Promise<SentStatus | null> {
  const key = statusKey(messageId);
  const stored = (await browser.storage.local.get(key))[key] as SentStatus | undefined;
  return stored ?? null;
}

/** The report a received message carries, as kept when it was matched. */
export async function storedReport(messageId: string): Promise<DeliveryReport | null> {
  const key = reportKey(messageId);
  return ((await browser.storage.local.get(key))[key] as DeliveryReport | undefined) ?? null;
}

/** Reads a message as a report when it may be one; null otherwise. */
export async function readReport(
  message: browser.messages.MessageHeader,
  now: number,
): Promise<DeliveryReport | null> {
  if (message.size > MAX_REPORT_BYTES) return null;
  if (message.date && now - new Date(message.date).getTime() > REPORT_WINDOW_MS) return null;
  const raw = await browser.messages.getRaw(message.id, { data_format: 'BinaryString' });
  const text = typeof raw === 'string' ? raw : await raw.text();
  return parseDeliveryReport(text);
}

/**
 * Applies a received DSN or MDN to the sent message it is about (by the returned
 * Message-ID / Original-Message-ID), keeps the new status, and tags the sent message.
 */
export async function recordReport(
  report: DeliveryReport,
  reportMessage: browser.messages.MessageHeader,
): Promise<SentStatus | null> {
  await browser.storage.local.set({ [reportKey(reportMessage.headerMessageId)]: report });
  const original = report.originalMessageId;
  if (!original) return null;
  const previous = (await sentStatus(original)) ?? { messageId: original, recipients: [] };
  const status = applyReport(previous, report);
  await browser.storage.local.set({ [statusKey(original)]: status });
  const state = overallState(status);
  if (state) {
    for await (const sent of allMessages(browser.messages.query({ headerMessageId: original }))) {
      if (sent.id !== reportMessage.id) await setStatusTag(sent, state);
    }
  }
  return status;
}

export function deliveryBanner(
  status: SentStatus,
  isReport: boolean,
  locale: Locale,
): BannerDelivery | undefined {
  const state = overallState(status);
  if (!state) return undefined;
  return { state, isReport, lines: status.recipients.map((r) => describeRecipient(r, locale)) };
}

/** The banner lines of a received report, on its own (before or without the sent message). */
export function reportBanner(report: DeliveryReport, locale: Locale): BannerDelivery | undefined {
  return deliveryBanner(
    applyReport({ messageId: report.originalMessageId ?? '', recipients: [] }, report),
    true,
    locale,
  );
}
