import { MssanteError } from '../../errors/mssante-error';
import { type PartialDate, parseFrenchDate, toFrenchDate } from '../cda/dates';
import { toRnivName } from '../identity/rniv';

export const XDM_SUBJECT_PREFIX = 'XDM/1.0/DDM+';
/** ECO.2.1.3 / ECO.2.1.6: the document type is cut to this many characters. */
export const LABEL_MAX = 40;

/** Cuts a label to 40 characters (Unicode code points, NFC), without a trailing space. */
export function cutLabel(label: string, max = LABEL_MAX): string {
  const chars = Array.from(label.normalize('NFC').replace(/\s+/g, ' ').trim());
  return chars.slice(0, max).join('').trimEnd();
}

export interface SubjectDocument {
  /** `code/@code`: two documents are "of different types" when their codes differ. */
  readonly code?: string;
  /** `code/@displayName`, or the XDS `typeCodeDisplayName`. */
  readonly displayName: string;
}

export interface SubjectInput {
  readonly documents: readonly SubjectDocument[];
  readonly birthName: string;
  readonly firstName: string;
  readonly birthDate?: PartialDate;
}

/**
 * The label of ECO.2.1.3: the document type cut to 40 characters when the archive holds one
 * type, `N documents` (N = number of CDA documents) when it holds several types.
 */
export function subjectLabel(documents: readonly SubjectDocument[]): string {
  if (documents.length === 0)
    throw new MssanteError('E_SUBJECT_INVALID', { detail: 'no document' });
  const types = new Set(documents.map((d) => d.code ?? d.displayName));
  if (types.size === 1) {
    const label = cutLabel(documents[0]!.displayName);
    if (!label) throw new MssanteError('E_SUBJECT_INVALID', { detail: 'empty document type' });
    return label;
  }
  return `${documents.length} documents`;
}

/** `XDM/1.0/DDM+<label> <NOM> <PRENOM> [<JJ/MM/AAAA>]` (ECO.2.1.3), names in INS-RNIV form. */
export function composeSubject(input: SubjectInput): string {
  const name = toRnivName(input.birthName);
  const first = toRnivName(input.firstName);
  if (!name || !first)
    throw new MssanteError('E_SUBJECT_INVALID', {
      detail: 'birth name and first name are mandatory',
    });
  const parts = [subjectLabel(input.documents), name, first];
  if (input.birthDate) parts.push(toFrenchDate(input.birthDate));
  return XDM_SUBJECT_PREFIX + parts.join(' ');
}

export interface ParsedSubject {
  readonly label: string;
  readonly birthName: string;
  readonly firstName: string;
  readonly birthDate?: PartialDate;
  /** `N` when the label is `N documents`. */
  readonly documentCount?: number;
}

const REPLY_PREFIX = /^(?:\s*(?:re|tr|fw|fwd|aw|wg)\s*:\s*)*/i;

/** True when the subject (possibly behind `Re:`/`TR:`…) starts with `XDM/1.0/DDM+`. */
export function isXdmSubject(subject: string): boolean {
  return subject.replace(REPLY_PREFIX, '').startsWith(XDM_SUBJECT_PREFIX);
}

/** ECO.3.1.3: what to show the professional — the subject without the `XDM/1.0/DDM+` prefix. */
export function displaySubject(subject: string): string {
  const reply = REPLY_PREFIX.exec(subject)?.[0] ?? '';
  const rest = subject.slice(reply.length);
  return rest.startsWith(XDM_SUBJECT_PREFIX)
    ? reply + rest.slice(XDM_SUBJECT_PREFIX.length)
    : subject;
}

const HAS_LOWER = /\p{Ll}/u;

/**
 * Reads a received subject back. Label, name and first name are separated by single spaces and
 * may themselves hold spaces, so the split is a choice: the first name is the last word, the
 * birth name the words before it written without lower-case letters (the spec's examples print
 * `Paul`, so the first name may be in any case), the label the rest (at least one word). When
 * the patient is already known (from the XDM), pass it as `expect` for an exact split.
 */
export function parseSubject(
  subject: string,
  expect?: { birthName: string; firstName: string },
): ParsedSubject {
  const body = subject.replace(REPLY_PREFIX, '');
  if (!body.startsWith(XDM_SUBJECT_PREFIX))
    throw new MssanteError('E_SUBJECT_INVALID', { detail: 'no XDM/1.0/DDM+ prefix' });
  let words = body.slice(XDM_SUBJECT_PREFIX.length).trim().split(/ +/);
  let birthDate: PartialDate | undefined;
  const last = words[words.length - 1] ?? '';
  if (/^\d{2}\/\d{2}\/\d{4}$/.test(last)) {
    birthDate = parseFrenchDate(last);
    if (!birthDate) throw new MssanteError('E_SUBJECT_INVALID', { detail: 'invalid birth date' });
    words = words.slice(0, -1);
  }
  if (words.length < 3)
    throw new MssanteError('E_SUBJECT_INVALID', { detail: 'label, name and first name expected' });
  let nameStart: number;
  let nameEnd: number;
  if (expect) {
    const nameWords = toRnivName(expect.birthName).split(' ');
    const firstWords = toRnivName(expect.firstName).split(' ');
    nameEnd = words.length - firstWords.length;
    nameStart = nameEnd - nameWords.length;
    const tailMatches =
      nameStart >= 1 &&
      toRnivName(words.slice(nameStart, nameEnd).join(' ')) === nameWords.join(' ') &&
      toRnivName(words.slice(nameEnd).join(' ')) === firstWords.join(' ');
    if (!tailMatches)
      throw new MssanteError('E_SUBJECT_INVALID', {
        detail: 'names differ from the expected patient',
      });
  } else {
    nameEnd = words.length - 1;
    nameStart = nameEnd - 1;
    while (
      nameStart - 1 >= 1 &&
      !HAS_LOWER.test(words[nameStart - 1]!) &&
      !/^\d+$/.test(words[nameStart - 1]!)
    )
      nameStart -= 1;
    if (HAS_LOWER.test(words[nameStart]!))
      throw new MssanteError('E_SUBJECT_INVALID', { detail: 'birth name must be upper case' });
  }
  const label = words.slice(0, nameStart).join(' ');
  const count = /^(\d+) documents$/.exec(label);
  return {
    label,
    birthName: words.slice(nameStart, nameEnd).join(' '),
    firstName: words.slice(nameEnd).join(' '),
    ...(birthDate ? { birthDate } : {}),
    ...(count ? { documentCount: Number(count[1]) } : {}),
  };
}
