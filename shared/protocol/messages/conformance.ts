import * as z from '../zod';

/**
 * What one `conformance.report` reply may carry of the report file (which keeps everything). The
 * host also measures the rows it adds and stops before a byte budget (see
 * native-host/conformance/report-view.ts), so the reply stays under Thunderbird's 1 MiB whatever
 * the file holds.
 */
export const CONFORMANCE_CAPS = {
  /** Requirement rows (the Référentiel has about fifty). */
  rows: 400,
  /** Test names shown per row (failing tests first); `testCount` keeps the real number. */
  testsPerRow: 12,
  /** Characters of a test's full name. */
  testTitle: 240,
  /** Characters of a requirement's one-line summary (each language). */
  summary: 300,
  /** Characters of a platform's name, of a version's name and value, and of the report's file. */
  platform: 120,
  versionName: 40,
  versionValue: 160,
  versions: 16,
  file: 300,
  /** Live platforms per row and in the report. */
  live: 16,
  id: 32,
} as const;

export const requirementStatus = z.enum([
  'proved',
  'core-only',
  'failing',
  'not-covered',
  'not-applicable',
]);
export const requirementLevel = z.enum(['DOIT', 'DEVRAIT', 'PEUT']);
export const liveStatus = z.enum(['proved', 'failing', 'not-run']);
const profile = z.enum(['PER', 'ORG', 'APP']);
const count = z.int().check(z.gte(0));

export const conformanceRow = z.object({
  id: z.string(),
  level: requirementLevel,
  profiles: z.array(profile),
  fr: z.string(),
  en: z.string(),
  status: requirementStatus,
  /** Proved by at least one passing end-to-end test (real Thunderbird). */
  endToEnd: z.boolean(),
  /** How many tests name this requirement (all of them, even when fewer names are shown). */
  testCount: count,
  tests: z.array(
    z.object({
      title: z.string(),
      layer: z.enum(['unit', 'integration', 'e2e']),
      state: z.enum(['passed', 'failed', 'pending']),
    }),
  ),
  /** The live check's verdict on this requirement, per platform. */
  live: z.array(z.object({ platform: z.string(), status: liveStatus })),
});

/**
 * The add-on's conformance page: the last report (`npm run conformance`, `mssante conformance
 * --live`), its totals and one row per requirement. No parameters: filtering is the page's.
 */
export const conformanceReport = {
  type: 'conformance.report',
  params: z.object({}),
  result: z.object({
    /** When the report was generated (ISO 8601, UTC). */
    date: z.string(),
    platform: z.string(),
    /** Where the host read it (the state directory's or the project's conformance/report.json). */
    file: z.string(),
    /** Thunderbird, add-on, host, Node, system: as the generator recorded them. */
    versions: z.array(z.object({ name: z.string(), value: z.string() })),
    profiles: z.array(profile),
    /** Counted over every row of the report (also those a capped reply leaves out). */
    totals: z.object({
      proved: count,
      'core-only': count,
      failing: count,
      'not-covered': count,
      'not-applicable': count,
    }),
    /** Every DOIT requirement that applies is proved; else the ones that are not. */
    mandatoryProved: z.boolean(),
    mandatoryMissing: z.array(z.string()),
    /** Live runs filed in the report, one per platform. */
    live: z.array(
      z.object({
        platform: z.string(),
        date: z.string(),
        proved: count,
        failing: count,
        notRun: count,
      }),
    ),
    rows: z.array(conformanceRow),
    /** Rows of the report this reply leaves out (0 unless the file is far beyond the caps). */
    rowsOmitted: count,
  }),
} as const;
