import * as z from '../zod';

const endpoint = z.object({
  host: z.string().check(z.minLength(1), z.maxLength(253)),
  port: z.int().check(z.gte(1), z.lte(65535)),
});

/**
 * An MSSanté mailbox served by the bridge. `secret` is the loopback password Thunderbird uses
 * for this mailbox's IMAP and SMTP accounts: a local credential, never the PSC token.
 */
export const bridgedMailbox = z.object({
  address: z.string(),
  profile: z.enum(['PER', 'ORG', 'APP']),
  imapPort: z.int(),
  smtpPort: z.int(),
  secret: z.string(),
  upstream: z.object({ imap: endpoint, smtp: endpoint }),
  connections: z.int(),
});

export const mailboxList = {
  type: 'mailbox.list',
  params: z.object({}),
  result: z.object({ mailboxes: z.array(bridgedMailbox) }),
} as const;

export const mailboxAdd = {
  type: 'mailbox.add',
  params: z.object({
    address: z.string().check(z.regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/), z.maxLength(254)),
    profile: z.enum(['PER', 'ORG']),
    imap: endpoint,
    smtp: endpoint,
  }),
  result: bridgedMailbox,
} as const;

export const mailboxRemove = {
  type: 'mailbox.remove',
  params: z.object({ address: z.string() }),
  result: z.object({ removed: z.boolean() }),
} as const;
