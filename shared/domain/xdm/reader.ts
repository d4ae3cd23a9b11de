import { MssanteError } from '../../errors/mssante-error';
import { type CdaHeader, CdaHeaderReader, MAX_HEADER_BYTES } from '../cda/header';
import { type PartialDate, parseHl7Date } from '../cda/dates';
import { codeCdaHeader, insHeader } from '../mail/headers';
import { composePdfName } from '../mail/pdf-name';
import { composeSubject } from '../mail/subject';
import { type ZipArchive, type ZipEntry, openZip } from '../zip/archive';
import { readEntry, readEntryBytes } from '../zip/entry-stream';
import { DEFAULT_ZIP_LIMITS, type ZipLimits } from '../zip/limits';
import type { ZipSource } from '../zip/source';
import { type XdsDocumentEntry, type XdsMetadata, parseXdsMetadata } from './metadata';
import { type XdmPatient, mergePatient, nameOnSubject } from './patient';

export interface XdmReadOptions {
  readonly limits?: Readonly<ZipLimits>;
  /** Largest CDA header read before the body; MAX_HEADER_BYTES by default. */
  readonly maxHeaderBytes?: number;
  /** Largest METADATA.XML; 8 MiB by default. */
  readonly maxMetadataBytes?: number;
  /** Most XML bytes parsed in all (every METADATA.XML and CDA header); 2 MiB by default. */
  readonly maxXmlBytes?: number;
}

export const MAX_METADATA_BYTES = 8 * 1024 * 1024;

/**
 * Most XML parsed for one archive, all files together. The per-file limits alone would let 256
 * entries of 4 MiB headers through (a gigabyte of XML); with this total, the worst archive within
 * the limits is inspected in under a second (bench/xdm-hostile.ts). A real archive of 20
 * documents reads about 100 KiB of METADATA.XML and headers.
 */
export const MAX_XDM_XML_BYTES = 2 * 1024 * 1024;

/** Counts XML bytes against the archive's budget. */
class XmlBudget {
  private used = 0;
  constructor(private readonly max: number) {}

  charge(bytes: number): void {
    this.used += bytes;
    if (this.used > this.max)
      throw new MssanteError('E_XDM_XML_TOO_LARGE', { detail: `over ${this.max} bytes` });
  }
}

/** One CDA document of the archive: its metadata entry and its header. */
export interface XdmDocument {
  /** Path of the CDA file inside the ZIP. */
  readonly entryName: string;
  readonly metadata: XdsDocumentEntry;
  readonly header: CdaHeader;
  readonly level: 'N1' | 'N3';
  readonly code?: string;
  /** CDA `code/@displayName`, else XDS `typeCodeDisplayName`, else the title. */
  readonly displayName?: string;
  /** CDA `serviceEvent/effectiveTime/low`, else XDS `serviceStartTime`. */
  readonly serviceStart?: PartialDate;
  /** ECO.2.1.6 name of the PDF/A made from this document, when date and names are known. */
  readonly pdfName?: string;
}

export interface XdmInspection {
  /** Folders under `IHE_XDM/` that hold a METADATA.XML. */
  readonly subsets: readonly string[];
  readonly documents: readonly XdmDocument[];
  readonly patient: XdmPatient;
  /** ECO.2.1.3 subject; absent when the birth name or first name is unknown. */
  readonly subject?: string;
  readonly headers: { readonly 'X-MSS-CODECDA': string; readonly 'X-MSS-INS': 'O' | 'N' };
}

export interface OpenedXdm {
  readonly archive: ZipArchive;
  readonly inspection: XdmInspection;
  readonly options: XdmReadOptions;
}

const METADATA_PATH = /^IHE_XDM\/([^/]+)\/METADATA\.XML$/i;

/**
 * Reads an IHE_XDM archive (ECO.2.1.1, 2.1.2): the central directory, each METADATA.XML and
 * the header of each CDA document — nothing else is inflated, nothing is written anywhere.
 * Every refusal is a MssanteError with its own code.
 */
export async function openXdm(source: ZipSource, options: XdmReadOptions = {}): Promise<OpenedXdm> {
  const archive = await openZip(source, options.limits ?? DEFAULT_ZIP_LIMITS);
  const metadataEntries = archive.entries.filter((e) => METADATA_PATH.test(e.name));
  if (metadataEntries.length === 0) throw new MssanteError('E_XDM_NO_METADATA');

  const lowerIndex = new Map(archive.entries.map((e) => [e.name.toLowerCase(), e]));
  const documents: XdmDocument[] = [];
  const subsets: string[] = [];
  const allEntries: XdsDocumentEntry[] = [];
  const submissionSetPatientIds: XdsMetadata['submissionSetPatientIds'][number][] = [];
  const used = new Set<string>();
  const budget = new XmlBudget(options.maxXmlBytes ?? MAX_XDM_XML_BYTES);

  for (const metaEntry of metadataEntries) {
    const folder = metaEntry.name.slice(0, metaEntry.name.lastIndexOf('/') + 1);
    subsets.push(METADATA_PATH.exec(metaEntry.name)![1]!);
    const metadataBytes = await readEntryBytes(
      archive,
      metaEntry,
      options.maxMetadataBytes ?? MAX_METADATA_BYTES,
    );
    budget.charge(metadataBytes.length);
    const metadata = parseXdsMetadata(metadataBytes);
    submissionSetPatientIds.push(...metadata.submissionSetPatientIds);
    for (const entry of metadata.documents) {
      if (entry.mimeType !== undefined && entry.mimeType !== 'text/xml') continue;
      if (!entry.uri)
        throw new MssanteError('E_XDM_METADATA_INVALID', { detail: `no URI for ${entry.id}` });
      const path = resolveUri(folder, entry.uri);
      const cda = archive.get(path) ?? lowerIndex.get(path.toLowerCase());
      if (!cda || cda.isDirectory)
        throw new MssanteError('E_XDM_DOCUMENT_MISSING', { detail: entry.uri });
      if (used.has(cda.name))
        throw new MssanteError('E_XDM_METADATA_INVALID', { detail: `${entry.uri} listed twice` });
      used.add(cda.name);
      const header = await readHeader(
        archive,
        cda,
        options.maxHeaderBytes ?? MAX_HEADER_BYTES,
        budget,
      );
      allEntries.push(entry);
      documents.push(describe(cda, entry, header));
    }
  }
  if (documents.length === 0)
    throw new MssanteError('E_XDM_METADATA_INVALID', { detail: 'no CDA document' });

  const patient = mergePatient(
    { documents: allEntries, submissionSetPatientIds },
    documents.map((d) => d.header),
  );
  const named = documents.map((d) => withPdfName(d, patient));
  let subject: string | undefined;
  const name = nameOnSubject(patient);
  if (name && patient.firstName && named.every((d) => d.displayName)) {
    subject = composeSubject({
      documents: named.map((d) => ({
        displayName: d.displayName!,
        ...(d.code ? { code: d.code } : {}),
      })),
      birthName: name,
      firstName: patient.firstName,
      ...(patient.birthDate ? { birthDate: patient.birthDate } : {}),
    });
  }
  const codes = named.map((d) => d.code ?? '').filter((c) => c.length > 0);
  return {
    archive,
    options,
    inspection: {
      subsets,
      documents: named,
      patient,
      ...(subject ? { subject } : {}),
      headers: {
        'X-MSS-CODECDA': codes.length > 0 ? codeCdaHeader(codes) : '',
        'X-MSS-INS': insHeader(patient.qualified),
      },
    },
  };
}

/** `openXdm` without keeping the archive open. */
export async function inspectXdm(
  source: ZipSource,
  options: XdmReadOptions = {},
): Promise<XdmInspection> {
  return (await openXdm(source, options)).inspection;
}

function resolveUri(folder: string, uri: string): string {
  const clean = uri.trim();
  if (
    clean.includes('\\') ||
    clean.startsWith('/') ||
    /^[A-Za-z][A-Za-z0-9+.-]*:/.test(clean) ||
    clean.split('/').includes('..')
  ) {
    throw new MssanteError('E_XDM_METADATA_INVALID', { detail: `unsafe URI ${clean}` });
  }
  return folder + clean.replace(/^\.\//, '');
}

async function readHeader(
  archive: ZipArchive,
  entry: ZipEntry,
  maxHeaderBytes: number,
  budget: XmlBudget,
): Promise<CdaHeader> {
  const reader = new CdaHeaderReader({ maxHeaderBytes });
  const chunks = readEntry(archive, entry, { crc: false });
  try {
    for await (const chunk of chunks) {
      budget.charge(chunk.length);
      if (reader.push(chunk)) break;
    }
  } finally {
    await chunks.return(undefined);
  }
  return reader.finish();
}

function describe(entry: ZipEntry, metadata: XdsDocumentEntry, header: CdaHeader): XdmDocument {
  const displayName = header.displayName ?? metadata.typeCodeDisplayName ?? header.title;
  const serviceStart = header.serviceStart ?? parseHl7Date(metadata.serviceStartTime);
  const code = header.code ?? metadata.typeCode;
  return {
    entryName: entry.name,
    metadata,
    header,
    level: header.level,
    ...(code ? { code } : {}),
    ...(displayName ? { displayName } : {}),
    ...(serviceStart ? { serviceStart } : {}),
  };
}

function withPdfName(d: XdmDocument, patient: XdmPatient): XdmDocument {
  const actDate = d.serviceStart ?? d.header.effectiveTime;
  const name = nameOnSubject(patient);
  if (!actDate || !d.displayName || !name || !patient.firstName) return d;
  return {
    ...d,
    pdfName: composePdfName({
      actDate,
      documentType: d.displayName,
      birthName: name,
      firstName: patient.firstName,
    }),
  };
}

/**
 * Streams the PDF embedded in an N1 document (`nonXMLBody/text`, base64), decoded chunk by
 * chunk: memory stays in the tens of kilobytes whatever the PDF's size. The CRC of the CDA entry
 * is checked at the end because the whole entry is read.
 */
export async function* streamEmbeddedPdf(
  xdm: OpenedXdm,
  document: XdmDocument,
): AsyncGenerator<Uint8Array, void, undefined> {
  if (document.level !== 'N1')
    throw new MssanteError('E_CDA_NO_PDF', { detail: 'level 3 document' });
  const entry = xdm.archive.get(document.entryName);
  if (!entry) throw new MssanteError('E_XDM_DOCUMENT_MISSING', { detail: document.entryName });
  let out: Uint8Array[] = [];
  const reader = new CdaHeaderReader({
    maxHeaderBytes: xdm.options.maxHeaderBytes ?? MAX_HEADER_BYTES,
    pdfSink: (chunk) => out.push(chunk),
  });
  let done = false;
  for await (const chunk of readEntry(xdm.archive, entry)) {
    if (!done) done = reader.push(chunk);
    const ready = out;
    out = [];
    for (const piece of ready) yield piece;
  }
  reader.finish();
}
