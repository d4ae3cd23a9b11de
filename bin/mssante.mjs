#!/usr/bin/env node
// The `mssante` command: runs the built bundle (npm run build writes dist/host/mssante.mjs).
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/host/mssante.mjs', import.meta.url);
if (!existsSync(bundle)) {
  process.stderr.write('mssante: not built yet — run `npm run build` first.\n');
  process.exit(1);
}
await import(bundle.href);
