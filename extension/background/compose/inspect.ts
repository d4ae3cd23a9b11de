import { toMssanteError } from '../../../shared/errors/mssante-error';
import type { ErrorCode } from '../../../shared/errors/codes';
import { openXdm, streamEmbeddedPdf, type XdmInspection } from '../../../shared/domain/xdm/reader';
import { bytesSource } from '../../../shared/domain/zip/source';

/** Codes meaning "this ZIP is not an XDM": such attachments are left alone. */
const NOT_XDM: readonly ErrorCode[] = ['E_XDM_NOT_ZIP', 'E_XDM_NO_METADATA'];

export type AttachmentReading =
  | { readonly kind: 'other' }
  | { readonly kind: 'xdm'; readonly inspection: XdmInspection }
  | { readonly kind: 'refused'; readonly code: ErrorCode };

const looksLikeZip = (name: string, bytes: Uint8Array) =>
  /\.zip$/i.test(name) || (bytes[0] === 0x50 && bytes[1] === 0x4b);

/** Reads an attachment as an IHE_XDM archive with the core (ECO.2.1.1): nothing is written. */
export async function readAttachment(name: string, file: Blob): Promise<AttachmentReading> {
  if (/\.pdf$/i.test(name)) return { kind: 'other' };
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (!looksLikeZip(name, bytes)) return { kind: 'other' };
  try {
    const xdm = await openXdm(bytesSource(bytes));
    return { kind: 'xdm', inspection: xdm.inspection };
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
