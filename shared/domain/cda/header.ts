import { MssanteError } from '../../errors/mssante-error';
import { Base64StreamDecoder } from '../bytes/base64';
import {
  type WorkMeter,
  type XmlTag,
  SafeXmlStream,
  StopParsing,
  XDM_MAX_XML_DEPTH,
  attr,
} from '../xml/safe-xml';
import { type PartialDate, parseHl7Date } from './dates';
import { type PatientIdentity, insFromId } from './patient';

export const HL7_NS = 'urn:hl7-org:v3';

/** What the add-on needs from a CDA R2 header; the body is never parsed. */
export interface CdaHeader {
  /** `structuredBody` → N3, `nonXMLBody` → N1. */
  readonly level: 'N1' | 'N3';
  /** `ClinicalDocument/code`. */
  readonly code?: string;
  readonly codeSystem?: string;
  readonly displayName?: string;
  readonly title?: string;
  /** `ClinicalDocument/effectiveTime` (creation). */
  readonly effectiveTime?: PartialDate;
  /** `documentationOf/serviceEvent/effectiveTime/low` (the date of the act). */
  readonly serviceStart?: PartialDate;
  readonly patient: PatientIdentity;
  /** `nonXMLBody/text/@mediaType` for N1 documents. */
  readonly mediaType?: string;
  /** `ClinicalDocument/id`: the document's identity (its PDF/A copy carries it, ECO.2.1.5). */
  readonly documentId?: { readonly root: string; readonly extension?: string };
}

/** Default budget of header text: far above a real header, far below an N1 body. */
export const MAX_HEADER_BYTES = 4 * 1024 * 1024;

/** A name part as read: its text pieces are joined and normalised once, at the end. */
interface NamePart {
  qualifier?: string;
  pieces: string[];
}

/** Every element path the reader acts on (the root is `ClinicalDocument`). */
const PATHS = [
  'ClinicalDocument/id',
  'ClinicalDocument/code',
  'ClinicalDocument/title',
  'ClinicalDocument/effectiveTime',
  'ClinicalDocument/recordTarget/patientRole/id',
  'ClinicalDocument/recordTarget/patientRole/patient/name/family',
  'ClinicalDocument/recordTarget/patientRole/patient/name/given',
  'ClinicalDocument/recordTarget/patientRole/patient/administrativeGenderCode',
  'ClinicalDocument/recordTarget/patientRole/patient/birthTime',
  'ClinicalDocument/documentationOf/serviceEvent/effectiveTime/low',
  'ClinicalDocument/component/structuredBody',
  'ClinicalDocument/component/nonXMLBody/text',
];

/**
 * The paths above and all their prefixes. An element's path is known only if its parent's is:
 * each element costs one lookup of a short string, however deep it sits (the path is never
 * rebuilt from the whole stack).
 */
const KNOWN_PATHS: ReadonlySet<string> = new Set(
  PATHS.flatMap((p) => p.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/'))),
);

interface Draft {
  level?: 'N1' | 'N3';
  code?: string;
  codeSystem?: string;
  displayName?: string;
  effectiveTime?: PartialDate;
  serviceStart?: PartialDate;
  mediaType?: string;
  documentId?: { root: string; extension?: string };
  recordTargets: number;
  ids: { root: string; extension?: string }[];
  families: NamePart[];
  givens: NamePart[];
  title: string[];
  sex?: string;
  birthDate?: PartialDate;
}

/**
 * Reads the header of a CDA document from a stream of bytes and stops at the body: an N1
 * document's tens of megabytes of base64 PDF are never decoded. With `pdfSink`, reading goes on
 * inside `nonXMLBody/text` and the base64 PDF is decoded chunk by chunk into the sink.
 */
export class CdaHeaderReader {
  private readonly xml: SafeXmlStream;
  /** The known path of each open element, `null` below any path the reader acts on. */
  private readonly stack: (string | null)[] = [];
  private readonly draft: Draft = {
    recordTargets: 0,
    ids: [],
    families: [],
    givens: [],
    title: [],
  };
  private readonly meter: WorkMeter;
  private textTarget: string[] | undefined;
  private bytesRead = 0;
  private state: 'header' | 'done' | 'pdf' | 'pdf-done' = 'header';
  private pdf:
    | { decoder: Base64StreamDecoder; carry: string; head: Uint8Array[]; headBytes: number }
    | undefined;

  constructor(
    private readonly options: {
      maxHeaderBytes?: number;
      pdfSink?: (chunk: Uint8Array) => void;
      /** Counts the work done (tests of linear behaviour). */
      meter?: WorkMeter;
    } = {},
  ) {
    this.meter = options.meter ?? { steps: 0 };
    this.xml = new SafeXmlStream(
      {
        opentag: (tag) => this.open(tag),
        closetag: () => {
          this.stack.pop();
          this.textTarget = undefined;
        },
        text: (text) => this.textTarget?.push(text),
      },
      { meter: this.meter, maxDepth: XDM_MAX_XML_DEPTH },
    );
  }

  /** Feeds bytes; returns `true` once nothing more is needed. */
  push(bytes: Uint8Array): boolean {
    if (this.state === 'done' || this.state === 'pdf-done') return true;
    if (this.state === 'pdf') {
      this.pdfText(this.xml.decodeOnly(bytes));
      return this.finished();
    }
    this.bytesRead += bytes.length;
    if (this.bytesRead > (this.options.maxHeaderBytes ?? MAX_HEADER_BYTES)) {
      throw new MssanteError('E_CDA_HEADER_TOO_LARGE');
    }
    this.parse(() => this.xml.write(bytes));
    return this.finished();
  }

  /** Runs the XML reader; a handler's StopParsing ends the header (and may start the PDF). */
  private parse(step: () => void): void {
    try {
      step();
    } catch (error) {
      if (!(error instanceof StopParsing)) throw error;
      if (this.phase() === 'pdf') {
        const offset = this.xml.parser.position - this.xml.fedBefore;
        this.pdfText(this.xml.currentText.slice(offset));
      }
    }
  }

  // Handlers change the state during `write`: read it through calls so TypeScript does not narrow.
  private phase(): 'header' | 'done' | 'pdf' | 'pdf-done' {
    return this.state;
  }

  private finished(): boolean {
    const phase = this.phase();
    return phase === 'done' || phase === 'pdf-done';
  }

  /** Call once the input ended (or `push` returned true); returns the header. */
  finish(): CdaHeader {
    // A document shorter than the encoding sniff is parsed only now.
    if (this.state === 'header') this.parse(() => this.xml.end());
    if (this.phase() === 'header')
      throw new MssanteError('E_CDA_INVALID', { detail: 'no body after the header' });
    if (this.options.pdfSink && this.state !== 'pdf-done') {
      throw new MssanteError('E_CDA_NO_PDF', { detail: 'embedded PDF not terminated' });
    }
    const d = this.draft;
    this.meter.steps += d.families.length + d.givens.length + d.ids.length;
    const families = d.families.map(nameText);
    const givens = d.givens.map(nameText);
    const title = d.title.join('').trim();
    const part = (list: typeof families, ...qualifiers: (string | undefined)[]) =>
      list.find((n) => qualifiers.includes(n.qualifier) && n.text.length > 0)?.text;
    const birthName = part(families, 'BR') ?? part(families, undefined);
    const usualName = part(families, 'CL', 'SP');
    const firstBirthGiven = part(givens, 'BR');
    const usedGiven = part(givens, 'CL', 'SP');
    let ins: PatientIdentity['ins'];
    const otherIds: { root: string; extension?: string }[] = [];
    for (const id of d.ids) {
      const found = insFromId(id.root, id.extension);
      if (found && !ins) ins = found;
      else if (found && ins && found.value !== ins.value) {
        throw new MssanteError('E_XDM_TWO_PATIENTS', { detail: 'two INS in one CDA header' });
      } else if (!found) otherIds.push(id);
    }
    const patient: PatientIdentity = {
      ...(ins ? { ins } : {}),
      otherIds,
      ...(birthName ? { birthName } : {}),
      ...(usualName ? { usualName } : {}),
      birthGivenNames: givens
        .filter((g) => g.qualifier === undefined && g.text.length > 0)
        .map((g) => g.text),
      ...(firstBirthGiven ? { firstBirthGiven } : {}),
      ...(usedGiven ? { usedGiven } : {}),
      ...(d.sex ? { sex: d.sex } : {}),
      ...(d.birthDate ? { birthDate: d.birthDate } : {}),
    };
    return {
      level: d.level!,
      ...(d.code ? { code: d.code } : {}),
      ...(d.codeSystem ? { codeSystem: d.codeSystem } : {}),
      ...(d.displayName ? { displayName: d.displayName } : {}),
      ...(title ? { title } : {}),
      ...(d.effectiveTime ? { effectiveTime: d.effectiveTime } : {}),
      ...(d.serviceStart ? { serviceStart: d.serviceStart } : {}),
      ...(d.mediaType ? { mediaType: d.mediaType } : {}),
      ...(d.documentId ? { documentId: d.documentId } : {}),
      patient,
    };
  }

  private open(tag: XmlTag): void {
    const depth = this.stack.length;
    const name = tag.uri === HL7_NS ? tag.local : `{${tag.uri}}${tag.local}`;
    this.textTarget = undefined;
    this.meter.steps += 1;
    if (depth === 0 && name !== 'ClinicalDocument') {
      throw new MssanteError('E_CDA_INVALID', {
        detail: 'root element is not hl7:ClinicalDocument',
      });
    }
    const parent = depth === 0 ? '' : this.stack[depth - 1];
    const candidate = depth === 0 ? name : parent === null ? null : `${parent}/${name}`;
    const path = candidate !== null && KNOWN_PATHS.has(candidate) ? candidate : null;
    this.stack.push(path);
    const d = this.draft;
    switch (path) {
      case 'ClinicalDocument/id': {
        const root = attr(tag, 'root');
        const extension = attr(tag, 'extension');
        if (root && !d.documentId) d.documentId = extension ? { root, extension } : { root };
        return;
      }
      case 'ClinicalDocument/code':
        setIf(d, 'code', attr(tag, 'code'));
        setIf(d, 'codeSystem', attr(tag, 'codeSystem'));
        setIf(d, 'displayName', attr(tag, 'displayName')?.trim());
        return;
      case 'ClinicalDocument/title':
        this.textTarget = d.title;
        return;
      case 'ClinicalDocument/effectiveTime':
        setIf(d, 'effectiveTime', parseHl7Date(attr(tag, 'value')));
        return;
      case 'ClinicalDocument/recordTarget':
        d.recordTargets += 1;
        if (d.recordTargets > 1)
          throw new MssanteError('E_XDM_TWO_PATIENTS', { detail: 'several recordTarget' });
        return;
      case 'ClinicalDocument/recordTarget/patientRole/id': {
        const root = attr(tag, 'root');
        const extension = attr(tag, 'extension');
        if (root) d.ids.push(extension ? { root, extension } : { root });
        return;
      }
      case 'ClinicalDocument/recordTarget/patientRole/patient/name/family':
      case 'ClinicalDocument/recordTarget/patientRole/patient/name/given': {
        const qualifier = attr(tag, 'qualifier');
        const entry: NamePart = qualifier ? { qualifier, pieces: [] } : { pieces: [] };
        (tag.local === 'family' ? d.families : d.givens).push(entry);
        this.textTarget = entry.pieces;
        return;
      }
      case 'ClinicalDocument/recordTarget/patientRole/patient/administrativeGenderCode':
        setIf(d, 'sex', attr(tag, 'code'));
        return;
      case 'ClinicalDocument/recordTarget/patientRole/patient/birthTime':
        setIf(d, 'birthDate', parseHl7Date(attr(tag, 'value')));
        return;
      case 'ClinicalDocument/documentationOf/serviceEvent/effectiveTime/low':
        if (d.serviceStart === undefined)
          setIf(d, 'serviceStart', parseHl7Date(attr(tag, 'value')));
        return;
      case 'ClinicalDocument/component/structuredBody':
        d.level = 'N3';
        this.state = 'done';
        throw new StopParsing();
      case 'ClinicalDocument/component/nonXMLBody':
        d.level = 'N1';
        if (!this.options.pdfSink) {
          this.state = 'done';
          throw new StopParsing();
        }
        return;
      case 'ClinicalDocument/component/nonXMLBody/text': {
        const mediaType = attr(tag, 'mediaType');
        setIf(d, 'mediaType', mediaType);
        if (mediaType !== 'application/pdf' || attr(tag, 'representation') !== 'B64') {
          throw new MssanteError('E_CDA_NO_PDF', { detail: `mediaType ${mediaType ?? 'absent'}` });
        }
        this.state = 'pdf';
        this.pdf = { decoder: new Base64StreamDecoder(), carry: '', head: [], headBytes: 0 };
        throw new StopParsing();
      }
      default:
        return;
    }
  }

  /** Raw base64 between `<text …>` and `</text>`: whitespace and character references skipped. */
  private pdfText(input: string): void {
    const pdf = this.pdf!;
    let text = pdf.carry + input;
    pdf.carry = '';
    const lt = text.indexOf('<');
    const ended = lt >= 0;
    if (ended) text = text.slice(0, lt);
    else {
      const amp = text.lastIndexOf('&');
      if (amp >= 0 && text.indexOf(';', amp) < 0) {
        pdf.carry = text.slice(amp);
        text = text.slice(0, amp);
      }
    }
    text = text.replace(/&#(?:x[0-9a-fA-F]+|\d+);/g, (ref) => {
      const cp = ref[2] === 'x' ? parseInt(ref.slice(3, -1), 16) : parseInt(ref.slice(2, -1), 10);
      return cp === 9 || cp === 10 || cp === 13 || cp === 32 ? ' ' : '\u0000';
    });
    const bytes = pdf.decoder.write(text);
    if (bytes === false)
      throw new MssanteError('E_CDA_NO_PDF', { detail: 'body text is not base64' });
    if (bytes.length > 0) this.emitPdf(bytes);
    if (ended) {
      if (!pdf.decoder.end() || pdf.decoder.produced === 0) {
        throw new MssanteError('E_CDA_NO_PDF', { detail: 'truncated base64' });
      }
      this.flushPdfHead(true);
      this.state = 'pdf-done';
    }
  }

  /** The first bytes are held until `%PDF-` is confirmed, so nothing that is not a PDF is written. */
  private emitPdf(bytes: Uint8Array): void {
    const pdf = this.pdf!;
    if (pdf.head !== undefined && pdf.headBytes < 5) {
      pdf.head.push(bytes);
      pdf.headBytes += bytes.length;
      this.flushPdfHead(false);
      return;
    }
    this.options.pdfSink!(bytes);
  }

  private flushPdfHead(final: boolean): void {
    const pdf = this.pdf!;
    if (pdf.head.length === 0 || (pdf.headBytes < 5 && !final)) return;
    const joined = new Uint8Array(pdf.headBytes);
    let at = 0;
    for (const piece of pdf.head) {
      joined.set(piece, at);
      at += piece.length;
    }
    pdf.head = [];
    const magic = [0x25, 0x50, 0x44, 0x46, 0x2d]; // %PDF-
    if (joined.length < 5 || magic.some((b, i) => joined[i] !== b)) {
      throw new MssanteError('E_CDA_NO_PDF', { detail: 'embedded data is not a PDF' });
    }
    this.options.pdfSink!(joined);
  }
}

/** A name part's text, whitespace collapsed (once: never per text piece). */
function nameText(part: NamePart): { qualifier?: string; text: string } {
  const text = part.pieces.join('').replace(/\s+/g, ' ').trim();
  return part.qualifier === undefined ? { text } : { qualifier: part.qualifier, text };
}

function setIf<K extends keyof Draft>(d: Draft, key: K, value: Draft[K] | undefined): void {
  if (value !== undefined && value !== '') d[key] = value;
}

/** Reads a CDA header from chunks and stops as soon as the body starts. */
export async function readCdaHeader(
  chunks: AsyncIterable<Uint8Array>,
  maxHeaderBytes = MAX_HEADER_BYTES,
): Promise<CdaHeader> {
  const reader = new CdaHeaderReader({ maxHeaderBytes });
  for await (const chunk of chunks) if (reader.push(chunk)) break;
  return reader.finish();
}
