import { createHmac } from 'node:crypto';

/**
 * What the journal may say about requests: the command and its structural arguments, never
 * credentials, message content or health data (ECO.4.1.2, slides 004).
 *
 * Patient addresses (`<INS>@patient.mssante.fr`) carry an INS, which is health data: they are
 * recorded as `ins-<12 hex>@patient.mssante.fr`, an HMAC-SHA256 of the INS under a key of this
 * installation (kept beside the journal, mode 0600). Someone holding the key and an INS can
 * check whether a message went to that patient; the journal alone reveals nothing.
 */
export class Redactor {
  constructor(private readonly key: Uint8Array) {}

  address(address: string): string {
    const match = /^([^@]+)@(patient\.mssante\.fr)$/i.exec(address.trim());
    if (!match) return address.trim();
    const digest = createHmac('sha256', this.key)
      .update(match[1]!.toUpperCase())
      .digest('hex')
      .slice(0, 12);
    return `ins-${digest}@${match[2]!.toLowerCase()}`;
  }

  /** Any text: every patient address in it replaced. */
  text(value: string): string {
    return value.replace(/[0-9A-Za-z]{13,15}@patient\.mssante\.fr/gi, (a) => this.address(a));
  }

  /** An IMAP command line from the client, without its tag. */
  imap(line: string): string {
    const args = line.trim().split(/\s+/);
    let verb = (args.shift() ?? '').toUpperCase();
    let prefix = '';
    if (verb === 'UID') {
      prefix = 'UID ';
      verb = (args.shift() ?? '').toUpperCase();
    }
    switch (verb) {
      case 'LOGIN':
        return `LOGIN ${args[0] ?? ''} [redacted]`;
      case 'AUTHENTICATE':
        return `AUTHENTICATE ${(args[0] ?? '').toUpperCase()} [redacted]`;
      case 'SEARCH':
      case 'SORT':
      case 'THREAD':
        return `${prefix}${verb} [criteria redacted]`;
      case 'APPEND':
        return `APPEND ${args[0] ?? ''} [message redacted]`;
      default:
        // FETCH/STORE/COPY/MOVE/SELECT…: sequence sets, mailbox names, flags and item names only;
        // a literal announced at the end ({n}) would be content and is not part of what we log.
        return this.text(
          `${prefix}${verb} ${args.join(' ')}`.replace(/\{\d+\+?\}$/, '[literal]'),
        ).trim();
    }
  }

  /** An SMTP command from the client. */
  smtp(line: string): string {
    const upper = line.trim().toUpperCase();
    if (upper.startsWith('AUTH ')) return `AUTH ${upper.split(/\s+/)[1] ?? ''} [redacted]`;
    if (upper.startsWith('MAIL FROM:') || upper.startsWith('RCPT TO:'))
      return this.text(line.trim());
    return line.trim().split(/\s+/)[0]!.toUpperCase();
  }
}
