import { MssanteError } from '../../../shared/errors/mssante-error';
import type { PdfAFonts } from '../../../shared/domain/pdf/render';
import { DEFAULT_NARRATIVE_LIMITS } from '../../../shared/domain/pdf/narrative';
import { openXdm } from '../../../shared/domain/xdm/reader';
import { readEntryBytes } from '../../../shared/domain/zip/entry-stream';
import { bytesSource } from '../../../shared/domain/zip/source';

type Renderer = typeof import('./pdfa-render');

export const FONT_PATHS = { regular: 'fonts/DejaVuSans.ttf', bold: 'fonts/DejaVuSans-Bold.ttf' };

let renderer: Promise<Renderer> | undefined;
let fonts: Promise<PdfAFonts> | undefined;

async function fetchBytes(path: string): Promise<Uint8Array> {
  const response = await fetch(browser.runtime.getURL(path));
  if (!response.ok)
    throw new MssanteError('E_PDFA_FONT', { detail: `${path}: ${response.status}` });
  return new Uint8Array(await response.arrayBuffer());
}

function loadRenderer(): Promise<Renderer> {
  // A literal, root-relative specifier (web-ext lint refuses a computed one) that the build
  // marks external: the browser loads it as a separate ES module from the add-on's root.
  if (!renderer) {
    // @ts-expect-error: the bundle exists only in dist/extension (its types are `Renderer`).
    const loading = import('/background/pdfa-render.js') as Promise<Renderer>;
    renderer = loading.catch((error: unknown) => {
      renderer = undefined;
      throw error;
    });
  }
  return renderer;
}

function loadFonts(): Promise<PdfAFonts> {
  fonts ??= Promise.all([fetchBytes(FONT_PATHS.regular), fetchBytes(FONT_PATHS.bold)]).then(
    ([regular, bold]) => ({ regular, bold }),
    (error: unknown) => {
      fonts = undefined;
      throw error;
    },
  );
  return fonts;
}

/**
 * ECO.2.1.1 / ECO.2.1.5: the PDF/A-1 copy of an N3 document of an attached XDM, generated from
 * its CDA (header data and every section's narrative), as a File with the ECO.2.1.6 name.
 */
export async function generatedPdfA(
  file: Blob,
  entryName: string,
  pdfName: string,
  now = new Date(),
): Promise<File> {
  const xdm = await openXdm(bytesSource(new Uint8Array(await file.arrayBuffer())));
  const document = xdm.inspection.documents.find((d) => d.entryName === entryName);
  const entry = xdm.archive.get(entryName);
  if (!document || !entry) throw new MssanteError('E_XDM_DOCUMENT_MISSING', { detail: entryName });
  if (document.level !== 'N3') throw new MssanteError('E_PDFA_NOT_N3');
  const cda = await readEntryBytes(xdm.archive, entry, DEFAULT_NARRATIVE_LIMITS.maxBytes);
  const [{ renderCdaPdfA }, loaded] = await Promise.all([loadRenderer(), loadFonts()]);
  const pdf = await renderCdaPdfA(cda, { fonts: loaded, now });
  return new File([pdf as BlobPart], pdfName, { type: 'application/pdf' });
}
