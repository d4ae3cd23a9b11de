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

/**
 * ECO.1.1.9: the host downloads `https://autoconfig.<domain>/mail/config-v1.1.xml` for an address
 * under the IGC Santé trust rules and says what it found (what the setup page shows). Refusals
 * come back as coded errors (E_TRUST_*, E_TLS_*, E_AUTOCONFIG_*).
 */
export const autoconfigLookup = {
  type: 'autoconfig.lookup',
  params: z.object({
    address: z.string().check(z.regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/), z.maxLength(254)),
  }),
  result: z.object({
    address: z.string(),
    domain: z.string(),
    url: z.string(),
    providerId: z.optional(z.string()),
    imap: discoveredServer,
    smtp: discoveredServer,
    /** The autoconfig server as verified: certificate (subject, issuer, SHA-256) and TLS session. */
    server: z.object({ certificate: z.string(), protocol: z.string(), cipher: z.string() }),
  }),
} as const;
