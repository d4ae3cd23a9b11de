/**
 * Finds IMAP lines in a byte stream without copying it: CRLF-terminated lines, skipping the
 * bytes of literals (`{n}` / `{n+}` at the end of a line announce n bytes of raw data). Used on
 * both directions of the relay to see commands and tagged responses (for the audit journal and
 * for idle tracking) while the bytes themselves are forwarded untouched.
 */
export class ImapScanner {
  private literalLeft = 0;
  private partial: Buffer[] = [];
  private partialLength = 0;

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly maxLine = 64 * 1024,
  ) {}

  push(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.literalLeft > 0) {
        const skip = Math.min(this.literalLeft, chunk.length - offset);
        this.literalLeft -= skip;
        offset += skip;
        continue;
      }
      const end = chunk.indexOf(0x0a, offset);
      if (end < 0) {
        this.keep(chunk.subarray(offset));
        return;
      }
      let line: string;
      if (this.partialLength > 0) {
        this.keep(chunk.subarray(offset, end + 1));
        line = Buffer.concat(this.partial).toString('latin1');
        this.partial = [];
        this.partialLength = 0;
      } else {
        line = chunk.toString('latin1', offset, end + 1);
      }
      offset = end + 1;
      line = line.replace(/\r?\n$/, '');
      const literal = /\{(\d+)\+?\}$/.exec(line);
      if (literal) this.literalLeft = Number(literal[1]);
      this.onLine(line);
    }
  }

  private keep(part: Buffer): void {
    // A line longer than maxLine is still skipped to its end; only its head is kept.
    if (this.partialLength < this.maxLine) {
      this.partial.push(Buffer.from(part.subarray(0, this.maxLine - this.partialLength)));
      this.partialLength += Math.min(part.length, this.maxLine - this.partialLength);
    }
  }
}
