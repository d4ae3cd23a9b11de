import path from 'node:path';
import { verifyJournal } from '../../audit/journal';
import { stateDir } from '../../state-dir';
import { parseCommandArgs, usageError } from '../args';
import type { CliCommand } from '../command';

const USAGE = 'usage: mssante audit verify [--json] [DIR]';

export const command: CliCommand = {
  name: 'audit',
  summary: 'verify [--json] [DIR]   (ECO.4 audit journal: detect changed or missing entries)',
  async run(args, io) {
    const [sub, ...rest] = args;
    if (sub !== 'verify') return usageError(io, USAGE);
    const parsed = parseCommandArgs(rest, { json: { type: 'boolean' } }, io, USAGE, {
      positionals: true,
    });
    if (!parsed) return 2;
    if (parsed.positionals.length > 1) return usageError(io, USAGE, 'one DIR at most');
    const dir = parsed.positionals[0] ?? path.join(stateDir(), 'audit');
    const result = verifyJournal(dir);
    if (parsed.values.json) io.stdout(JSON.stringify({ dir, ...result }, null, 2) + '\n');
    else if (result.ok) {
      io.stdout(
        io.locale === 'fr'
          ? `Journal intègre : ${result.entries} entrées dans ${result.files} fichier(s) (${dir}).\n`
          : `Journal intact: ${result.entries} entries in ${result.files} file(s) (${dir}).\n`,
      );
    } else {
      io.stdout(
        (io.locale === 'fr' ? `Journal altéré (${dir}) :\n` : `Journal tampered with (${dir}):\n`) +
          result.problems.map((p) => `  ${p}\n`).join(''),
      );
    }
    return result.ok ? 0 : 1;
  },
};
