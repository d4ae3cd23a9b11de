import * as z from '../zod';

const discoveredServer = z.object({
  host: z.string().check(z.minLength(1), z.maxLength(253)),
  port: z.int().check(z.gte(1), z.lte(65535)),
  /** Only STARTTLS is accepted from an MSSanté autoconfig file (ECO.1.0.1, ECO.1.0.2). */
  socketType: z.literal('STARTTLS'),
  /** The username template expanded for the address. */
  username: z.string(),
  /** As written in the file (`OAuth2`, `TLS-client-cert`, `password-cleartext`…). */
  authentication: z.array(z.string()),
});

const fronts = z.object({ imap: discoveredServer, smtp: discoveredServer });
/** No server of the file fits this type: the code (E_AUTOCONFIG_*) and what the file offers. */
const noFront = z.object({ code: z.string(), detail: z.string() });
const typeChoice = z.union([fronts, noFront]);

/**
 * ECO.1.1.9: the host downloads `https://autoconfig.<domain>/mail/config-v1.1.xml` for an address
 * under the autoconfig trust rules (IGC Santé or the web PKI, docs/trust.md) and says what it found
 * (what the setup page shows). `imap`/`smtp` are the servers chosen for `type` (without it: PER,
 * else APP); `byType` the choice for each mailbox type, or why none fits. Refusals come back as
 * coded errors (E_TRUST_*, E_TLS_*, E_AUTOCONFIG_*).
 */
export const autoconfigLookup = {
  type: 'autoconfig.lookup',
  params: z.object({
    address: z.string().check(z.regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/), z.maxLength(254)),
    type: z.optional(z.enum(['PER', 'ORG', 'APP'])),
  }),
  result: z.object({
    address: z.string(),
    domain: z.string(),
    url: z.string(),
    providerId: z.optional(z.string()),
    imap: discoveredServer,
    smtp: discoveredServer,
    /** The type `imap` and `smtp` were chosen for. */
    type: z.optional(z.enum(['PER', 'ORG', 'APP'])),
    byType: z.optional(z.object({ PER: typeChoice, ORG: typeChoice, APP: typeChoice })),
    /**
     * The autoconfig server as verified: certificate (subject, issuer, SHA-256), the PKI that
     * vouched for it (`igc-sante` or `web`) and the TLS session.
     */
    server: z.object({
      certificate: z.string(),
      issuer: z.optional(z.string()),
      pki: z.optional(z.enum(['igc-sante', 'web'])),
      protocol: z.string(),
      cipher: z.string(),
    }),
  }),
} as const;
