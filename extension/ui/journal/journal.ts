import { errorMessage, isErrorCode, type Locale } from '../../../shared/errors/codes';
import { toMssanteError } from '../../../shared/errors/mssante-error';
import type { Params, Result } from '../../../shared/protocol/index';
import { AUDIT_ACTIONS, AUDIT_QUERY_DEFAULT_LIMIT } from '../../../shared/protocol/messages/audit';
import { hostRequest } from '../lib/host-request';
import { localize, t } from '../lib/i18n';

/**
 * The audit journal viewer (ECO.4.1.1, 4.1.2): the host's journal entries, newest first, filtered
 * by local day, mailbox, action and outcome, with older entries page by page, and whether the
 * journal's hash chain holds over the shown days.
 */
type Entry = Result<'audit.query'>['entries'][number];
type Query = Params<'audit.query'>;

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const language = browser.i18n.getUILanguage();
const locale: Locale = language.toLowerCase().startsWith('en') ? 'en' : 'fr';
const time = new Intl.DateTimeFormat(language, { dateStyle: 'short', timeStyle: 'medium' });

let query: Query = { limit: AUDIT_QUERY_DEFAULT_LIMIT };
let oldestShown: number | undefined;

const actionLabel = (action: string) => t(`auditAction_${action.replace(/-/g, '_')}`) || action;

function option(select: HTMLSelectElement, value: string, label: string): void {
  const element = document.createElement('option');
  element.value = value;
  element.textContent = label;
  select.append(element);
}

function cell(
  row: HTMLTableRowElement,
  className: string,
  text: string,
  title?: string,
): HTMLElement {
  const td = row.insertCell();
  td.className = className;
  td.textContent = text;
  if (title) td.title = title;
  return td;
}

function row(entry: Entry): HTMLTableRowElement {
  const tr = document.createElement('tr');
  tr.dataset.seq = String(entry.seq);
  tr.dataset.action = entry.action;
  tr.dataset.outcome = entry.outcome;
  const when = new Date(entry.ts);
  cell(tr, 'time', Number.isNaN(when.getTime()) ? entry.ts : time.format(when), entry.ts);
  cell(tr, 'author', entry.author);
  cell(tr, 'mailbox', entry.mailbox ?? '');
  cell(tr, 'action', actionLabel(entry.action), entry.action);
  cell(tr, 'request', entry.request ?? '');
  const response = cell(tr, 'response', [entry.response, entry.code].filter(Boolean).join(' · '));
  if (entry.code && isErrorCode(entry.code)) {
    const sentence = document.createElement('small');
    sentence.textContent = errorMessage(entry.code, locale);
    response.append(sentence);
  }
  cell(tr, 'outcome', t(entry.outcome === 'ok' ? 'journalOutcomeOk' : 'journalOutcomeFailed'));
  return tr;
}

function showIntegrity(verified: Result<'audit.query'>['verified']): void {
  const integrity = $('integrity');
  integrity.dataset.state = verified.ok ? 'ok' : 'broken';
  integrity.textContent = verified.ok
    ? t('journalIntact')
    : t('journalBroken', [String(verified.firstBad ?? '?'), verified.detail ?? '']);
}

function showError(error: unknown): void {
  const wire = toMssanteError(error).toWire(locale);
  $('error').hidden = false;
  $('error-code').textContent = wire.code;
  $('error-text').textContent = wire.message;
}

/** Loads a page: the first one (replacing the table) or the next older one (appended). */
async function load(older: boolean): Promise<void> {
  const table = $('entries');
  table.dataset.state = 'loading';
  $('error').hidden = true;
  try {
    const result = await hostRequest('audit.query', {
      ...query,
      ...(older && oldestShown !== undefined ? { before: oldestShown } : {}),
    });
    const rows = $('rows');
    if (!older) rows.replaceChildren();
    rows.append(...result.entries.map(row));
    oldestShown = result.entries.at(-1)?.seq ?? oldestShown;
    $('older').hidden = !result.more;
    $('empty').hidden = rows.childElementCount > 0;
    showIntegrity(result.verified);
  } catch (error) {
    showError(error);
  } finally {
    table.dataset.state = 'ready';
  }
}

function readFilters(): Query {
  const value = (id: string) => ($(id) as HTMLInputElement | HTMLSelectElement).value;
  const next: Query = { limit: AUDIT_QUERY_DEFAULT_LIMIT };
  if (value('from')) next.from = value('from');
  if (value('to')) next.to = value('to');
  if (value('mailbox')) next.mailbox = value('mailbox');
  if (value('action')) next.action = value('action');
  const outcome = value('outcome');
  if (outcome === 'ok' || outcome === 'failed') next.outcome = outcome;
  return next;
}

async function fillMailboxes(): Promise<void> {
  try {
    const { mailboxes } = await hostRequest('mailbox.list', {});
    for (const m of mailboxes) option($<HTMLSelectElement>('mailbox'), m.address, m.address);
  } catch (error) {
    showError(error);
  }
}

/** A local day as YYYY-MM-DD, like the journal's day files and `<input type="date">`. */
function localDay(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

localize();
// The last 7 days by default: a query over six months verifies every entry of them (seconds).
$<HTMLInputElement>('from').value = localDay(new Date(Date.now() - 6 * 86_400_000));
query = readFilters();
for (const action of AUDIT_ACTIONS)
  option($<HTMLSelectElement>('action'), action, actionLabel(action));
$('filters').addEventListener('submit', (event) => {
  event.preventDefault();
  const from = $<HTMLInputElement>('from');
  const to = $<HTMLInputElement>('to');
  // The two dates in the wrong order mean the same days.
  if (from.value && to.value && from.value > to.value)
    [from.value, to.value] = [to.value, from.value];
  query = readFilters();
  oldestShown = undefined;
  void load(false);
});
$('older').addEventListener('click', () => void load(true));
void fillMailboxes();
void load(false);
