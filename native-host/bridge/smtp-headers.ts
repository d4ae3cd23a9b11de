/**
 * Header canonicalization on SMTP DATA (docs/compose.md). Thunderbird sends custom headers in
 * Train-Case (`X-Mss-Codecda`) and cannot send `Return-Receipt-To` apart from the MDN request;
 * the bridge sees every message on DATA, so it fixes the top-level header block only:
 * - the MSSanté names get the Référentiel's spelling (X-MSS-CODECDA, X-MSS-INS, X-MSS-NIL,
 *   X-MSS-MES), their values untouched;
 * - the add-on's private instruction `X-Open-Mssante-Dsn: 1` becomes
 *   `Return-Receipt-To: <sender mailbox>` (ECO.2.3.1) and is removed;
 * - a message leaving without `X-MSS-NIL` (the read receipts Thunderbird generates itself, any
 *   message not composed through the add-on) gets `X-MSS-NIL: <product reference>` at the end
 *   of its header block (ECO.2.4.3 "dans tous les courriels envoyés"); one already there is kept.
 * Everything else — body bytes, other headers, their order and folding — passes unchanged.
 */

import { DEFAULT_NIL } from '../../shared/domain/mail/headers';

/** Referentiel spellings, keyed by the lower-case name. */
export const CANONICAL_NAMES: ReadonlyMap<string, string> = new Map(
  ['X-MSS-CODECDA', 'X-MSS-INS', 'X-MSS-NIL', 'X-MSS-MES'].map((n) => [n.toLowerCase(), n]),
);

/** The add-on's instruction to the bridge: request a delivery report (ECO.2.3.1). */
export const DSN_INSTRUCTION = 'X-Open-Mssante-Dsn';

/** A header block larger than this is relayed as it is (no message of ours has one). */
export const MAX_HEADER_BLOCK = 256 * 1024;

export interface HeaderRewriteOptions {
  /** The mailbox the bridge serves: the Return-Receipt-To address. */
  readonly sender: string;
  /** ECO.2.4.3 product reference added to a message without X-MSS-NIL (DEFAULT_NIL if absent). */
  readonly nil?: string;
}

/** The X-MSS-NIL field the bridge adds to a message leaving without one. */
const nilField = (options: HeaderRewriteOptions): string =>
  `X-MSS-NIL: ${options.nil ?? DEFAULT_NIL}`;

const CRLF = Buffer.from('\r\n', 'latin1');

/**
 * Rewrites one header block (the bytes before the empty line, each line ending in CRLF, not
 * dot-stuffed). Returns the same bytes when nothing applies.
 */
export function rewriteHeaderBlock(block: Buffer, options: HeaderRewriteOptions): Buffer {
  const text = block.toString('latin1');
  const lines = text.split('\r\n');
  // A block ends with CRLF, so the split leaves an empty last element.
  const trailing = lines.at(-1) === '' ? lines.pop() : undefined;
  const fields: string[][] = [];
  for (const line of lines) {
    if (/^[ \t]/.test(line) && fields.length > 0) fields.at(-1)!.push(line);
    else fields.push([line]);
  }
  let changed = false;
  let hasNil = false;
  let dsnRequested = false;
  let dsnIndex = -1;
  const out: string[][] = [];
  for (const field of fields) {
    const colon = field[0]!.indexOf(':');
    const name = colon > 0 ? field[0]!.slice(0, colon) : '';
    const lower = name.trim().toLowerCase();
    if (lower === DSN_INSTRUCTION.toLowerCase()) {
      changed = true;
      const value = [field[0]!.slice(colon + 1), ...field.slice(1)].join('').trim();
      if (value === '1') dsnRequested = true;
      if (dsnIndex < 0) dsnIndex = out.length;
      continue;
    }
    if (lower === 'x-mss-nil') hasNil = true;
    const canonical = CANONICAL_NAMES.get(lower);
    if (canonical && name !== canonical) {
      changed = true;
      out.push([canonical + field[0]!.slice(colon), ...field.slice(1)]);
      continue;
    }
    out.push(field);
  }
  if (!hasNil) {
    changed = true;
    out.push([nilField(options)]);
  }
  if (!changed) return block;
  if (dsnRequested) {
    // One Return-Receipt-To, ours (the mailbox the bridge authenticated), where the instruction was.
    const ours = [`Return-Receipt-To: <${options.sender}>`];
    out.splice(dsnIndex, 0, ours);
    for (let i = out.length - 1; i >= 0; i--)
      if (out[i] !== ours && /^return-receipt-to\s*:/i.test(out[i]![0]!)) out.splice(i, 1);
  }
  const joined = out.map((f) => f.join('\r\n')).join('\r\n');
  return Buffer.from(joined + (trailing !== undefined ? '\r\n' : ''), 'latin1');
}

/**
 * The most a header block can grow through rewriteHeaderBlock for this sender: renaming keeps
 * the length, the DSN instruction is removed, and at most two lines are added, our
 * `Return-Receipt-To: <sender>` and `X-MSS-NIL: <reference>` (neither starts with a dot, so
 * stuffing adds nothing). The
 * bridge adds it to the SIZE a client declares on MAIL FROM, and takes it off the SIZE limit it
 * announces (docs/bridge.md, "Message size").
 */
export function headerGrowthBound(options: HeaderRewriteOptions): number {
  return Buffer.byteLength(
    `Return-Receipt-To: <${options.sender}>\r\n${nilField(options)}\r\n`,
    'latin1',
  );
}

/**
 * `MAIL FROM:<…> SIZE=n …` with n raised by `growth`; any other command line as it is. The
 * line is given with its line ending.
 */
export function raiseDeclaredSize(line: string, growth: number): string {
  if (!/^MAIL\s+FROM:/i.test(line)) return line;
  return line.replace(
    /(\sSIZE=)(\d{1,15})(?=[ \t]|\r?\n|$)/i,
    (_, key: string, n: string) => `${key}${Number(n) + growth}`,
  );
}

/** Removes SMTP dot-stuffing from one line (RFC 5321 §4.5.2). */
function unstuff(line: string): string {
  return line.startsWith('.') ? line.slice(1) : line;
}

/** Adds SMTP dot-stuffing to one line. */
function stuff(line: string): string {
  return line.startsWith('.') ? `.${line}` : line;
}

type Mode =
  | { kind: 'command'; line: string; passthrough?: boolean }
  | { kind: 'awaiting-data'; held: Buffer[] }
  | { kind: 'headers'; collected: Buffer[]; size: number }
  | { kind: 'body'; tail: string }
  | { kind: 'bdat'; remaining: number; last: boolean };

/**
 * Follows what Thunderbird sends the operator and rewrites the header block of each DATA
 * message; everything else is forwarded byte for byte but for the SIZE parameter of MAIL FROM,
 * raised by headerGrowthBound (so the declared size is never below what is really sent). Each
 * command line passes once complete (a line over 4 KiB passes as it comes); after
 * `DATA` the bytes are held until the operator's reply (`354`: a message follows; any other
 * reply: more commands). BDAT chunks (CHUNKING is not offered to Thunderbird, so they should not
 * come) pass through untouched.
 */
export class SmtpDataRewriter {
  private mode: Mode = { kind: 'command', line: '' };
  private readonly growth: number;

  constructor(
    private readonly options: HeaderRewriteOptions,
    private readonly emit: (chunk: Buffer) => void,
  ) {
    this.growth = headerGrowthBound(options);
  }

  /** Bytes from Thunderbird. */
  push(chunk: Buffer): void {
    let rest = chunk;
    while (rest.length > 0) rest = this.step(rest);
  }

  /** The operator's reply to DATA. */
  dataReply(code: number): void {
    if (this.mode.kind !== 'awaiting-data') return;
    const held = Buffer.concat(this.mode.held);
    this.mode =
      code === 354 ? { kind: 'headers', collected: [], size: 0 } : { kind: 'command', line: '' };
    if (held.length) this.push(held);
  }

  private step(chunk: Buffer): Buffer {
    const mode = this.mode;
    switch (mode.kind) {
      case 'command': {
        const end = chunk.indexOf('\n');
        if (end < 0) {
          if (mode.passthrough) this.emit(chunk);
          else {
            mode.line += chunk.toString('latin1');
            if (mode.line.length > 4096) {
              // Not a command we rewrite: relay it as it comes.
              this.emit(Buffer.from(mode.line, 'latin1'));
              mode.line = '';
              mode.passthrough = true;
            }
          }
          return Buffer.alloc(0);
        }
        const head = chunk.subarray(0, end + 1);
        if (mode.passthrough) {
          this.emit(head);
          this.mode = { kind: 'command', line: '' };
          return chunk.subarray(end + 1);
        }
        const full = mode.line + head.toString('latin1');
        this.emit(Buffer.from(raiseDeclaredSize(full, this.growth), 'latin1'));
        const line = full.replace(/\r?\n$/, '');
        mode.line = '';
        const verb = (line.split(' ')[0] ?? '').toUpperCase();
        if (verb === 'DATA' && line.trim().length === 4)
          this.mode = { kind: 'awaiting-data', held: [] };
        else if (verb === 'BDAT') {
          const m = /^BDAT\s+(\d+)(\s+LAST)?\s*$/i.exec(line);
          if (m) this.mode = { kind: 'bdat', remaining: Number(m[1]), last: !!m[2] };
        }
        return chunk.subarray(end + 1);
      }
      case 'awaiting-data':
        mode.held.push(chunk);
        return Buffer.alloc(0);
      case 'bdat': {
        const take = Math.min(mode.remaining, chunk.length);
        if (take > 0) this.emit(chunk.subarray(0, take));
        mode.remaining -= take;
        if (mode.remaining === 0) this.mode = { kind: 'command', line: '' };
        return chunk.subarray(take);
      }
      case 'headers':
        return this.headers(mode, chunk);
      case 'body':
        return this.body(mode, chunk);
    }
  }

  private headers(mode: Extract<Mode, { kind: 'headers' }>, chunk: Buffer): Buffer {
    mode.collected.push(chunk);
    mode.size += chunk.length;
    const all = Buffer.concat(mode.collected);
    mode.collected = [all];
    // The block ends at the first empty line, or at the end of data for a body-less message.
    let end = -1;
    if (all.subarray(0, 2).equals(CRLF) || all.subarray(0, 3).toString('latin1') === '.\r\n') {
      end = 0;
    } else {
      const blank = all.indexOf('\r\n\r\n');
      const dot = all.indexOf('\r\n.\r\n');
      if (blank >= 0 && (dot < 0 || blank <= dot)) end = blank + 2;
      else if (dot >= 0) end = dot + 2;
    }
    if (end < 0) {
      if (mode.size > MAX_HEADER_BLOCK) {
        // Too large to be ours: relay as it is, keep watching for the end of data.
        this.mode = { kind: 'body', tail: '' };
        return all;
      }
      return Buffer.alloc(0);
    }
    const stuffed = all.subarray(0, end).toString('latin1');
    const lines = stuffed.length ? stuffed.slice(0, -2).split('\r\n').map(unstuff) : [];
    const block = Buffer.from(lines.length ? lines.join('\r\n') + '\r\n' : '', 'latin1');
    const rewritten = rewriteHeaderBlock(block, this.options);
    if (rewritten === block) this.emit(all.subarray(0, end));
    else {
      const text = rewritten.toString('latin1');
      const out = text.length
        ? text.slice(0, -2).split('\r\n').map(stuff).join('\r\n') + '\r\n'
        : '';
      this.emit(Buffer.from(out, 'latin1'));
    }
    // The rest (from the empty line, or the final dot) is body: the end-of-data scan starts at
    // a line start.
    this.mode = { kind: 'body', tail: '\r\n' };
    return all.subarray(end);
  }

  private body(mode: Extract<Mode, { kind: 'body' }>, chunk: Buffer): Buffer {
    // Looks for CRLF.CRLF across chunk boundaries, keeping the last 4 bytes seen.
    const probe = mode.tail + chunk.toString('latin1', 0, Math.min(chunk.length, 1 << 20));
    const at = probe.indexOf('\r\n.\r\n');
    if (at >= 0) {
      const endInChunk = at + 5 - mode.tail.length;
      this.emit(chunk.subarray(0, endInChunk));
      this.mode = { kind: 'command', line: '' };
      return chunk.subarray(endInChunk);
    }
    if (chunk.length > 1 << 20) {
      // Scan large chunks piecewise so the probe string stays bounded.
      const piece = chunk.subarray(0, 1 << 20);
      this.emit(piece);
      mode.tail = (mode.tail + piece.toString('latin1', piece.length - 4)).slice(-4);
      return chunk.subarray(1 << 20);
    }
    this.emit(chunk);
    mode.tail = probe.slice(-4);
    return Buffer.alloc(0);
  }
}
