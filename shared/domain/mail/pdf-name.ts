import { MssanteError } from '../../errors/mssante-error';
import { type PartialDate, toCompactDate } from '../cda/dates';
import { toRnivName } from '../identity/rniv';
import { cutLabel } from './subject';

export interface PdfNameInput {
  /** Date of the act: `serviceEvent/effectiveTime/low` or XDS `serviceStartTime`. */
  readonly actDate: PartialDate;
  /** `code/@displayName` or XDS `typeCodeDisplayName`. */
  readonly documentType: string;
  readonly birthName: string;
  readonly firstName: string;
  /** Optional file number shared with the receiver (lab prescription number…). */
  readonly fileNumber?: string;
}

/** Characters no file system accepts, and `_`, the field separator. */
const UNSAFE = /[\\/:*?"<>|_\u0000-\u001f\u007f]/g;

function field(text: string): string {
  return text.replace(UNSAFE, '-').replace(/\s+/g, ' ').trim();
}

/**
 * `<AAAAMMJJ>_<type ≤ 40>_<NOM>_<PRENOM>[_<numéro de dossier>].pdf` (ECO.2.1.6). The type keeps
 * its accents; names are in INS-RNIV form like in the subject; characters that are illegal in
 * file names, and `_` inside a field, become `-`.
 */
export function composePdfName(input: PdfNameInput): string {
  const type = field(cutLabel(input.documentType));
  const name = field(toRnivName(input.birthName));
  const first = field(toRnivName(input.firstName));
  if (!type || !name || !first)
    throw new MssanteError('E_PDF_NAME_INVALID', {
      detail: 'type, name and first name are mandatory',
    });
  const parts = [toCompactDate(input.actDate), type, name, first];
  const file = input.fileNumber === undefined ? '' : field(input.fileNumber);
  if (file) parts.push(file);
  return `${parts.join('_')}.pdf`;
}

export interface ParsedPdfName {
  readonly actDate: string;
  readonly documentType: string;
  readonly birthName: string;
  readonly firstName: string;
  readonly fileNumber?: string;
}

/** Checks a received PDF name against ECO.2.1.6 (first name in any case, as in the spec). */
export function parsePdfName(fileName: string): ParsedPdfName {
  const m = /^(\d{8})_([^_]+)_([^_]+)_([^_]+?)(?:_([^_]+))?\.pdf$/i.exec(fileName);
  if (!m) throw new MssanteError('E_PDF_NAME_INVALID');
  const [, actDate, documentType, birthName, firstName, fileNumber] = m;
  if (Array.from(documentType!).length > 40)
    throw new MssanteError('E_PDF_NAME_INVALID', { detail: 'type longer than 40 characters' });
  if (/\p{Ll}/u.test(birthName!))
    throw new MssanteError('E_PDF_NAME_INVALID', { detail: 'birth name must be upper case' });
  return {
    actDate: actDate!,
    documentType: documentType!,
    birthName: birthName!,
    firstName: firstName!,
    ...(fileNumber ? { fileNumber } : {}),
  };
}
