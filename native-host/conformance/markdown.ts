import type { Layer, Report, RequirementRow, Status } from './report';

/** The README's words for each status (the report's own, in English). */
const STATUS: Record<Status, string> = {
  proved: 'proved',
  'core-only': 'core only',
  failing: 'failing',
  'not-covered': 'not covered',
  'not-applicable': 'not applicable',
};

export const README_BEGIN =
  '<!-- conformance:begin (npm run conformance -- --readme README.md) -->';
export const README_END = '<!-- conformance:end -->';
/** Prettier keeps the table as written, so the README holds the report's text byte for byte. */
const KEEP = ['<!-- prettier-ignore-start -->', '<!-- prettier-ignore-end -->'];

function counts(row: RequirementRow): string {
  const layers: Layer[] = ['unit', 'integration', 'e2e'];
  return layers
    .map((layer) => {
      const n = row.tests.filter((t) => t.layer === layer && t.state === 'passed').length;
      return `${n} ${layer}`;
    })
    .join(', ');
}

/**
 * The report as a Markdown table, one row per requirement: what the README says of each
 * requirement, word for word the conformance report's verdict on the tests' results.
 */
export function reportMarkdown(report: Report): string {
  const s = report.summary;
  const lines = [
    `Proved ${s.proved}, core only ${s['core-only']}, failing ${s.failing}, not covered ${s['not-covered']}, not applicable ${s['not-applicable']}; mandatory (DOIT) not proved: ${s.mandatoryMissing.length ? s.mandatoryMissing.join(', ') : 'none'}. Profiles ${report.profiles.join(', ')}; ${report.versions.Thunderbird ?? 'Thunderbird'}.`,
    '',
    '| requirement | level | profiles | status | in Thunderbird (e2e) | passing tests | what it asks |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...report.rows.map(
      (row) =>
        `| ${row.id} | ${row.level} | ${row.profiles.join(' ')} | ${STATUS[row.status]} | ${row.endToEnd ? 'yes' : 'no'} | ${counts(row)} | ${row.en.replace(/\|/g, '\\|')} |`,
    ),
  ];
  return lines.join('\n') + '\n';
}

/** The table between the README's markers, or null when a marker is missing. */
export function readmeSection(readme: string): string | null {
  const begin = readme.indexOf(README_BEGIN);
  const end = readme.indexOf(README_END);
  if (begin < 0 || end < begin) return null;
  const inside = readme.slice(begin + README_BEGIN.length, end);
  const start = inside.indexOf(KEEP[0]!);
  const stop = inside.indexOf(KEEP[1]!);
  return start < 0 || stop < start ? '' : inside.slice(start + KEEP[0]!.length + 1, stop);
}

/** The README with its section replaced by the report's table (null when a marker is missing). */
export function withReadmeSection(readme: string, report: Report): string | null {
  const begin = readme.indexOf(README_BEGIN);
  const end = readme.indexOf(README_END);
  if (begin < 0 || end < begin) return null;
  const table = `${KEEP[0]}\n${reportMarkdown(report)}${KEEP[1]}\n`;
  return `${readme.slice(0, begin + README_BEGIN.length)}\n${table}${readme.slice(end)}`;
}
