#!/usr/bin/env node
// The `mssante-lab` command (lab/cli/main.ts): the sandbox and the live checks against it. It
// runs the lab's TypeScript sources through tsx, from a checkout with its devDependencies: the
// lab is never built into dist/ nor shipped (docs/layout.md).
import { register } from 'tsx/esm/api';

register();
await import('../lab/cli/main.ts');
