import path from 'node:path';
import { errorMessage } from '../../../shared/errors/codes';
import { toMssanteError } from '../../../shared/errors/mssante-error';
import type { CliIo } from '../../cli/command';
import { reportFromResults } from '../from-results';
import { mergeLive } from '../report';
import { readReportFile, reportDir, writeReport } from '../report-file';
import { type LiveConfig, readLiveConfig } from './config';
import { runLive } from './run';
import type { LiveStatus, LoginPageDriver } from './types';

const MARK: Record<LiveStatus, string> = { proved: '✓', failing: '✗', 'not-run': '–' };

/**
 * `mssante conformance --live <config.json>`: reads the lab's file, then runs the checks (below).
 * Exits 2 when the configuration is unusable.
 */
export async function runLiveCommand(
  root: string,
  file: string | undefined,
  io: CliIo,
): Promise<number> {
  if (!file) {
    io.stderr(`${errorMessage('E_CLI_USAGE', io.locale)} (--live CONFIG.json)\n`);
    return 2;
  }
  let config: LiveConfig;
  try {
    config = readLiveConfig(path.resolve(file));
  } catch (error) {
    io.stderr(`${toMssanteError(error).toWire(io.locale).message}\n`);
    return 2;
  }
  return runLiveChecks(root, config, io);
}

/**
 * Runs every live check against one platform, printing each result as it comes, files the run
 * under the platform's name in conformance/report.{json,html} (keeping the rest of the report),
 * and returns 1 when a live result is failing. The project's lab calls it too, for its sandbox,
 * with the driver of its PSC stub's page.
 */
export async function runLiveChecks(
  root: string,
  config: LiveConfig,
  io: CliIo,
  options: { completeLoginPage?: LoginPageDriver } = {},
): Promise<number> {
  const say = (fr: string, en: string) => io.stderr(`${io.locale === 'fr' ? fr : en}\n`);
  const run = await runLive(config, {
    prompt: say,
    ...options,
    onCheck: (_check, results) => {
      for (const r of results)
        io.stdout(
          `${MARK[r.status]} ${r.ids.join(' ')} ${r.check}: ${io.locale === 'fr' ? r.fr : r.en}\n`,
        );
    },
  });
  const dir = reportDir(root);
  const base =
    readReportFile(path.join(dir, 'report.json')) ?? reportFromResults(root, ['PER', 'ORG', 'APP']);
  const written = writeReport(dir, mergeLive(base, run));
  const count = (s: LiveStatus) => run.results.filter((r) => r.status === s).length;
  io.stdout(
    `${written.html}\n` +
      (io.locale === 'fr'
        ? `${run.platform} : vérifiés ${count('proved')}, en échec ${count('failing')}, non vérifiés ${count('not-run')}\n`
        : `${run.platform}: verified ${count('proved')}, failing ${count('failing')}, not run ${count('not-run')}\n`),
  );
  return count('failing') === 0 ? 0 : 1;
}
