#!/usr/bin/env node
// The `mssante-lps` command: the intermediate LPS server (npm run build writes dist/lps/mssante-lps.mjs).
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/lps/mssante-lps.mjs', import.meta.url);
if (!existsSync(bundle)) {
  process.stderr.write('mssante-lps: not built yet — run `npm run build` first.\n');
  process.exit(1);
}
await import(bundle.href);
