/** Longest line kept; a real extraction row is well under 1 KiB. */
export const MAX_LINE_LENGTH = 64 * 1024;

/**
 * Cuts decoded text chunks into lines (LF or CRLF; a lone CR ends a line too), so a file of
 * 400 000 rows is never held as one string. A leading byte-order mark is dropped. A line longer
 * than `maxLineLength` (a binary or hostile file) is dropped and counted in `overlongLines`, so
 * memory stays bounded whatever the input.
 */
export class LineSplitter {
  /** Lines dropped because they exceeded the maximum length. */
  overlongLines = 0;
  private rest = '';
  private first = true;
  private pendingCr = false;
  private skipping = false;

  constructor(private readonly maxLineLength = MAX_LINE_LENGTH) {}

  /** The complete lines of `chunk`; a line cut at the chunk's end waits for the next call. */
  push(chunk: string): string[] {
    let text = chunk;
    if (this.first && text.length > 0) {
      this.first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    // A CRLF may be cut between two chunks: that LF ends nothing new.
    if (this.pendingCr && text.length > 0) {
      if (text.charCodeAt(0) === 10) text = text.slice(1);
      this.pendingCr = false;
    }
    const lines: string[] = [];
    let start = 0;
    const n = text.length;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      if (this.skipping) {
        this.skipping = false;
        this.overlongLines++;
      } else {
        const line = this.rest.length > 0 ? this.rest + text.slice(start, i) : text.slice(start, i);
        this.rest = '';
        if (line.length > this.maxLineLength) this.overlongLines++;
        else lines.push(line);
      }
      if (c === 13) {
        if (i + 1 < n) {
          if (text.charCodeAt(i + 1) === 10) i++;
        } else this.pendingCr = true;
      }
      start = i + 1;
    }
    if (!this.skipping && start < n) {
      this.rest += text.slice(start);
      if (this.rest.length > this.maxLineLength) {
        this.rest = '';
        this.skipping = true;
      }
    }
    return lines;
  }

  /** The last line when the text does not end with a line break. */
  end(): string[] {
    const last = this.rest;
    this.rest = '';
    if (this.skipping) {
      this.skipping = false;
      this.overlongLines++;
      return [];
    }
    return last.length > 0 ? [last] : [];
  }
}
