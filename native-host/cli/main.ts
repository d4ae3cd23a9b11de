import { errorMessage } from '../../shared/errors/codes';
import { toMssanteError } from '../../shared/errors/mssante-error';
import type { CliCommand, CliIo } from './command';

/**
 * `mssante <command> …`. Commands are imported lazily so `mssante host serve` (what Thunderbird
 * spawns) loads only the host, not the XDM reader and its libraries.
 */
const COMMANDS: Record<string, { summary: string; load: () => Promise<{ command: CliCommand }> }> =
  {
    host: {
      summary: 'install | uninstall | serve the native messaging host',
      load: () => import('./commands/host'),
    },
    audit: {
      summary: 'verify [--json] [DIR]   (ECO.4 audit journal integrity)',
      load: () => import('./commands/audit'),
    },
    conformance: {
      summary: '[--no-run] [--profiles PER,ORG,APP]   (report per requirement → conformance/)',
      load: () => import('./commands/conformance'),
    },
    sandbox: {
      summary:
        'up | down | status | reset [--json]   (local MSSanté trust space, for tests and demos)',
      load: () => import('./commands/sandbox'),
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

function help(io: CliIo): number {
  const lines = Object.entries(COMMANDS).map(
    ([name, c]) => `  mssante ${name.padEnd(10)} ${c.summary}`,
  );
  io.stdout(`mssante — open MSSanté add-on tools\n\n${lines.join('\n')}\n`);
  return 0;
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') return help(io);
  const entry = COMMANDS[name];
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
