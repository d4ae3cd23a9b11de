import { latin1Line, userSentence } from './wire-text';

/** A reply over this size is not one we rewrite: it passes as it is. */
const MAX_REPLY = 64 * 1024;

/**
 * Follows the operator's SMTP replies to Thunderbird once the session is relayed, whole replies
 * at a time (multi-line ones included), and replaces a "message too big" refusal — `552` with
 * the enhanced status 5.2.3 or 5.3.4 (RFC 3463 "message length exceeds administrative limit",
 * Dovecot's; "message too big for system"), at MAIL FROM for a declared SIZE or after DATA for
 * the bytes really sent — by the add-on's coded sentence
 * (E_SMTP_MESSAGE_TOO_LARGE) with the limit Thunderbird sees, so the user reads why and what to
 * do. Every other reply passes byte for byte.
 */
export class SmtpReplyRewriter {
  private pending: Buffer[] = [];
  private pendingSize = 0;
  private partial = '';

  constructor(
    private readonly emit: (chunk: Buffer) => void,
    /** The SIZE limit announced to Thunderbird (0: none known). */
    private readonly limit: () => number,
  ) {}

  push(chunk: Buffer): void {
    let text = this.partial + chunk.toString('latin1');
    this.partial = '';
    let end: number;
    while ((end = text.indexOf('\n')) >= 0) {
      const line = text.slice(0, end + 1);
      text = text.slice(end + 1);
      this.line(line);
    }
    if (text.length > MAX_REPLY) this.flush(text);
    else this.partial = text;
  }

  private line(line: string): void {
    const bytes = Buffer.from(line, 'latin1');
    this.pending.push(bytes);
    this.pendingSize += bytes.length;
    // A final line is "ddd " or "ddd" alone; a continuation is "ddd-".
    if (/^\d{3}(?:[ \r\n]|$)/.test(line)) {
      const reply = Buffer.concat(this.pending).toString('latin1');
      this.pending = [];
      this.pendingSize = 0;
      const status = /^552[ -](5\.(?:2\.3|3\.4))\b/m.exec(reply)?.[1];
      if (status && /^552(?:[ \r\n]|$)/.test(line)) {
        const limit = this.limit();
        const shown = limit > 0 ? ` (max. ${limit} octets)` : '';
        this.emit(latin1Line(`552 ${status} ${userSentence('E_SMTP_MESSAGE_TOO_LARGE')}${shown}`));
      } else this.emit(Buffer.from(reply, 'latin1'));
    } else if (this.pendingSize > MAX_REPLY) this.flush('');
  }

  private flush(rest: string): void {
    const out = Buffer.concat([...this.pending, Buffer.from(rest, 'latin1')]);
    this.pending = [];
    this.pendingSize = 0;
    if (out.length) this.emit(out);
  }
}
