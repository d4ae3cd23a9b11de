import { decodeUtf8 } from '../bytes/utf8';

/**
 * What a PDF attachment says about itself, for telling whether it is the copy of a CDA document
 * (ECO.2.1.1, ECO.2.1.5; docs/compose.md "PDF copies"): whether it is a PDF at all, its XMP
 * `pdfaid:part` (1 for PDF/A-1) and the XMP `dc:identifier` values (the PDF/A copies the add-on
 * generates carry their CDA document's `ClinicalDocument/id` there). The bytes are only scanned
 * for the XMP packet — never parsed as PDF objects, never rendered.
 */
export interface PdfCopyFacts {
  /** Starts with `%PDF-`. */
  readonly isPdf: boolean;
  /** XMP `pdfaid:part` of the document's metadata packet. */
  readonly pdfaPart?: number;
  /** XMP `dc:identifier` values. */
  readonly identifiers: readonly string[];
}

/** Largest XMP packet read; a bigger one is ignored (real ones are a few KiB). */
export const MAX_XMP_BYTES = 1024 * 1024;
/** At most this many packets are looked at (images may carry their own). */
const MAX_PACKETS = 32;

const OPEN = ascii('<x:xmpmeta');
const CLOSE = ascii('</x:xmpmeta>');

function ascii(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

/**
 * The first index of `needle` in `bytes` at or after `from`, or -1: Boyer-Moore-Horspool, so a
 * hostile file made of the needle's first byte is crossed in steps of the needle's length.
 */
function indexOfBytes(bytes: Uint8Array, needle: Uint8Array, from = 0): number {
  const m = needle.length;
  const shift = new Array<number>(256).fill(m);
  for (let k = 0; k < m - 1; k++) shift[needle[k]!] = m - 1 - k;
  for (let i = from; i <= bytes.length - m; i += shift[bytes[i + m - 1]!]!) {
    let j = m - 1;
    while (j >= 0 && bytes[i + j] === needle[j]) j--;
    if (j < 0) return i;
  }
  return -1;
}

const unescapeXml = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');

/** `pdfaid:part` and `dc:identifier` of one packet, element or attribute form. */
function readPacket(xmp: string): { part?: number; identifiers: string[] } {
  const part =
    /<pdfaid:part>\s*(\d{1,3})\s*<\/pdfaid:part>/.exec(xmp)?.[1] ??
    /\bpdfaid:part\s*=\s*["'](\d{1,3})["']/.exec(xmp)?.[1];
  const identifiers: string[] = [];
  for (const m of xmp.matchAll(/<dc:identifier>([^<]{1,512})<\/dc:identifier>/g))
    identifiers.push(unescapeXml(m[1]!.trim()));
  for (const m of xmp.matchAll(/\bdc:identifier\s*=\s*"([^"]{1,512})"/g))
    identifiers.push(unescapeXml(m[1]!.trim()));
  return { ...(part !== undefined ? { part: Number(part) } : {}), identifiers };
}

/**
 * Reads the facts of a PDF's bytes. The document's packet is the last one declaring a
 * `pdfaid:part` (an incremental update appends the newer one); without any, the last packet.
 */
export function readPdfCopyFacts(bytes: Uint8Array): PdfCopyFacts {
  const isPdf = indexOfBytes(bytes.subarray(0, 1024), ascii('%PDF-')) === 0;
  if (!isPdf) return { isPdf, identifiers: [] };
  let chosen: { part?: number; identifiers: string[] } | undefined;
  let at = 0;
  for (let n = 0; n < MAX_PACKETS; n++) {
    const start = indexOfBytes(bytes, OPEN, at);
    if (start < 0) break;
    const end = indexOfBytes(bytes, CLOSE, start);
    if (end < 0) break;
    at = end + CLOSE.length;
    if (end - start > MAX_XMP_BYTES) continue;
    const packet = readPacket(decodeUtf8(bytes.subarray(start, at)));
    if (packet.part !== undefined || !chosen || chosen.part === undefined) chosen = packet;
  }
  return {
    isPdf,
    ...(chosen?.part !== undefined ? { pdfaPart: chosen.part } : {}),
    identifiers: chosen?.identifiers ?? [],
  };
}

/** A CDA document's identity as its PDF/A copy carries it: `root^extension` (IHE uniqueId form). */
export function documentIdentity(id: {
  readonly root: string;
  readonly extension?: string;
}): string {
  return id.extension ? `${id.root}^${id.extension}` : id.root;
}
