import { config } from 'zod/mini';

// zod/mini: the tree-shakable build, so the host's cold start does not parse all of zod.
// Import it as `import * as z from './zod'` (never re-export a namespace object: that defeats
// tree shaking). Extension pages run under a strict CSP (no eval): zod must never try
// `new Function`, hence jitless.
config({ jitless: true });

export * from 'zod/mini';
