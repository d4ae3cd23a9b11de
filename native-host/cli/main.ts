import { errorMessage } from '../../shared/errors/codes';
import { toMssanteError } from '../../shared/errors/mssante-error';
import type { CliCommand, CliIo } from './command';

/**
 * `mssante <command> …`. Commands are imported lazily so `mssante host serve` (what Thunderbird
 * spawns) loads only the host, not the XDM reader and its libraries.
 */
/** A command table: each command's one-line summary and its lazily imported module. */
export type CommandTable = Record<
  string,
  { summary: string; load: () => Promise<{ command: CliCommand }> }
>;

const COMMANDS: CommandTable = {
  host: {
    summary: 'install | uninstall | serve the native messaging host',
    load: () => import('./commands/host'),
  },
  audit: {
    summary: 'verify [--json] [DIR]   (ECO.4 audit journal integrity)',
    load: () => import('./commands/audit'),
  },
  conformance: {
    summary:
      '[--no-run] [--profiles PER,ORG,APP] | --live CONFIG.json   (report per requirement → conformance/)',
    load: () => import('./commands/conformance'),
  },
  xdm: {
    summary: 'inspect FILE [--json] | extract-pdf FILE --out DIR   (IHE XDM archives)',
    load: () => import('./commands/xdm'),
  },
  annuaire: {
    summary:
      'search [WORDS…|--name …] [--url ldap://…|--offline] [--json] | import FILE   (Annuaire Santé, ECO.3.1.4)',
    load: () => import('./commands/annuaire'),
  },
  autoconfig: {
    summary: 'ADDRESS [--type PER|ORG|APP] [--json]   (what setup would do: URL, issuer, servers)',
    load: () => import('./commands/autoconfig'),
  },
  ins: {
    summary: 'check VALUE [--json]   (INS / NIR / NIA, patient address)',
    load: () => import('./commands/ins'),
  },
  subject: {
    summary: 'compose | parse …   (XDM/1.0/DDM+ subjects)',
    load: () => import('./commands/subject'),
  },
};

export function localeFromEnv(env: NodeJS.ProcessEnv = process.env): 'fr' | 'en' {
  const lang = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return /^en/i.test(lang) ? 'en' : 'fr';
}

function help(program: string, title: string, commands: CommandTable, io: CliIo): number {
  const lines = Object.entries(commands).map(
    ([name, c]) => `  ${program} ${name.padEnd(10)} ${c.summary}`,
  );
  io.stdout(`${program} — ${title}\n\n${lines.join('\n')}\n`);
  return 0;
}

/**
 * Runs `<program> <command> …` from a command table: help, the coded usage error for an unknown
 * command, and any error a command throws as its fr/en sentence. The product's `mssante` and the
 * lab's `mssante-lab` share it.
 */
export async function runCommandLine(
  program: { name: string; title: string; commands: CommandTable },
  argv: string[],
  io: CliIo,
): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h')
    return help(program.name, program.title, program.commands, io);
  const entry = program.commands[name];
  if (!entry) {
    io.stderr(`${errorMessage('E_CLI_USAGE', io.locale)} (${name})\n`);
    return 2;
  }
  try {
    const { command } = await entry.load();
    return await command.run(args, io);
  } catch (error) {
    const failure = toMssanteError(error);
    io.stderr(`${failure.toWire(io.locale).message}\n`);
    return 1;
  }
}

export function main(argv: string[], io: CliIo): Promise<number> {
  return runCommandLine(
    { name: 'mssante', title: 'open MSSanté add-on tools', commands: COMMANDS },
    argv,
    io,
  );
}
