import * as z from './zod';

/**
 * Protocol between the extension and the native host. Bump PROTOCOL_VERSION on any
 * incompatible change; the host refuses other versions with E_PROTOCOL_VERSION.
 */
export const PROTOCOL_VERSION = 1;

/** Oldest protocol version this code still speaks. */
export const PROTOCOL_MIN_VERSION = 1;

/** Requests carry an id chosen by the sender; replies echo it. */
export const requestId = z.string().check(z.minLength(1), z.maxLength(64));

export const requestEnvelope = z.object({
  v: z.int(),
  id: requestId,
  type: z.string().check(z.minLength(1), z.maxLength(64)),
});

export const wireError = z.object({
  code: z.string(),
  message: z.string(),
});

export const responseEnvelope = z.discriminatedUnion('ok', [
  z.object({
    v: z.literal(PROTOCOL_VERSION),
    id: z.nullable(requestId),
    type: z.string(),
    ok: z.literal(true),
    result: z.unknown(),
  }),
  z.object({
    v: z.literal(PROTOCOL_VERSION),
    id: z.nullable(requestId),
    type: z.nullable(z.string()),
    ok: z.literal(false),
    error: wireError,
  }),
]);

/**
 * Pushed by the host without a request: `psc` (session facts changed), `notice` (something the
 * user must be told: a sign-in failed, the session ended and connections were closed…),
 * `annuaire-progress` (an offline Annuaire import's progress and end).
 */
export const eventEnvelope = z.object({
  v: z.literal(PROTOCOL_VERSION),
  event: z.enum(['psc', 'notice', 'annuaire-progress']),
  data: z.unknown(),
});
