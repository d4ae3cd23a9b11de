import { SaxesParser, type SaxesTagNS } from 'saxes';
import { MssanteError } from '../../errors/mssante-error';
import { Utf8StreamDecoder, decodeLatin1 } from '../bytes/utf8';

export type XmlTag = SaxesTagNS;

export interface XmlHandlers {
  opentag?: (tag: XmlTag) => void;
  closetag?: (tag: XmlTag) => void;
  text?: (text: string) => void;
}

/** Thrown by a handler to stop parsing on purpose (e.g. at the CDA body); never escapes a reader. */
export class StopParsing extends Error {
  constructor() {
    super('stop parsing');
    this.name = 'StopParsing';
  }
}

/**
 * Deepest element nesting accepted (the root is depth 1). saxes resolves each element's
 * namespace prefix by walking the open elements, so without a bound the work per element grows
 * with the depth and a deep document costs the square of its size; docs/security.md
 * ("Parsing hostile attachments (19.3)") explains the figure.
 */
export const MAX_XML_DEPTH = 256;

/**
 * Deepest nesting of the files of an IHE_XDM archive the add-on reads on every displayed message
 * (METADATA.XML, CDA headers): real ones nest fewer than 15 elements, and the cost of each
 * element grows with the depth (see MAX_XML_DEPTH).
 */
export const XDM_MAX_XML_DEPTH = 32;

/**
 * A deterministic count of the work a reader does (tokenizer events plus the reader's own
 * lookups), for tests that prove linear behaviour without a clock.
 */
export interface WorkMeter {
  steps: number;
}

export interface XmlOptions {
  /** MAX_XML_DEPTH by default. */
  readonly maxDepth?: number;
  readonly meter?: WorkMeter;
}

type Encoding = 'utf-8' | 'latin1';
const SNIFF_BYTES = 512;

/**
 * A streaming XML reader that refuses what makes XML dangerous or ambiguous: any DOCTYPE
 * (hence any entity declaration: undefined entities are errors, nothing is ever expanded),
 * encodings other than UTF-8/ISO-8859-1, and anything not well-formed (namespaces checked).
 * Bytes go in; decoded text is handed to saxes.
 */
export class SafeXmlStream {
  readonly parser: SaxesParser<{ xmlns: true }>;
  /** UTF-16 code units handed to saxes before the current `write` (to map `parser.position`). */
  fedBefore = 0;
  /** The text given to saxes by the current `write`. */
  currentText = '';
  private head: Uint8Array[] = [];
  private headLength = 0;
  private encoding: Encoding | undefined;
  private readonly utf8 = new Utf8StreamDecoder();
  private depth = 0;

  constructor(handlers: XmlHandlers, options: XmlOptions = {}) {
    this.parser = new SaxesParser({ xmlns: true });
    this.parser.on('doctype', () => {
      throw new MssanteError('E_XML_DOCTYPE');
    });
    this.parser.on('processinginstruction', () => undefined);
    const maxDepth = options.maxDepth ?? MAX_XML_DEPTH;
    const meter = options.meter ?? { steps: 0 };
    const { opentag, closetag, text } = handlers;
    this.parser.on('opentag', (tag) => {
      meter.steps += 1;
      this.depth += 1;
      if (this.depth > maxDepth)
        throw new MssanteError('E_XML_TOO_DEEP', { detail: `deeper than ${maxDepth}` });
      opentag?.(tag);
    });
    this.parser.on('closetag', (tag) => {
      meter.steps += 1;
      this.depth -= 1;
      closetag?.(tag);
    });
    this.parser.on('text', (t) => {
      meter.steps += 1;
      text?.(t);
    });
  }

  write(bytes: Uint8Array): void {
    if (this.encoding === undefined) {
      this.head.push(bytes);
      this.headLength += bytes.length;
      if (this.headLength < SNIFF_BYTES) return;
      this.flushHead();
      return;
    }
    this.feed(this.decode(bytes));
  }

  /** Decodes bytes with the document's encoding without parsing them (raw CDA body text). */
  decodeOnly(bytes: Uint8Array): string {
    if (this.encoding === undefined)
      throw new MssanteError('E_INTERNAL', { detail: 'encoding not known yet' });
    return this.decode(bytes);
  }

  /** Ends the document: saxes checks that every element was closed. */
  end(): void {
    if (this.encoding === undefined) this.flushHead();
    if (this.encoding === 'utf-8') this.feed(this.utf8.end());
    this.guard(() => this.parser.close());
  }

  private flushHead(): void {
    const joined = new Uint8Array(this.headLength);
    let at = 0;
    for (const piece of this.head) {
      joined.set(piece, at);
      at += piece.length;
    }
    this.head = [];
    let start = 0;
    if (joined[0] === 0xef && joined[1] === 0xbb && joined[2] === 0xbf) start = 3;
    else if (
      (joined[0] === 0xfe && joined[1] === 0xff) ||
      (joined[0] === 0xff && joined[1] === 0xfe)
    ) {
      throw new MssanteError('E_XML_ENCODING', { detail: 'UTF-16' });
    }
    this.encoding = sniffEncoding(joined.subarray(start));
    this.feed(this.decode(joined.subarray(start)));
  }

  private decode(bytes: Uint8Array): string {
    if (this.encoding === 'latin1') return decodeLatin1(bytes);
    const text = this.utf8.write(bytes);
    if (this.utf8.sawInvalid) throw new MssanteError('E_XML_ENCODING', { detail: 'invalid UTF-8' });
    return text;
  }

  private feed(text: string): void {
    if (text.length === 0) return;
    this.currentText = text;
    try {
      this.guard(() => this.parser.write(text));
    } finally {
      this.fedBefore += text.length;
    }
  }

  private guard(step: () => void): void {
    try {
      step();
    } catch (error) {
      if (error instanceof MssanteError || error instanceof StopParsing) throw error;
      throw new MssanteError('E_XML_MALFORMED', {
        detail: error instanceof Error ? error.message : String(error),
        cause: error,
      });
    }
  }
}

function sniffEncoding(bytes: Uint8Array): Encoding {
  if (bytes[0] !== 0x3c || bytes[1] !== 0x3f) return 'utf-8';
  let decl = '';
  for (let i = 0; i < Math.min(bytes.length, 200); i++) {
    decl += String.fromCharCode(bytes[i]!);
    if (decl.endsWith('?>')) break;
  }
  const match = /encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(decl);
  if (!match) return 'utf-8';
  const name = match[1]!.toLowerCase();
  if (name === 'utf-8' || name === 'utf8' || name === 'us-ascii' || name === 'ascii')
    return 'utf-8';
  if (name === 'iso-8859-1' || name === 'latin1' || name === 'iso_8859-1' || name === 'l1')
    return 'latin1';
  throw new MssanteError('E_XML_ENCODING', { detail: name });
}

/** Parses a whole XML document held in memory. */
export function parseXml(bytes: Uint8Array, handlers: XmlHandlers, options?: XmlOptions): void {
  const stream = new SafeXmlStream(handlers, options);
  stream.write(bytes);
  stream.end();
}

/** An attribute value by local name (attributes of CDA and ebRIM carry no prefix). */
export function attr(tag: XmlTag, name: string): string | undefined {
  const a = tag.attributes[name];
  return a === undefined ? undefined : a.value;
}
