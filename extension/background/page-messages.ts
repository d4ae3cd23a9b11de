import { MESSAGES } from '../../shared/protocol/index';
import * as z from '../../shared/protocol/zod';

/**
 * Messages from the add-on's own pages to the background (runtime.sendMessage). Validated like
 * the host protocol: pages are ours, but a typed boundary costs nothing and catches drift.
 */
export const pageMessage = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('getState') }),
  z.object({ kind: z.literal('reconnect') }),
  /** Sign in to PSC: `browser` opens PSC's page in a Thunderbird tab; `ciba` asks the e-CPS app. */
  z.object({
    kind: z.literal('pscLogin'),
    method: z.enum(['browser', 'ciba']),
    nationalId: z.optional(z.string()),
  }),
  z.object({ kind: z.literal('pscLogout') }),
  z.object({
    kind: z.literal('host'),
    type: z.string().check(z.refine((t) => Object.hasOwn(MESSAGES, t))),
    params: z.unknown(),
  }),
]);

export type PageMessage = z.infer<typeof pageMessage>;

/** Port name pages use to receive state pushes (`runtime.connect({name})`). */
export const STATE_PORT = 'host-state';
