/** What a `mssante <name> …` subcommand gets: output sinks and the user's locale. */
export interface CliIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  locale: 'fr' | 'en';
}

/** One subcommand of the `mssante` command line; `run` returns the process exit code. */
export interface CliCommand {
  name: string;
  summary: string;
  run(args: string[], io: CliIo): Promise<number>;
}
