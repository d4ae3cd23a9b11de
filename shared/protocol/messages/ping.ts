import * as z from '../zod';

/** Echo of an opaque payload: diagnostics ("is the host alive?") and the round-trip benchmark. */
export const ping = {
  type: 'ping',
  params: z.object({ payload: z.string() }),
  result: z.object({ payload: z.string() }),
} as const;
