// Child process of bench/xdm.ts, bundled with esbuild so no TypeScript loader inflates its memory.
// `node xdm-child.mjs inspect FILE` runs `mssante xdm inspect --json` and prints
// {ms, maxRssMb, exit, code}; `node xdm-child.mjs idle` prints the baseline RSS of the same bundle.
import { command } from '../native-host/cli/commands/xdm';

const [mode, file] = process.argv.slice(2);
const started = performance.now();
let out = '';
let exit = 0;
if (mode === 'inspect' && file) {
  exit = await command.run(['inspect', file, '--json'], {
    stdout: (s) => (out += s),
    stderr: () => undefined,
    locale: 'en',
  });
}
const ms = performance.now() - started;
let code: string | null = null;
try {
  const parsed = JSON.parse(out) as { ok: boolean; error?: { code: string } };
  code = parsed.ok ? 'OK' : (parsed.error?.code ?? null);
} catch {
  code = null;
}
process.stdout.write(
  JSON.stringify({ ms, maxRssMb: process.resourceUsage().maxRSS / 1024, exit, code }) + '\n',
);
