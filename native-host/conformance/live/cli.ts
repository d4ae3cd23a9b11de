import path from 'node:path';
import { errorMessage } from '../../../shared/errors/codes';
import { toMssanteError } from '../../../shared/errors/mssante-error';
import type { CliIo } from '../../cli/command';
import { reportFromResults } from '../../cli/commands/conformance';
import { mergeLive } from '../report';
import { readReportFile, reportDir, writeReport } from '../report-file';
import { type LiveConfig, readLiveConfig } from './config';
import { runLive } from './run';
import type { LiveStatus } from './types';

const MARK: Record<LiveStatus, string> = { proved: '✓', failing: '✗', 'not-run': '–' };

/**
 * `mssante conformance --live <config.json>` (or `--live sandbox`: a local operator started for
 * the run). Prints each result as it comes, files the run under the platform's name in
 * conformance/report.{json,html} (keeping the rest of the report), and exits 1 when a live
 * result is failing, 2 when the configuration is unusable.
 */
export async function runLiveCommand(
  root: string,
  target: string | undefined,
  io: CliIo,
): Promise<number> {
  const say = (fr: string, en: string) => io.stderr(`${io.locale === 'fr' ? fr : en}\n`);
  if (!target) {
    io.stderr(`${errorMessage('E_CLI_USAGE', io.locale)} (--live CONFIG.json | --live sandbox)\n`);
    return 2;
  }
  let config: LiveConfig;
  let stop = async () => {};
  try {
    if (target === 'sandbox') {
      say('Démarrage d’un opérateur local (bac à sable)…', 'Starting a local operator (sandbox)…');
      const { startSandboxPlatform } = await import('./sandbox-platform');
      const platform = await startSandboxPlatform();
      config = platform.config;
      stop = () => platform.stop();
    } else config = readLiveConfig(path.resolve(target));
  } catch (error) {
    io.stderr(`${toMssanteError(error).toWire(io.locale).message}\n`);
    return 2;
  }
  try {
    const run = await runLive(config, {
      prompt: say,
      onCheck: (_check, results) => {
        for (const r of results)
          io.stdout(
            `${MARK[r.status]} ${r.ids.join(' ')} ${r.check}: ${io.locale === 'fr' ? r.fr : r.en}\n`,
          );
      },
    });
    const dir = reportDir(root);
    const base =
      readReportFile(path.join(dir, 'report.json')) ??
      reportFromResults(root, ['PER', 'ORG', 'APP']);
    const written = writeReport(dir, mergeLive(base, run));
    const count = (s: LiveStatus) => run.results.filter((r) => r.status === s).length;
    io.stdout(
      `${written.html}\n` +
        (io.locale === 'fr'
          ? `${run.platform} : vérifiés ${count('proved')}, en échec ${count('failing')}, non vérifiés ${count('not-run')}\n`
          : `${run.platform}: verified ${count('proved')}, failing ${count('failing')}, not run ${count('not-run')}\n`),
    );
    return count('failing') === 0 ? 0 : 1;
  } finally {
    await stop();
  }
}
