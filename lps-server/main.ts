import { parseArgs } from 'node:util';
import { toMssanteError } from '../shared/errors/mssante-error';
import { loadLpsServerConfig } from './config';
import { startLpsServer } from './server';

/**
 * `mssante-lps serve --config FILE` (dist/lps/mssante-lps.mjs): runs the intermediate LPS server
 * until SIGTERM or SIGINT. Exit 2 for a wrong command line, 1 for an unusable configuration.
 */
const USAGE = 'usage: mssante-lps serve --config FILE';

async function main(argv: string[]): Promise<number> {
  let values: { config?: string | undefined };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      options: { config: { type: 'string' } },
      allowPositionals: true,
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (positionals[0] !== 'serve' || !values.config) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  let running;
  try {
    running = await startLpsServer(loadLpsServerConfig(values.config));
  } catch (error) {
    const failure = toMssanteError(error);
    process.stderr.write(
      `${failure.code}: ${failure.toWire('en').message} ${failure.detail ?? ''}\n`,
    );
    return 1;
  }
  process.stdout.write(`listening ${running.port}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  await running.close();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`mssante-lps: ${String(error)}\n`);
    process.exitCode = 1;
  },
);
