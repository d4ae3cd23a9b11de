import { parseArgs, type ParseArgsConfig } from 'node:util';
import { errorMessage } from '../../shared/errors/codes';
import type { CliIo } from './command';

/**
 * The one way a `mssante` or `mssante-lab` command reads its arguments and refuses wrong ones:
 * node's `parseArgs` (strict: an unknown option is an error), and on any fault the coded usage
 * sentence (E_CLI_USAGE, in the user's language), the reason, the command's usage, exit code 2.
 */
export function usageError(io: CliIo, usage: string, why?: string): number {
  io.stderr(`${errorMessage('E_CLI_USAGE', io.locale)}${why ? ` (${why})` : ''}\n${usage}\n`);
  return 2;
}

type Options = NonNullable<ParseArgsConfig['options']>;

export function parseCommandArgs<O extends Options>(
  args: string[],
  options: O,
  io: CliIo,
  usage: string,
  { positionals = false }: { positionals?: boolean } = {},
): ReturnType<typeof parseArgs<{ args: string[]; options: O; allowPositionals: boolean }>> | null {
  try {
    return parseArgs({ args, options, allowPositionals: positionals, strict: true });
  } catch (error) {
    usageError(io, usage, (error as Error).message);
    return null;
  }
}
