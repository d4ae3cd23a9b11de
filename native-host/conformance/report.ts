import type { Profile, Requirement } from '../../shared/requirements';
import type { LiveResult, LiveRun, LiveStatus } from './live/types';

export type Layer = 'unit' | 'integration' | 'e2e';
/**
 * `proved`: passing tests and the behaviour is in the product; `core-only`: the logic passes its
 * tests but is not yet wired into what the user does in Thunderbird (requirement coverage `core`).
 */
export type Status = 'proved' | 'core-only' | 'failing' | 'not-covered' | 'not-applicable';

/** One test from mocha's JSON reporter. */
export interface TestResult {
  layer: Layer;
  /** The test's own name: requirement ids are read here only, not from suite names. */
  title: string;
  fullTitle: string;
  state: 'passed' | 'failed' | 'pending';
}

export interface RequirementRow {
  id: string;
  level: Requirement['level'];
  profiles: Profile[];
  en: string;
  fr: string;
  status: Status;
  /** Proved by at least one passing end-to-end test (real Thunderbird). */
  endToEnd: boolean;
  tests: Array<{ title: string; layer: Layer; state: TestResult['state'] }>;
  /** What `mssante conformance --live` observed, per platform (absent before any live run). */
  live?: LiveRow[];
}

/** One platform's live verdict on one requirement, and the results it comes from. */
export interface LiveRow {
  platform: string;
  status: LiveStatus;
  results: Array<Pick<LiveResult, 'check' | 'status' | 'fr' | 'en'>>;
}

export interface Report {
  date: string;
  platform: string;
  versions: Record<string, string>;
  profiles: Profile[];
  rows: RequirementRow[];
  summary: Record<Status, number> & { mandatoryProved: boolean; mandatoryMissing: string[] };
  /** Live runs, one per platform name (the latest run of each). */
  live?: LiveRun[];
}

const ID = /ECO\.\d+\.\d+\.\d+/g;

/**
 * Turns test results into one row per requirement: `failing` when any test naming the id failed,
 * `proved` when at least one passed and none failed, `not-covered` when none names it,
 * `not-applicable` when the requirement concerns none of the profiles under test.
 */
export function buildReport(input: {
  requirements: Requirement[];
  results: TestResult[];
  profiles: Profile[];
  platform: string;
  versions: Record<string, string>;
  now: Date;
}): Report {
  const byId = new Map<string, TestResult[]>();
  for (const result of input.results) {
    for (const id of new Set(result.title.match(ID) ?? []))
      byId.set(id, [...(byId.get(id) ?? []), result]);
  }
  const rows = input.requirements.map((r): RequirementRow => {
    const tests = byId.get(r.id) ?? [];
    const applicable = r.profiles.some((p) => input.profiles.includes(p));
    const status: Status = !applicable
      ? 'not-applicable'
      : tests.some((t) => t.state === 'failed')
        ? 'failing'
        : tests.some((t) => t.state === 'passed')
          ? r.coverage === 'product'
            ? 'proved'
            : 'core-only'
          : 'not-covered';
    return {
      id: r.id,
      level: r.level,
      profiles: r.profiles,
      en: r.en,
      fr: r.fr,
      status,
      endToEnd: tests.some((t) => t.layer === 'e2e' && t.state === 'passed'),
      tests: tests.map((t) => ({ title: t.fullTitle, layer: t.layer, state: t.state })),
    };
  });
  const count = (s: Status) => rows.filter((row) => row.status === s).length;
  const mandatoryMissing = rows
    .filter(
      (row) => row.level === 'DOIT' && row.status !== 'proved' && row.status !== 'not-applicable',
    )
    .map((row) => row.id);
  return {
    date: input.now.toISOString(),
    platform: input.platform,
    versions: input.versions,
    profiles: input.profiles,
    rows,
    summary: {
      proved: count('proved'),
      'core-only': count('core-only'),
      failing: count('failing'),
      'not-covered': count('not-covered'),
      'not-applicable': count('not-applicable'),
      mandatoryProved: mandatoryMissing.length === 0,
      mandatoryMissing,
    },
  };
}

/** Reads mocha's JSON reporter output. */
type MochaTest = { title: string; fullTitle: string };
export function resultsFromMochaJson(
  layer: Layer,
  json: { passes?: MochaTest[]; failures?: MochaTest[]; pending?: MochaTest[] },
): TestResult[] {
  const as = (state: TestResult['state']) => (t: MochaTest) => ({
    layer,
    title: t.title,
    fullTitle: t.fullTitle,
    state,
  });
  return [
    ...(json.passes ?? []).map(as('passed')),
    ...(json.failures ?? []).map(as('failed')),
    ...(json.pending ?? []).map(as('pending')),
  ];
}

/** failing if any result fails, proved if one proves and none fails, else not-run. */
export function liveVerdict(results: ReadonlyArray<{ status: LiveStatus }>): LiveStatus {
  if (results.some((r) => r.status === 'failing')) return 'failing';
  if (results.some((r) => r.status === 'proved')) return 'proved';
  return 'not-run';
}

/**
 * Files a live run under its platform's name (replacing that platform's previous run; other
 * platforms' runs stay) and gives every requirement row the live verdict of each platform. The
 * rows' own status stays the test suite's: a live result is evidence about a platform, not
 * about the add-on's tests.
 */
export function mergeLive(report: Report, run: LiveRun): Report {
  const runs = [...(report.live ?? []).filter((r) => r.platform !== run.platform), run];
  const rows = report.rows.map((row) => {
    const live: LiveRow[] = [];
    for (const r of runs) {
      const results = r.results.filter((x) => x.ids.includes(row.id));
      if (results.length === 0) continue;
      live.push({
        platform: r.platform,
        status: liveVerdict(results),
        results: results.map(({ check, status, fr, en }) => ({ check, status, fr, en })),
      });
    }
    const { live: _old, ...rest } = row;
    return live.length ? { ...rest, live } : rest;
  });
  return { ...report, rows, live: runs };
}
