import path from 'node:path';
import { parseCommandArgs } from '../../native-host/cli/args';
import type { CliCommand } from '../../native-host/cli/command';

const USAGE = 'usage: mssante-lab host-config [--state DIR] [--dir SANDBOX] [--print]';
import { projectRoot } from '../../native-host/project-root';
import { stateDir } from '../../native-host/state-dir';
import { sandboxHostConfig, writeLabHostConfig } from '../sandbox/host-config';
import { sandboxDir } from '../sandbox/paths';
import { readRuntime } from '../sandbox/runtime';

/**
 * `mssante-lab host-config [--state DIR] [--dir SANDBOX] [--print]`: writes the host's
 * config.json (mode 0600) for the running sandbox into the host's state folder ($MSSANTE_STATE_DIR
 * or the default one), so an installed host works against it; `--print` only shows it.
 */
export const command: CliCommand = {
  name: 'host-config',
  summary: 'the host config.json for the running sandbox',
  async run(args, io) {
    const parsed = parseCommandArgs(
      args,
      { state: { type: 'string' }, dir: { type: 'string' }, print: { type: 'boolean' } },
      io,
      USAGE,
    );
    if (!parsed) return 2;
    const values = parsed.values;
    const dir = values.dir ? path.resolve(values.dir) : sandboxDir(projectRoot());
    const runtime = readRuntime(dir);
    if (!runtime) {
      io.stderr(
        io.locale === 'fr'
          ? `Aucun bac à sable ne tourne dans ${dir} : lancez « npx mssante-lab sandbox up ».\n`
          : `No sandbox runs in ${dir}: run "npx mssante-lab sandbox up".\n`,
      );
      return 3;
    }
    const config = sandboxHostConfig(runtime);
    if (values.print) {
      io.stdout(JSON.stringify(config, null, 2) + '\n');
      return 0;
    }
    const file = writeLabHostConfig(values.state ? path.resolve(values.state) : stateDir(), config);
    io.stdout(
      io.locale === 'fr'
        ? `Configuration de l’hôte écrite pour le bac à sable : ${file}\n`
        : `Host configuration written for the sandbox: ${file}\n`,
    );
    return 0;
  },
};
