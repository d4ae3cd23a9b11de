import fontkit from '@pdf-lib/fontkit';
import {
  PDFArray,
  PDFDict,
  PDFDocument,
  type PDFFont,
  PDFHexString,
  PDFName,
  PDFNumber,
  type PDFPage,
  PDFString,
  rgb,
} from 'pdf-lib';
import { MssanteError } from '../../errors/mssante-error';
import { encodeUtf8 } from '../bytes/utf8';
import { type CdaHeader, CdaHeaderReader } from '../cda/header';
import { type PartialDate, toFrenchDate } from '../cda/dates';
import { birthGivenList, displayName, firstName } from '../cda/patient';
import {
  type CdaDocumentText,
  DEFAULT_NARRATIVE_LIMITS,
  type NarrativeBlock,
  type NarrativeLimits,
  readCdaNarrative,
} from './narrative';
import { srgbIccProfile } from './icc';
import { documentIdentity } from './copy-facts';
import { type PdfInfo, pdfaXmp } from './xmp';

/** DejaVu Sans, regular and bold (TrueType bytes): the only fonts the PDF uses, as subsets. */
export interface PdfAFonts {
  readonly regular: Uint8Array;
  readonly bold: Uint8Array;
}

export interface PdfAOptions {
  readonly fonts: PdfAFonts;
  /** Creation instant of the PDF (Info CreationDate, XMP CreateDate); rounded to seconds. */
  readonly now: Date;
  readonly limits?: NarrativeLimits;
  /** Most pages produced. */
  readonly maxPages?: number;
}

export const DEFAULT_MAX_PAGES = 500;
export const PDFA_PRODUCER = 'open MSSanté add-on (pdf-lib 1.17.1)';

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 50;
const FOOTER = 30;
const BODY = 10;
const LEAD = 1.4;
const BLACK = rgb(0, 0, 0);
const GREY = rgb(0.35, 0.35, 0.35);

const SEX: Record<string, string> = { M: 'Masculin', F: 'Féminin', U: 'Inconnu' };

/** Control characters never reach the PDF (nor its XMP); line breaks are kept. */
const clean = (s: string) =>
  s.normalize('NFC').replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\ufffe\uffff]/g, ' ');

/**
 * Info/XMP strings stay far below PDF/A-1's 65 535-byte string limit (ISO 19005-1 §6.1.12;
 * Info strings are UTF-16 hex, four bytes a character). The page shows the whole text.
 */
const INFO_MAX = 2000;
const cap = (s: string) => {
  const chars = Array.from(s);
  return chars.length <= INFO_MAX ? s : `${chars.slice(0, INFO_MAX - 1).join('')}…`;
};

/** `02/08/2015 14:30 (+0200)` from an HL7 TS value; the date alone when no time. */
export function frenchDateTime(value: string | undefined, fallback?: PartialDate): string {
  const m =
    value &&
    /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})?(\d{2})?(?:\.\d+)?([+-]\d{4})?$/.exec(value.trim());
  if (m) {
    const [, y, mo, d, h, mi, , zone] = m;
    return `${d}/${mo}/${y} ${h}:${mi ?? '00'}${zone ? ` (${zone})` : ''}`;
  }
  return fallback ? toFrenchDate(fallback) : '';
}

function readHeader(bytes: Uint8Array): CdaHeader {
  const reader = new CdaHeaderReader();
  const step = 64 * 1024;
  for (let at = 0; at < bytes.length; at += step)
    if (reader.push(bytes.subarray(at, at + step))) break;
  return reader.finish();
}

/** Header lines of the copy (seed 001, ECO.2.1.5: title, type, creation, author, custodian). */
export function headerLines(header: CdaHeader, text: CdaDocumentText): [string, string][] {
  const p = header.patient;
  const names = [
    p.birthName ? p.birthName.toUpperCase() : '',
    p.usualName ? `(usage : ${p.usualName})` : '',
  ]
    .filter(Boolean)
    .join(' ');
  const lines: [string, string][] = [
    [
      'Type de document',
      [header.displayName, header.code ? `(${header.code})` : ''].filter(Boolean).join(' '),
    ],
    ['Patient (nom de naissance)', names],
    ['Prénoms', birthGivenList(p) ?? p.firstBirthGiven ?? ''],
    ['Prénom utilisé', p.usedGiven ?? ''],
    ['INS', p.ins ? `${p.ins.value} (${p.ins.kind}, ${p.ins.oid})` : 'non renseigné'],
    ['Date de naissance', p.birthDate ? toFrenchDate(p.birthDate) : ''],
    ['Sexe', p.sex ? (SEX[p.sex] ?? p.sex) : ''],
    ['Date de l’acte', header.serviceStart ? toFrenchDate(header.serviceStart) : ''],
    ['Date et heure de création', frenchDateTime(text.creationTime, header.effectiveTime)],
    ['Auteur', text.authors.join(' ; ')],
    ['Organisation conservant le document', text.custodian ?? ''],
    ...(text.legalAuthenticator
      ? ([['Responsable du document', text.legalAuthenticator]] as [string, string][])
      : []),
    [
      'Identifiant du document',
      text.documentId
        ? [text.documentId.root, text.documentId.extension].filter(Boolean).join(' / ')
        : '',
    ],
  ];
  return lines.filter(([, v]) => v.length > 0).map(([k, v]) => [k, clean(v)]);
}

/** A 16-byte file identifier from the document and the instant (PDF 1.4 §8.3, trailer ID). */
function fileId(seed: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  let h3 = 0x9e3779b9;
  let h4 = 0x85ebca6b;
  for (let i = 0; i < seed.length; i++) {
    const c = seed.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    h3 = Math.imul(h3 ^ c, 0xcc9e2d51);
    h4 = Math.imul(h4 ^ c, 0x1b873593);
    h2 ^= h1 >>> 13;
    h4 ^= h3 >>> 15;
  }
  return [h1, h2, h3, h4].map((h) => (h >>> 0).toString(16).padStart(8, '0')).join('');
}

/** Parsed fonts, by their bytes: the same DejaVu arrays come back for every document. */
const parsed = new WeakMap<Uint8Array, ReturnType<typeof fontkit.create>>();

/**
 * fontkit with a one-glyph-per-code-point layout. pdf-lib shapes every string it measures or
 * draws with fontkit's full OpenType layout (about 1–5 ms a call with DejaVu's GSUB/GPOS), and
 * then ignores the glyph positions anyway; text is NFC-normalised first (French diacritics are
 * precomposed), so a direct cmap lookup draws the same glyphs, minus ligatures, hundreds of
 * times faster. Only `create` is part of pdf-lib's Fontkit interface.
 */
const simpleLayoutFontkit = {
  create(data: Uint8Array) {
    const known = parsed.get(data);
    if (known) return known;
    const font = fontkit.create(data);
    parsed.set(data, font);
    const layout = (text: string) => ({
      glyphs: Array.from(text, (ch) => font.glyphForCodePoint(ch.codePointAt(0)!)),
    });
    (font as unknown as { layout: typeof layout }).layout = layout;
    return font;
  },
} as unknown as typeof fontkit;

class Layout {
  readonly pages: PDFPage[] = [];
  private page!: PDFPage;
  private y = 0;
  private readonly supported: Set<number>[];

  constructor(
    private readonly doc: PDFDocument,
    private readonly regular: PDFFont,
    private readonly bold: PDFFont,
    private readonly maxPages: number,
  ) {
    this.supported = [new Set(regular.getCharacterSet()), new Set(bold.getCharacterSet())];
    this.newPage();
  }

  get width(): number {
    return A4[0] - 2 * MARGIN;
  }

  newPage(): void {
    if (this.pages.length >= this.maxPages)
      throw new MssanteError('E_PDFA_TOO_LARGE', { detail: `more than ${this.maxPages} pages` });
    this.page = this.doc.addPage(A4);
    this.pages.push(this.page);
    this.y = A4[1] - MARGIN;
  }

  space(points: number): void {
    this.y -= points;
  }

  private ensure(height: number): void {
    if (this.y - height < MARGIN + FOOTER) this.newPage();
  }

  /** Characters the font has no glyph for become `?` (no `.notdef` glyph is ever used). */
  glyphsOnly(text: string, font: PDFFont): string {
    const set = this.supported[font === this.bold ? 1 : 0]!;
    let out = '';
    for (const ch of text) out += set.has(ch.codePointAt(0)!) || ch === '\n' ? ch : '?';
    return out;
  }

  measure(text: string, font: PDFFont, size: number): number {
    return font.widthOfTextAtSize(text, size);
  }

  /** Greedy word wrap; a word wider than the line is cut by characters. */
  wrap(text: string, font: PDFFont, size: number, width: number): string[] {
    const out: string[] = [];
    const space = this.measure(' ', font, size);
    for (const raw of this.glyphsOnly(text, font).split('\n')) {
      const words = raw.split(' ').filter((w) => w.length > 0);
      let line = '';
      let lineWidth = 0;
      for (let word of words) {
        let ww = this.measure(word, font, size);
        while (ww > width) {
          if (line) {
            out.push(line);
            line = '';
            lineWidth = 0;
          }
          let cut = 1;
          const chars = [...word];
          while (
            cut < chars.length &&
            this.measure(chars.slice(0, cut + 1).join(''), font, size) <= width
          )
            cut++;
          out.push(chars.slice(0, cut).join(''));
          word = chars.slice(cut).join('');
          ww = this.measure(word, font, size);
        }
        if (!word) continue;
        if (!line) {
          line = word;
          lineWidth = ww;
        } else if (lineWidth + space + ww <= width) {
          line += ` ${word}`;
          lineWidth += space + ww;
        } else {
          out.push(line);
          line = word;
          lineWidth = ww;
        }
      }
      out.push(line);
    }
    return out;
  }

  text(
    text: string,
    options: { font?: PDFFont; size?: number; indent?: number; color?: typeof BLACK } = {},
  ): void {
    const font = options.font ?? this.regular;
    const size = options.size ?? BODY;
    const indent = options.indent ?? 0;
    for (const line of this.wrap(text, font, size, this.width - indent)) {
      this.ensure(size * LEAD);
      this.y -= size * LEAD;
      if (line)
        this.page.drawText(line, {
          x: MARGIN + indent,
          y: this.y + size * 0.3,
          size,
          font,
          color: options.color ?? BLACK,
        });
    }
  }

  /** A label in bold, its value wrapped after it on the same first line. */
  field(label: string, value: string): void {
    const size = BODY;
    const labelText = this.glyphsOnly(`${label} : `, this.bold);
    const labelWidth = Math.min(this.measure(labelText, this.bold, size), this.width / 2);
    const lines = this.wrap(value, this.regular, size, this.width - labelWidth);
    lines.forEach((line, i) => {
      this.ensure(size * LEAD);
      this.y -= size * LEAD;
      if (i === 0)
        this.page.drawText(labelText, { x: MARGIN, y: this.y + size * 0.3, size, font: this.bold });
      if (line)
        this.page.drawText(line, {
          x: MARGIN + labelWidth,
          y: this.y + size * 0.3,
          size,
          font: this.regular,
          color: BLACK,
        });
    });
  }

  rule(): void {
    this.ensure(8);
    this.y -= 4;
    this.page.drawLine({
      start: { x: MARGIN, y: this.y },
      end: { x: A4[0] - MARGIN, y: this.y },
      thickness: 0.5,
      color: GREY,
    });
    this.y -= 4;
  }

  /** Equal-width columns; each cell wrapped; a row never splits across pages unless taller. */
  table(rows: ReadonlyArray<{ header: boolean; cells: readonly string[] }>): void {
    const columns = Math.max(1, ...rows.map((r) => r.cells.length));
    const gap = 6;
    const colWidth = (this.width - gap * (columns - 1)) / columns;
    const size = BODY - 1;
    for (const row of rows) {
      const font = row.header ? this.bold : this.regular;
      const cells = row.cells.map((c) => this.wrap(c, font, size, colWidth));
      const height = Math.max(1, ...cells.map((c) => c.length)) * size * LEAD;
      if (height < A4[1] / 2) this.ensure(height + 3);
      const lines = Math.max(1, ...cells.map((c) => c.length));
      for (let i = 0; i < lines; i++) {
        this.ensure(size * LEAD);
        this.y -= size * LEAD;
        cells.forEach((c, col) => {
          const line = c[i];
          if (line)
            this.page.drawText(line, {
              x: MARGIN + col * (colWidth + gap),
              y: this.y + size * 0.3,
              size,
              font,
              color: BLACK,
            });
        });
      }
      this.y -= 3;
    }
  }

  footer(left: string): void {
    const size = 7.5;
    const total = this.pages.length;
    this.pages.forEach((page, i) => {
      const right = `page ${i + 1} / ${total}`;
      const rw = this.measure(right, this.regular, size);
      const maxLeft = this.width - rw - 12;
      let l = this.glyphsOnly(left, this.regular);
      while (l.length > 1 && this.measure(l, this.regular, size) > maxLeft)
        l = l.slice(0, -2) + '…';
      page.drawText(l, { x: MARGIN, y: MARGIN / 2, size, font: this.regular, color: GREY });
      page.drawText(right, {
        x: A4[0] - MARGIN - rw,
        y: MARGIN / 2,
        size,
        font: this.regular,
        color: GREY,
      });
    });
  }
}

function drawBlocks(layout: Layout, bold: PDFFont, blocks: readonly NarrativeBlock[]): void {
  for (const block of blocks) {
    switch (block.kind) {
      case 'heading': {
        const size = block.depth <= 1 ? 13 : block.depth === 2 ? 11.5 : 10.5;
        layout.space(block.depth <= 1 ? 8 : 5);
        layout.text(clean(block.text), { font: bold, size, indent: (block.depth - 1) * 8 });
        layout.space(2);
        break;
      }
      case 'paragraph':
        layout.text(clean(block.text), { indent: block.indent * 14 });
        layout.space(3);
        break;
      case 'item':
        layout.text(`${block.marker ? `${block.marker} ` : '   '}${clean(block.text)}`, {
          indent: block.indent * 14 + 8,
        });
        layout.space(1);
        break;
      case 'table':
        if (block.caption) layout.text(clean(block.caption), { font: bold, size: BODY - 0.5 });
        layout.table(block.rows.map((r) => ({ header: r.header, cells: r.cells.map(clean) })));
        layout.space(4);
        break;
    }
  }
}

/** Six upper-case letters from a seed: the subset tag of a font name (PDF 1.4 §5.5.3). */
function subsetTag(seed: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 0x01000193);
  let tag = '';
  for (let i = 0; i < 6; i++) {
    tag += String.fromCharCode(65 + ((h >>> 0) % 26));
    h = Math.imul(h ^ (i + 1), 0x5bd1e995);
  }
  return tag;
}

/** Font names as subsets are named: `ABCDEF+DejaVuSans` in Type0, CIDFont and descriptor. */
function nameSubsets(doc: PDFDocument, fonts: [PDFFont, string][], seed: string): void {
  for (const [font, base] of fonts) {
    const name = PDFName.of(`${subsetTag(seed + base)}+${base}`);
    const type0 = doc.context.lookup(font.ref, PDFDict);
    const cidFont = type0.lookup(PDFName.of('DescendantFonts'), PDFArray).lookup(0, PDFDict);
    type0.set(PDFName.of('BaseFont'), name);
    cidFont.set(PDFName.of('BaseFont'), name);
    cidFont.lookup(PDFName.of('FontDescriptor'), PDFDict).set(PDFName.of('FontName'), name);
  }
}

/** ISO 19005-1 §6.3.5: a CID font subset's descriptor lists the CIDs present (CIDSet). */
function addCidSets(doc: PDFDocument, fonts: PDFFont[]): void {
  for (const font of fonts) {
    const type0 = doc.context.lookup(font.ref, PDFDict);
    const descendants = type0.lookup(PDFName.of('DescendantFonts'), PDFArray);
    const cidFont = descendants.lookup(0, PDFDict);
    const w = cidFont.lookup(PDFName.of('W'), PDFArray);
    let maxCid = 0;
    for (let i = 0; i < w.size(); i += 2) {
      const first = w.lookup(i, PDFNumber).asNumber();
      const widths = w.lookup(i + 1, PDFArray);
      maxCid = Math.max(maxCid, first + widths.size() - 1);
    }
    // Subset CIDs are 0 (.notdef) … maxCid, all present in the subset font program.
    const bits = new Uint8Array(Math.floor(maxCid / 8) + 1);
    for (let cid = 0; cid <= maxCid; cid++) bits[cid >> 3]! |= 0x80 >> (cid & 7);
    const descriptor = cidFont.lookup(PDFName.of('FontDescriptor'), PDFDict);
    descriptor.set(PDFName.of('CIDSet'), doc.context.register(doc.context.flateStream(bits)));
  }
}

/**
 * Renders a CDA R2 level 3 document as a PDF/A-1b file (ECO.2.1.1, ECO.2.1.5): the header data
 * (patient, document type and title, dates, author, custodian, document id) and the narrative
 * of every section. DejaVu Sans subsets are the only fonts; the XMP packet, the sRGB
 * OutputIntent, the file ID and PDF 1.4 without object or cross-reference streams make it
 * PDF/A-1b (docs/compose.md lists the rules checked). No I/O: bytes in, bytes out.
 */
export async function renderCdaPdfA(cda: Uint8Array, options: PdfAOptions): Promise<Uint8Array> {
  const limits = options.limits ?? DEFAULT_NARRATIVE_LIMITS;
  if (cda.length > limits.maxBytes)
    throw new MssanteError('E_PDFA_TOO_LARGE', { detail: `${cda.length} bytes` });
  const text = readCdaNarrative(cda, limits);
  const header = readHeader(cda);
  if (header.level !== 'N3') throw new MssanteError('E_PDFA_NOT_N3');

  const now = new Date(Math.floor(options.now.getTime() / 1000) * 1000);
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.registerFontkit(simpleLayoutFontkit);
  let regular: PDFFont;
  let bold: PDFFont;
  try {
    regular = await doc.embedFont(options.fonts.regular, { subset: true });
    bold = await doc.embedFont(options.fonts.bold, { subset: true });
  } catch (error) {
    throw new MssanteError('E_PDFA_FONT', {
      detail: error instanceof Error ? error.message : String(error),
      cause: error,
    });
  }

  const layout = new Layout(doc, regular, bold, options.maxPages ?? DEFAULT_MAX_PAGES);
  const title = clean(header.title ?? header.displayName ?? 'Document CDA').trim();
  layout.text(title, { font: bold, size: 16 });
  layout.space(4);
  for (const [label, value] of headerLines(header, text)) layout.field(label, value);
  layout.rule();
  drawBlocks(layout, bold, text.blocks);
  const id = text.documentId
    ? [text.documentId.root, text.documentId.extension].filter(Boolean).join(' / ')
    : '';
  layout.footer(
    `Copie PDF/A générée à partir du document CDA${id ? ` ${id}` : ''} — ${clean(
      [displayName(header.patient)?.toUpperCase(), firstName(header.patient)]
        .filter(Boolean)
        .join(' '),
    )}`,
  );

  const info: PdfInfo = {
    title: cap(title),
    author: cap(clean(text.authors[0] ?? text.custodian ?? 'Inconnu').trim()),
    subject: cap(clean(header.displayName ?? title).trim()),
    producer: PDFA_PRODUCER,
    creator: 'open MSSanté — copie PDF/A-1 d’un document CDA R2 N3',
    created: now,
    language: 'fr-FR',
    ...(text.documentId ? { identifier: documentIdentity(text.documentId) } : {}),
  };
  doc.setTitle(info.title);
  doc.setAuthor(info.author);
  doc.setSubject(info.subject!);
  doc.setProducer(info.producer);
  doc.setCreator(info.creator);
  doc.setCreationDate(now);
  doc.setModificationDate(now);
  doc.setLanguage('fr-FR');

  await doc.flush();
  addCidSets(doc, [regular, bold]);
  const context = doc.context;
  const fid = fileId(`${id}|${now.toISOString()}|${title}|${cda.length}`);
  nameSubsets(
    doc,
    [
      [regular, 'DejaVuSans'],
      [bold, 'DejaVuSans-Bold'],
    ],
    fid,
  );
  const xmp = context.stream(encodeUtf8(pdfaXmp(info)), {
    Type: 'Metadata',
    Subtype: 'XML',
  });
  doc.catalog.set(PDFName.of('Metadata'), context.register(xmp));
  const icc = context.flateStream(srgbIccProfile(), { N: 3 });
  const intent = context.obj({
    Type: 'OutputIntent',
    S: 'GTS_PDFA1',
    OutputConditionIdentifier: PDFString.of('sRGB IEC61966-2.1'),
    RegistryName: PDFString.of('http://www.color.org'),
    Info: PDFString.of('sRGB IEC61966-2.1'),
    DestOutputProfile: context.register(icc),
  });
  doc.catalog.set(PDFName.of('OutputIntents'), context.obj([context.register(intent)]));
  context.trailerInfo.ID = context.obj([PDFHexString.of(fid), PDFHexString.of(fid)]);
  const bytes = await doc.save({
    useObjectStreams: false,
    addDefaultPage: false,
    updateFieldAppearances: false,
  });
  // pdf-lib's writer always starts with `%PDF-1.7`; nothing in the file needs more than 1.4
  // (no object or cross-reference streams, no transparency), so the digit is set in place:
  // same length, every xref offset stays right.
  if (String.fromCharCode(...bytes.subarray(0, 8)) !== '%PDF-1.7')
    throw new MssanteError('E_INTERNAL', { detail: 'unexpected PDF header' });
  bytes[7] = 0x34; // '4'
  return bytes;
}
