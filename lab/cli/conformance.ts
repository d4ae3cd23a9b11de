import { errorMessage } from '../../shared/errors/codes';
import type { CliCommand } from '../../native-host/cli/command';
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
    if (args[0] !== '--live' || args[1] !== 'sandbox') {
      io.stderr(`${errorMessage('E_CLI_USAGE', io.locale)} (--live sandbox)\n`);
      return 2;
    }
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
