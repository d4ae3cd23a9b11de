import type { Locale } from '../../../shared/errors/codes';
import { toMssanteError } from '../../../shared/errors/mssante-error';
import type { Result } from '../../../shared/protocol/index';
import { hostRequest } from '../lib/host-request';
import { localize, t } from '../lib/i18n';

/**
 * The conformance report page (issue 12): the last report the generator wrote (`npm run
 * conformance`, `mssante conformance --live`), read through the host: its totals, whether every
 * mandatory (DOIT) requirement is proved, and one row per requirement, filtered by status and
 * level on the page.
 */
type Report = Result<'conformance.report'>;
type Row = Report['rows'][number];

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const language = browser.i18n.getUILanguage();
const locale: Locale = language.toLowerCase().startsWith('en') ? 'en' : 'fr';
const when = new Intl.DateTimeFormat(language, { dateStyle: 'long', timeStyle: 'short' });

/** Message names take `_` where statuses have `-` (core-only → conformanceStatus_core_only). */
const statusLabel = (status: string) => t(`conformanceStatus_${status.replace(/-/g, '_')}`);
const liveLabel = (status: string) => t(`conformanceLive_${status.replace(/-/g, '_')}`);
const layerLabel = (layer: string) => t(`conformanceLayer_${layer}`);

function date(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : when.format(d);
}

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  text = '',
  className = '',
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (text) el.textContent = text;
  if (className) el.className = className;
  return el;
}

function cell(tr: HTMLTableRowElement, className: string, text = ''): HTMLTableCellElement {
  const td = tr.insertCell();
  td.className = className;
  td.textContent = text;
  return td;
}

function testsCell(tr: HTMLTableRowElement, row: Row): void {
  const td = cell(tr, 'tests', t('conformanceTestCount', [String(row.testCount)]));
  if (row.tests.length === 0) return;
  const list = element('ul');
  for (const test of row.tests) {
    const li = element('li', `${layerLabel(test.layer)} · ${test.title}`);
    li.dataset.state = test.state;
    if (test.state !== 'passed') li.title = t(`conformanceTest_${test.state}`);
    list.append(li);
  }
  if (row.testCount > row.tests.length)
    list.append(
      element('li', t('conformanceMoreTests', [String(row.testCount - row.tests.length)]), 'more'),
    );
  td.append(list);
}

function liveCell(tr: HTMLTableRowElement, row: Row): void {
  const td = cell(tr, 'live');
  if (row.live.length === 0) return;
  const list = element('ul');
  for (const verdict of row.live) {
    const li = element('li', `${verdict.platform} : ${liveLabel(verdict.status)}`);
    li.dataset.status = verdict.status;
    list.append(li);
  }
  td.append(list);
}

function tableRow(row: Row): HTMLTableRowElement {
  const tr = element('tr');
  tr.dataset.id = row.id;
  tr.dataset.status = row.status;
  tr.dataset.level = row.level;
  const id = tr.insertCell();
  id.className = 'id';
  id.append(element('code', row.id));
  cell(tr, 'level', row.level);
  cell(tr, 'profiles', row.profiles.join(', '));
  cell(tr, 'summary', locale === 'en' ? row.en : row.fr);
  cell(tr, 'status', statusLabel(row.status));
  testsCell(tr, row);
  cell(tr, 'e2e', row.endToEnd ? t('conformanceYes') : '');
  liveCell(tr, row);
  return tr;
}

function showSummary(report: Report): void {
  $('meta').textContent = t('conformanceMeta', [
    date(report.date),
    report.platform,
    report.profiles.join(', '),
  ]);
  const mandatory = $('mandatory');
  mandatory.dataset.state = report.mandatoryProved ? 'ok' : 'missing';
  mandatory.textContent = report.mandatoryProved
    ? t('conformanceMandatoryOk')
    : t('conformanceMandatoryMissing', [String(report.mandatoryMissing.length)]);
  if (!report.mandatoryProved)
    mandatory.append(' ', element('span', report.mandatoryMissing.join(', '), 'ids'));
  for (const [status, count] of Object.entries(report.totals))
    $(`count-${status}`).textContent = String(count);
  const versions = $('versions');
  versions.replaceChildren();
  for (const v of report.versions) versions.append(element('dt', v.name), element('dd', v.value));
  const runs = $('live-runs');
  runs.replaceChildren();
  for (const run of report.live)
    runs.append(
      element(
        'li',
        t('conformanceLiveRun', [
          run.platform,
          date(run.date),
          String(run.proved),
          String(run.failing),
          String(run.notRun),
        ]),
      ),
    );
  $('live-box').hidden = report.live.length === 0;
  $('omitted').hidden = report.rowsOmitted === 0;
  $('omitted').textContent = t('conformanceOmitted', [String(report.rowsOmitted)]);
}

/** Shows the rows the filters keep (the table holds every row; filtering is on the page). */
function applyFilters(): void {
  const status = $<HTMLSelectElement>('status').value;
  const level = $<HTMLSelectElement>('level').value;
  const rows = [...$('rows').querySelectorAll<HTMLTableRowElement>('tr')];
  let shown = 0;
  for (const tr of rows) {
    const keep =
      (!status || tr.dataset.status === status) && (!level || tr.dataset.level === level);
    tr.hidden = !keep;
    if (keep) shown += 1;
  }
  $('shown').textContent = t('conformanceShown', [String(shown), String(rows.length)]);
  $('empty').hidden = shown > 0;
}

function showError(error: unknown): void {
  const wire = toMssanteError(error).toWire(locale);
  $('error').hidden = false;
  $('error').dataset.code = wire.code;
  $('error-code').textContent = wire.code;
  $('error-text').textContent = wire.message;
}

async function load(): Promise<void> {
  const table = $('requirements');
  try {
    const report = await hostRequest('conformance.report', {});
    showSummary(report);
    $('rows').replaceChildren(...report.rows.map(tableRow));
    applyFilters();
    $('report').dataset.state = 'ready';
  } catch (error) {
    showError(error);
    $('report').hidden = true;
    $('filters').hidden = true;
    table.hidden = true;
  } finally {
    table.dataset.state = 'ready';
  }
}

localize();
$('filters').addEventListener('change', applyFilters);
$('filters').addEventListener('submit', (event) => event.preventDefault());
void load();
