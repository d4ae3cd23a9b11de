import * as z from '../zod';

/** The host's state as the extension shows it. Later issues add the PSC session and the bridge. */
export const status = {
  type: 'status',
  params: z.object({}),
  result: z.object({
    state: z.enum(['ready']),
    pid: z.int(),
    uptimeMs: z.number().check(z.nonnegative()),
    node: z.string(),
    requestsServed: z.int().check(z.nonnegative()),
    frameErrors: z.int().check(z.nonnegative()),
  }),
} as const;
