import { parseCommandArgs, usageError } from '../../native-host/cli/args';
import type { CliCommand } from '../../native-host/cli/command';

const USAGE = 'usage: mssante-lab conformance --live sandbox';
import { runLiveChecks } from '../../native-host/conformance/live/cli';
import { projectRoot } from '../../native-host/project-root';
import { startSandboxPlatform } from '../conformance/sandbox-platform';

/**
 * `mssante-lab conformance --live sandbox`: the product's live check (`mssante conformance
 * --live FILE`) against a local operator started for the run (CI, demo), signing in at the PSC
 * stub's page itself.
 */
export const command: CliCommand = {
  name: 'conformance',
  summary: '--live sandbox',
  async run(args, io) {
    const parsed = parseCommandArgs(args, { live: { type: 'string' } }, io, USAGE);
    if (!parsed) return 2;
    if (parsed.values.live !== 'sandbox') return usageError(io, USAGE);
    io.stderr(
      io.locale === 'fr'
        ? 'Démarrage d’un opérateur local (bac à sable)…\n'
        : 'Starting a local operator (sandbox)…\n',
    );
    const platform = await startSandboxPlatform();
    try {
      return await runLiveChecks(projectRoot(), platform.config, io, {
        completeLoginPage: platform.completeLoginPage,
      });
    } finally {
      await platform.stop();
    }
  },
};
