import { isNationalId } from '../../domain/identity/national-id';
import * as z from '../zod';

/** What the extension may know of the PSC session: identity and times, never a token (ECO.1.2.5). */
export const pscFacts = z.object({
  configured: z.boolean(),
  /**
   * Why the host has no usable PSC configuration when one is there but refused (e.g.
   * E_CONFIG_READABLE, E_CONFIG_INVALID): the popup says it instead of "not configured".
   */
  configError: z.optional(
    z.object({ code: z.string(), message: z.string(), detail: z.optional(z.string()) }),
  ),
  /** `bas`, `production`, `custom`, `lps-server` (an intermediate LPS server), or `none`. */
  preset: z.string(),
  state: z.enum(['signed-out', 'signing-in', 'signed-in', 'ended']),
  identity: z.optional(
    z.object({
      nationalId: z.string(),
      givenName: z.string(),
      familyName: z.string(),
      civility: z.optional(z.string()),
    }),
  ),
  since: z.optional(z.number()),
  accessExpiresAt: z.optional(z.number()),
  idleExpiresAt: z.optional(z.number()),
  absoluteExpiresAt: z.optional(z.number()),
  ended: z.optional(z.object({ code: z.string(), at: z.number() })),
});

export const pscStatus = {
  type: 'psc.status',
  params: z.object({}),
  result: pscFacts,
} as const;

/**
 * Starts a sign-in. `browser`: the extension opens `url` in a Thunderbird tab (authorization
 * code + PKCE, loopback redirect to the host). `ciba`: the user approves on the e-CPS app,
 * recognizing `bindingMessage`. Completion arrives as a `psc` event.
 */
export const pscLogin = {
  type: 'psc.login',
  params: z.discriminatedUnion('method', [
    z.object({ method: z.literal('browser') }),
    z.object({
      method: z.literal('ciba'),
      /** As PSC knows it (shared/domain/identity/national-id.ts): the CIBA `login_hint`. */
      nationalId: z.string().check(z.refine(isNationalId, 'not a PSC national id')),
    }),
  ]),
  result: z.object({
    url: z.optional(z.string()),
    bindingMessage: z.optional(z.string()),
    expiresIn: z.optional(z.number()),
  }),
} as const;

export const pscLogout = {
  type: 'psc.logout',
  params: z.object({}),
  result: pscFacts,
} as const;
