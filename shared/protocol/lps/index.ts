import * as z from '../zod';

/**
 * The protocol between a workstation's host and the intermediate LPS server (docs/lps-server.md),
 * over HTTPS. It follows the token-mediating backend pattern (draft-bertocci-oauth2-tmi-bff, the
 * "token-mediating backend" of RFC 10017 / draft-ietf-oauth-browser-based-apps): the server is
 * PSC's confidential client and keeps the refresh token; the host gets the access token of its
 * own session and nothing else. Every body carries `v`; every answer too, or an error
 * `{ v, error: { code, message } }` with the HTTP status.
 *
 *   POST   /v1/sessions                    open a session bound to the host's secret
 *   GET    /v1/sessions/{id}               the session's facts (no token)
 *   POST   /v1/sessions/{id}/login         start a sign-in (browser page or CIBA)
 *   GET    /v1/sessions/{id}/token         the current access token (TMI-BFF's bff-token)
 *   POST   /v1/sessions/{id}/refresh       a new access token now (the operator refused the last)
 *   POST   /v1/sessions/{id}/activity      the user works (PSC's idle limit follows activity)
 *   GET    /v1/sessions/{id}/events        server-sent events: facts, token, ended
 *   DELETE /v1/sessions/{id}               sign out (revocation at PSC), session closed
 *   GET    /v1/psc/callback                PSC's redirect (the server's registered redirect URI)
 *
 * Every `/v1/sessions/{id}…` request carries `Authorization: MSS-Session <id>.<secret>`: the
 * secret is made by the host, held in its memory only, and the server keeps only its SHA-256; a
 * session id alone opens nothing.
 */
export const LPS_API_VERSION = 1;

/** 32 random bytes, base64url (43 characters). */
export const sessionSecret = z.string().check(z.regex(/^[A-Za-z0-9_-]{43}$/));
export const sessionId = z.string().check(z.regex(/^[A-Za-z0-9_-]{22}$/));

const v = z.literal(LPS_API_VERSION);

export const openSessionRequest = z.strictObject({ v, secret: sessionSecret });
export const openSessionReply = z.strictObject({ v, sessionId });

export const loginRequest = z.discriminatedUnion('method', [
  z.strictObject({ v, method: z.literal('browser') }),
  z.strictObject({
    v,
    method: z.literal('ciba'),
    nationalId: z.string().check(z.minLength(1), z.maxLength(64)),
    bindingMessage: z.string().check(z.regex(/^[A-Za-z0-9 -]{1,32}$/)),
  }),
]);
export const loginReply = z.strictObject({
  v,
  url: z.optional(z.string()),
  expiresIn: z.optional(z.number()),
});

export const identity = z.strictObject({
  subject: z.string(),
  nationalId: z.string(),
  givenName: z.string(),
  familyName: z.string(),
  civility: z.optional(z.string()),
  acr: z.optional(z.string()),
});

/** What the host may know of its session: identity and times, never a token. */
export const sessionFacts = z.strictObject({
  state: z.enum(['signed-out', 'signing-in', 'signed-in', 'ended']),
  identity: z.optional(identity),
  since: z.optional(z.number()),
  accessExpiresAt: z.optional(z.number()),
  idleExpiresAt: z.optional(z.number()),
  absoluteExpiresAt: z.optional(z.number()),
  ended: z.optional(z.strictObject({ code: z.string(), at: z.number() })),
});
export const factsReply = z.strictObject({ v, facts: sessionFacts });

export const tokenReply = z.strictObject({
  v,
  accessToken: z.string().check(z.minLength(1), z.maxLength(16_384)),
  expiresAt: z.number(),
});

export const okReply = z.strictObject({ v });

export const errorReply = z.strictObject({
  v,
  error: z.strictObject({ code: z.string(), message: z.string() }),
});

/** One server-sent event (`event:` name, `data:` this JSON). */
export const lpsEvent = z.discriminatedUnion('type', [
  z.strictObject({ v, type: z.literal('facts'), facts: sessionFacts }),
  z.strictObject({
    v,
    type: z.literal('token'),
    accessToken: z.string().check(z.minLength(1), z.maxLength(16_384)),
    expiresAt: z.number(),
    /** When the server pushed it (epoch ms): what bench/lps-server.ts measures the push with. */
    sentAt: z.optional(z.number()),
  }),
  z.strictObject({ v, type: z.literal('ended'), code: z.string() }),
]);

export type LoginRequest = z.infer<typeof loginRequest>;
export type SessionFacts = z.infer<typeof sessionFacts>;
export type LpsEvent = z.infer<typeof lpsEvent>;

/** Largest request body the server reads (a login request is under 200 bytes). */
export const MAX_REQUEST_BYTES = 4096;
