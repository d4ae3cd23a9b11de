import {
  type ComposePlan,
  DSN_INSTRUCTION_HEADER,
  htmlWithMention,
  htmlWithoutStructMarks,
} from '../../../shared/domain/mail/compose';
import { MSS_HEADERS, withAppMention } from '../../../shared/domain/mail/headers';
import { sentRecord } from '../../../shared/domain/mail/report-trust';
import type { Locale } from '../../../shared/errors/codes';
import { recordSent } from '../receive/delivery';
import type { ComposeContext } from './context';
import { planFor, recipientsOf } from './plan';
import { refusalLines } from './problems';
import { refreshPanels, wordsOf } from './view';

type BeforeSend = { cancel?: boolean; details?: browser.compose.ComposeDetails };

/** Headers the add-on owns: a previous attempt's copies are replaced, never doubled. */
const OURS = new Set([
  ...Object.values(MSS_HEADERS).map((n) => n.toLowerCase()),
  DSN_INSTRUCTION_HEADER.toLowerCase(),
]);

/** What the add-on changes in a message it lets go: headers, subject, receipts, APP mention. */
export function sendChange(
  details: browser.compose.ComposeDetails,
  plan: ComposePlan,
  locale: Locale,
): browser.compose.ComposeDetails {
  const change: browser.compose.ComposeDetails = {
    customHeaders: [
      ...(details.customHeaders ?? []).filter((h) => !OURS.has(h.name.toLowerCase())),
      ...plan.headers.map((h) => ({ name: h.name, value: h.value })),
    ],
    returnReceipt: plan.returnReceipt,
  };
  if (plan.subject !== undefined) change.subject = plan.subject;
  if (plan.deliveryFormat) change.deliveryFormat = plan.deliveryFormat;
  if (plan.replyTo) change.replyTo = [plan.replyTo];
  if (details.isPlainText !== false) {
    if (plan.appMention)
      change.plainTextBody = withAppMention(details.plainTextBody ?? '', plan.replyTo!, locale);
    return change;
  }
  // ECO.2.2.4: the text part Thunderbird derives from this HTML must say the same words.
  let body = htmlWithoutStructMarks(details.body ?? '');
  if (plan.appMention) body = htmlWithMention(body, plan.appMention);
  if (body !== (details.body ?? '')) change.body = body;
  return change;
}

/**
 * compose.onBeforeSend: a message from an MSSanté identity leaves with the plan's changes, or
 * not at all when the plan has a blocking problem (ECO.2.1.1 and the other refusals): the user
 * is told why, in a notification and in the panel.
 */
export async function beforeSend(
  ctx: ComposeContext,
  tab: browser.tabs.Tab,
  details: browser.compose.ComposeDetails,
): Promise<BeforeSend> {
  if (tab.id === undefined) return {};
  const planned = await planFor(ctx, tab.id, details);
  if (!planned) return {};
  const s = ctx.tabs.state(tab.id);
  const refused = refusalLines(planned.plan.problems, wordsOf(ctx));
  if (refused.length > 0) {
    s.refused = refused;
    ctx.deps.notify(browser.i18n.getMessage('composeRefusedTitle'), refused.join('\n'));
    void refreshPanels(ctx, tab.id);
    return { cancel: true };
  }
  delete s.refused;
  const accountId = details.identityId
    ? (await browser.identities.get(details.identityId))?.accountId
    : undefined;
  s.leaving = { recipients: recipientsOf(details), ...(accountId ? { accountId } : {}) };
  return { details: sendChange(details, planned.plan, ctx.deps.locale) };
}

/**
 * compose.onAfterSend: the recipients of an MSSanté message that left are recorded under its
 * Message-ID; delivery and read reports are believed only for them (issue 19.6).
 */
export async function afterSend(
  ctx: ComposeContext,
  tab: browser.tabs.Tab,
  info: { error?: string | undefined; headerMessageId?: string | undefined },
): Promise<void> {
  if (tab.id === undefined) return;
  const s = ctx.tabs.state(tab.id);
  const leaving = s.leaving;
  delete s.leaving;
  if (!leaving || info.error || !info.headerMessageId) return;
  await recordSent(sentRecord(info.headerMessageId, leaving.recipients, leaving.accountId));
}
