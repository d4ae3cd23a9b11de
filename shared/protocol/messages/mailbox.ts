import * as z from '../zod';

const endpoint = z.object({
  host: z.string().check(z.minLength(1), z.maxLength(253)),
  port: z.int().check(z.gte(1), z.lte(65535)),
});

/**
 * ECO.2.2.7: the From display name chosen at setup (PER from the PSC identity, ORG/APP the
 * functional entity). It ends up in a From header: one line, no control characters.
 */
export const displayName = z
  .string()
  .check(z.minLength(1), z.maxLength(200), z.regex(/^(?=.*\S)[^\u0000-\u001f\u007f]+$/));

/**
 * An MSSanté mailbox served by the bridge. `secret` is the loopback password Thunderbird uses
 * for this mailbox's IMAP and SMTP accounts: a local credential, never the PSC token, new at each
 * host start. `tlsCertificate` (DER, base64) is the bridge's loopback TLS certificate of this
 * host start, which Thunderbird pins for 127.0.0.1 and the two ports. Both are absent while the
 * bridge is not bound (its ports taken: `lastError` E_BRIDGE_PORT_TAKEN).
 */
export const bridgedMailbox = z.object({
  address: z.string(),
  profile: z.enum(['PER', 'ORG', 'APP']),
  imapPort: z.int(),
  smtpPort: z.int(),
  secret: z.optional(z.string()),
  tlsCertificate: z.optional(z.string()),
  upstream: z.object({ imap: endpoint, smtp: endpoint }),
  connections: z.int(),
  /** The name given at setup, so an account created again is named the same (ECO.2.2.7). */
  displayName: z.optional(displayName),
  /** APP: what the host holds (never the key, the PKCS#12 or its password). */
  certificate: z.optional(
    z.object({ subject: z.string(), organisationId: z.string(), notAfter: z.string() }),
  ),
  /** PER/ORG log in with the PSC session; APP with its certificate (ECO.3.2.3). */
  dependsOnPsc: z.boolean(),
  /**
   * ECO.1.2.3: the last upstream failure of this mailbox's bridge (cleared by its next successful
   * login), so the user sees which mailbox has a problem, in words.
   */
  lastError: z.optional(z.object({ code: z.string(), message: z.string(), at: z.number() })),
});

const address = z.string().check(z.regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/), z.maxLength(254));

export const mailboxList = {
  type: 'mailbox.list',
  params: z.object({}),
  result: z.object({ mailboxes: z.array(bridgedMailbox) }),
} as const;

export const mailboxAdd = {
  type: 'mailbox.add',
  params: z.discriminatedUnion('profile', [
    z.object({
      address,
      profile: z.enum(['PER', 'ORG']),
      imap: endpoint,
      smtp: endpoint,
      displayName: z.optional(displayName),
    }),
    /**
     * APP (ECO.1.3.1): the ORG AUTH_CLI certificate as a PKCS#12 (base64) with its password. The
     * host checks and keeps it encrypted; it never comes back. `password` only when the operator
     * gave the APP mailbox one (seed 001 names none: the login is the address).
     */
    z.object({
      address,
      profile: z.literal('APP'),
      imap: endpoint,
      smtp: endpoint,
      displayName: z.optional(displayName),
      pkcs12: z
        .string()
        .check(z.minLength(1), z.maxLength(64 * 1024), z.regex(/^[A-Za-z0-9+/=\s]+$/)),
      pkcs12Password: z.string().check(z.maxLength(1024)),
      password: z.optional(z.string().check(z.minLength(1), z.maxLength(1024))),
    }),
  ]),
  result: bridgedMailbox,
} as const;

export const mailboxRemove = {
  type: 'mailbox.remove',
  params: z.object({ address: z.string() }),
  result: z.object({ removed: z.boolean() }),
} as const;

const testStep = z.object({
  ok: z.boolean(),
  /** The refusal, coded, with its sentence (when not ok). */
  error: z.optional(z.object({ code: z.string(), message: z.string() })),
});

/**
 * ECO.1.1.9 "then test the connection": the host opens the mailbox's upstream IMAP and SMTP the
 * way its bridge does (STARTTLS under the trust policy, XOAUTH2 with the PSC token or the APP
 * certificate + PLAIN), logs in, and logs out. Nothing is relayed, nothing is kept.
 */
export const mailboxTest = {
  type: 'mailbox.test',
  params: z.object({ address: z.string() }),
  result: z.object({ address: z.string(), imap: testStep, smtp: testStep }),
} as const;
