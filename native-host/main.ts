import { main, localeFromEnv } from './cli/main';

// Entry point of dist/host/mssante.mjs: the `mssante` command line and the host itself
// (`mssante host serve`, which the launcher written by `mssante host install` runs).
const io = {
  stdout: (s: string) => void process.stdout.write(s),
  stderr: (s: string) => void process.stderr.write(s),
  locale: localeFromEnv(),
};

main(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`mssante: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
