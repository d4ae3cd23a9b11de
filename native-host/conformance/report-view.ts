import { statSync } from 'node:fs';
import path from 'node:path';
import { MssanteError } from '../../shared/errors/mssante-error';
import type { Result } from '../../shared/protocol/index';
import {
  CONFORMANCE_CAPS as CAPS,
  liveStatus,
  requirementLevel,
  requirementStatus,
} from '../../shared/protocol/messages/conformance';
import { readReportFile, reportDir } from './report-file';
import type { Report } from './report';

/**
 * The add-on's conformance page reads the last report through the host (`conformance.report`).
 * The report file keeps everything; the reply is cut to the caps of the protocol message and to
 * a byte budget, so it stays under Thunderbird's 1 MiB for native replies whatever the file holds.
 */
export type ReportView = Result<'conformance.report'>;
type ViewRow = ReportView['rows'][number];
type Status = ViewRow['status'];

/**
 * Bytes of rows one reply may carry. Everything else in the reply is bounded by the caps (about
 * 60 KiB at worst: ids, versions, platforms, each character escaped as \uXXXX), so the envelope
 * always fits in 1 MiB.
 */
export const REPLY_ROWS_BUDGET_BYTES = 768 * 1024;
/** A report file larger than this is not read (the generator's are a few hundred KiB). */
export const MAX_REPORT_FILE_BYTES = 32 * 1024 * 1024;

const ID = /^[\w.-]{1,32}$/;
const PROFILES = new Set(['PER', 'ORG', 'APP']);

/**
 * Where the host looks, in this order: `<state>/conformance/report.json` (a report placed for an
 * installed host; the end-to-end test writes its report there), then the project's
 * `conformance/report.json` (what `npm run conformance` writes) when the host runs from a checkout.
 */
export function reportFiles(stateDir: string, projectRoot: string | null): string[] {
  const files = [path.join(stateDir, 'conformance', 'report.json')];
  if (projectRoot) files.push(path.join(reportDir(projectRoot), 'report.json'));
  return files;
}

/** The first of `files` that holds a report, shaped for the page; E_CONFORMANCE_NO_REPORT else. */
export function loadReportView(files: string[], budgetBytes = REPLY_ROWS_BUDGET_BYTES): ReportView {
  for (const file of files) {
    let size: number;
    try {
      size = statSync(file).size;
    } catch {
      continue;
    }
    if (size > MAX_REPORT_FILE_BYTES) continue;
    const report = readReportFile(file);
    if (report) return reportView(report, file, budgetBytes);
  }
  throw new MssanteError('E_CONFORMANCE_NO_REPORT', { detail: files.join(', ').slice(0, 600) });
}

/** Cuts a text to `max` UTF-16 units without leaving half a surrogate pair; '' when not a text. */
function text(value: unknown, max: number): string {
  if (typeof value !== 'string') return '';
  let cut = value.slice(0, max);
  if (cut.length < value.length && /[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return cut;
}

const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const record = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};

const STATE_ORDER = { failed: 0, pending: 1, passed: 2 } as const;

/** One row of the file as the page shows it, or null when it is not a requirement row. */
function viewRow(raw: unknown): ViewRow | null {
  const row = record(raw);
  const level = requirementLevel.safeParse(row.level);
  const status = requirementStatus.safeParse(row.status);
  if (typeof row.id !== 'string' || !ID.test(row.id) || !level.success || !status.success)
    return null;
  const tests: ViewRow['tests'] = [];
  for (const t of list(row.tests)) {
    const r = record(t);
    const layer = r.layer === 'unit' || r.layer === 'integration' || r.layer === 'e2e';
    const state = r.state === 'passed' || r.state === 'failed' || r.state === 'pending';
    if (layer && state)
      tests.push({
        title: text(r.title, CAPS.testTitle),
        layer: r.layer as ViewRow['tests'][number]['layer'],
        state: r.state as ViewRow['tests'][number]['state'],
      });
  }
  // The failing tests first: they are what a reader of a failing row looks for.
  tests.sort((a, b) => STATE_ORDER[a.state] - STATE_ORDER[b.state]);
  const live: ViewRow['live'] = [];
  for (const l of list(row.live).slice(0, CAPS.live)) {
    const verdict = liveStatus.safeParse(record(l).status);
    if (verdict.success)
      live.push({ platform: text(record(l).platform, CAPS.platform), status: verdict.data });
  }
  return {
    id: row.id,
    level: level.data,
    profiles: list(row.profiles).filter((p): p is ViewRow['profiles'][number] =>
      PROFILES.has(p as string),
    ),
    fr: text(row.fr, CAPS.summary),
    en: text(row.en, CAPS.summary),
    status: status.data,
    endToEnd: row.endToEnd === true,
    testCount: tests.length,
    tests: tests.slice(0, CAPS.testsPerRow),
    live,
  };
}

const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value)) + 1;

/**
 * The report as the page shows it. Totals and the DOIT verdict are counted over every row of the
 * file (the generator's rule: a DOIT row that applies and is not proved is missing); rows are
 * added while they fit the budget, a row that does not fit is tried without its test names, and
 * the rest are counted in `rowsOmitted` (as are rows of the file that are not requirement rows).
 */
export function reportView(
  report: Report,
  file: string,
  budgetBytes = REPLY_ROWS_BUDGET_BYTES,
): ReportView {
  const rawRows = list(report.rows);
  const valid = rawRows.map(viewRow).filter((r): r is ViewRow => r !== null);
  const totals: Record<Status, number> = {
    proved: 0,
    'core-only': 0,
    failing: 0,
    'not-covered': 0,
    'not-applicable': 0,
  };
  for (const row of valid) totals[row.status] += 1;
  const missing = valid
    .filter((r) => r.level === 'DOIT' && r.status !== 'proved' && r.status !== 'not-applicable')
    .map((r) => r.id);

  const rows: ViewRow[] = [];
  let used = 0;
  for (const row of valid.slice(0, CAPS.rows)) {
    let shown = row;
    let size = bytes(shown);
    if (used + size > budgetBytes) {
      shown = { ...row, tests: [] };
      size = bytes(shown);
    }
    if (used + size > budgetBytes) break;
    used += size;
    rows.push(shown);
  }

  const live: ReportView['live'] = list(report.live)
    .slice(0, CAPS.live)
    .map((raw) => {
      const run = record(raw);
      const results = list(run.results).map((r) => record(r).status);
      return {
        platform: text(run.platform, CAPS.platform),
        date: text(run.date, 40),
        proved: results.filter((s) => s === 'proved').length,
        failing: results.filter((s) => s === 'failing').length,
        notRun: results.filter((s) => s === 'not-run').length,
      };
    });

  return {
    date: text(report.date, 40),
    platform: text(report.platform, CAPS.platform),
    file: text(file, CAPS.file),
    versions: Object.entries(record(report.versions))
      .slice(0, CAPS.versions)
      .map(([name, value]) => ({
        name: text(name, CAPS.versionName),
        value: text(typeof value === 'string' ? value : String(value), CAPS.versionValue),
      })),
    profiles: list(report.profiles).filter((p): p is ReportView['profiles'][number] =>
      PROFILES.has(p as string),
    ),
    totals,
    mandatoryProved: missing.length === 0,
    mandatoryMissing: missing.slice(0, CAPS.rows),
    live,
    rows,
    rowsOmitted: rawRows.length - rows.length,
  };
}
