import { toMssanteError } from '../../../shared/errors/mssante-error';
import type { ErrorCode } from '../../../shared/errors/codes';
import { type PdfCopyFacts, readPdfCopyFacts } from '../../../shared/domain/pdf/copy-facts';
import {
  openXdm,
  type OpenedXdm,
  streamEmbeddedPdf,
  type XdmInspection,
} from '../../../shared/domain/xdm/reader';
import { bytesSource } from '../../../shared/domain/zip/source';

/** Codes meaning "this ZIP is not an XDM": such attachments are left alone. */
const NOT_XDM: readonly ErrorCode[] = ['E_XDM_NOT_ZIP', 'E_XDM_NO_METADATA'];

export type AttachmentReading =
  | { readonly kind: 'other' }
  | {
      readonly kind: 'xdm';
      readonly inspection: XdmInspection;
      /**
       * SHA-256 (hex) of the PDF each N1 document embeds, by CDA entry name: computed when first
       * asked (only when a PDF is attached: decoding 20 embedded PDFs of 1.5 MB takes seconds),
       * then kept.
       */
      readonly embeddedPdfSha256: () => Promise<Readonly<Record<string, string>>>;
    }
  | { readonly kind: 'pdf'; readonly facts: PdfCopyFacts & { readonly sha256: string } }
  | { readonly kind: 'refused'; readonly code: ErrorCode };

/** SHA-256 of bytes, lower-case hex (WebCrypto). */
async function sha256Hex(parts: readonly Uint8Array[]): Promise<string> {
  const digest = await crypto.subtle.digest(
    'SHA-256',
    await new Blob(parts as unknown as BlobPart[]).arrayBuffer(),
  );
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * ECO.2.1.5: the SHA-256 of the PDF each N1 document of an opened XDM embeds — what a PDF
 * attachment must equal to be its copy. A document whose PDF cannot be decoded has none (no PDF
 * attachment can then be its copy; the panel says the document lacks one).
 */
async function embeddedDigests(xdm: OpenedXdm): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const document of xdm.inspection.documents) {
    if (document.level !== 'N1') continue;
    try {
      const parts: Uint8Array[] = [];
      for await (const chunk of streamEmbeddedPdf(xdm, document)) parts.push(chunk);
      out[document.entryName] = await sha256Hex(parts);
    } catch {
      // No digest: no attachment matches this document.
    }
  }
  return out;
}

const looksLikeZip = (name: string, bytes: Uint8Array) =>
  /\.zip$/i.test(name) || (bytes[0] === 0x50 && bytes[1] === 0x4b);

/**
 * Reads an attachment with the core (ECO.2.1.1): an IHE_XDM archive, or a PDF (what its content
 * says, for telling whether it is a document's copy, ECO.2.1.5). Nothing is written.
 */
export async function readAttachment(name: string, file: Blob): Promise<AttachmentReading> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const facts = readPdfCopyFacts(bytes);
  if (facts.isPdf || /\.pdf$/i.test(name))
    return { kind: 'pdf', facts: { ...facts, sha256: await sha256Hex([bytes]) } };
  if (!looksLikeZip(name, bytes)) return { kind: 'other' };
  try {
    const xdm = await openXdm(bytesSource(bytes));
    let digests: Promise<Record<string, string>> | undefined;
    return {
      kind: 'xdm',
      inspection: xdm.inspection,
      // From the attachment's Blob again, not these bytes: nothing large is kept meanwhile.
      embeddedPdfSha256: () =>
        (digests ??= file
          .arrayBuffer()
          .then((b) => openXdm(bytesSource(new Uint8Array(b))))
          .then(embeddedDigests)
          .catch(() => ({}))),
    };
  } catch (error) {
    const code = toMssanteError(error).code;
    return NOT_XDM.includes(code) ? { kind: 'other' } : { kind: 'refused', code };
  }
}

/** ECO.2.1.5: the PDF an N1 document embeds, as a File with the ECO.2.1.6 name. */
export async function embeddedPdf(file: Blob, entryName: string, pdfName: string): Promise<File> {
  const xdm = await openXdm(bytesSource(new Uint8Array(await file.arrayBuffer())));
  const document = xdm.inspection.documents.find((d) => d.entryName === entryName);
  if (!document) throw toMssanteError(new Error(`no ${entryName}`));
  const parts: Uint8Array[] = [];
  for await (const chunk of streamEmbeddedPdf(xdm, document)) parts.push(chunk);
  return new File(parts as BlobPart[], pdfName, { type: 'application/pdf' });
}
