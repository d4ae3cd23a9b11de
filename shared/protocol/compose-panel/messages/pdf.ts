import * as z from '../../zod';
import { panelView } from '../view';

const fileName = z.string().check(z.minLength(1), z.maxLength(255));
const offer = z.object({ attachment: fileName, entryName: fileName, pdfName: fileName });

/** ECO.2.1.6: an attached PDF takes the expected name. */
export const pdfRename = {
  type: 'pdf.rename',
  params: z.object({ from: fileName, to: fileName }),
  result: panelView,
  deadlineMs: 30_000,
} as const;

/** ECO.2.1.5: the PDF an N1 document of an attached XDM holds is attached. */
export const pdfAttachEmbedded = {
  type: 'pdf.attachEmbedded',
  params: offer,
  result: panelView,
  deadlineMs: 60_000,
} as const;

/**
 * ECO.2.1.5: the PDF/A-1 copy of an N3 document is generated and attached. The renderer loads
 * on first use and a long CDA takes time: its deadline is the longest.
 */
export const pdfAttachPdfA = {
  type: 'pdf.attachPdfA',
  params: offer,
  result: panelView,
  deadlineMs: 180_000,
} as const;
