import { localeFromEnv, runCommandLine, type CommandTable } from '../../native-host/cli/main';

/**
 * `mssante-lab <command> …`: what fakes or drives the MSSanté world for tests, demos and labs
 * (docs/layout.md). Not shipped: it runs from a checkout, through tsx, with the devDependencies.
 */
const COMMANDS: CommandTable = {
  sandbox: {
    summary: 'up | down | status | reset [--json] [--dir DIR]   (local MSSanté trust space)',
    load: () => import('./sandbox'),
  },
  'host-config': {
    summary:
      '[--state DIR] [--dir SANDBOX] [--print]   (the host config.json for the running sandbox)',
    load: () => import('./host-config'),
  },
  conformance: {
    summary: '--live sandbox   (live conformance check against a local operator started for it)',
    load: () => import('./conformance'),
  },
};

const io = {
  stdout: (s: string) => void process.stdout.write(s),
  stderr: (s: string) => void process.stderr.write(s),
  locale: localeFromEnv(),
};

process.exitCode = await runCommandLine(
  { name: 'mssante-lab', title: 'the open MSSanté lab (sandbox, live checks)', commands: COMMANDS },
  process.argv.slice(2),
  io,
);
