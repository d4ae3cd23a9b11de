import type { ErrorCode } from '../../errors/codes';
import { toRnivName } from '../identity/rniv';
import { isValidIns, PATIENT_DOMAIN } from '../ins/ins';
import type { XdmInspection } from '../xdm/reader';
import { type XdmPatient, nameOnSubject } from '../xdm/patient';
import { toIsoPartial } from '../cda/dates';
import { checkFromLabel, type MailboxProfile } from './from-label';
import { DEFAULT_NIL, MSS_HEADERS, appMention, checkHeaderValue } from './headers';
import { documentIdentity, type PdfCopyFacts } from '../pdf/copy-facts';
import { parsePdfName } from './pdf-name';
import { composeSubject, parseSubject, XDM_SUBJECT_PREFIX } from './subject';

/**
 * What the add-on does to an outgoing message from an MSSanté identity (docs/compose.md): pure
 * decisions from what the compose window holds, so they are unit-tested without Thunderbird.
 */

/** The add-on's instruction to the host's SMTP bridge: add `Return-Receipt-To` (ECO.2.3.1). */
export const DSN_INSTRUCTION_HEADER = 'X-Open-Mssante-Dsn';

/** An attachment of the compose window, with what reading it as an XDM gave. */
export interface ComposeAttachment {
  readonly name: string;
  /** Inspection of an IHE_XDM ZIP; `error` when it is an XDM the core refused. */
  readonly xdm?: XdmInspection;
  readonly xdmError?: ErrorCode;
  /** XDM: the SHA-256 (hex) of the PDF each N1 document embeds, by CDA entry name. */
  readonly embeddedPdfSha256?: Readonly<Record<string, string>>;
  /** A PDF attachment: what its bytes say (copy-facts.ts) and their SHA-256 (hex). */
  readonly pdf?: PdfCopyFacts & { readonly sha256: string };
}

export interface ComposeIdentity {
  readonly address: string;
  readonly profile: MailboxProfile;
  readonly fullName: string;
}

export interface ComposeOptions {
  /** ECO.2.4.3 product reference; DEFAULT_NIL when empty. */
  readonly nil?: string;
  /** ECO.2.3.1 / ECO.2.3.2, this message's toggles. */
  readonly dsn: boolean;
  readonly mdn: boolean;
  /** ECO.2.2.8: only applied when a recipient is a patient. */
  readonly fin: boolean;
  /** ECO.2.2.5: the PER/ORG mailbox an APP mailbox's messages point to. */
  readonly appContact?: string;
  /** Patient addresses the professional may write to: from a qualified INS, or a confirmed NIR. */
  readonly checkedPatientAddresses: readonly string[];
}

export interface ComposeInput {
  readonly identity: ComposeIdentity;
  readonly subject: string;
  readonly recipients: readonly string[];
  readonly attachments: readonly ComposeAttachment[];
  readonly isPlainText: boolean;
  readonly options: ComposeOptions;
  readonly locale?: 'fr' | 'en';
}

export interface ComposeProblem {
  /** Blocking problems are error codes (their sentence is in codes.ts); warnings are ids. */
  readonly code: ErrorCode | ComposeWarning;
  readonly blocking: boolean;
  readonly detail?: string;
}

/** The closed list of warnings; their sentences are in extension/_locales (composeWarning…). */
export const COMPOSE_WARNINGS = [
  'subject-replaced',
  'subject-kept',
  'pdf-name',
  'pdf-foreign',
  'from-label',
  'fin-without-patient',
  'html-made-alternative',
] as const;
export type ComposeWarning = (typeof COMPOSE_WARNINGS)[number];

export interface PdfRename {
  readonly from: string;
  readonly to: string;
}

export interface EmbeddedPdfOffer {
  /** The XDM attachment and the N1 CDA entry holding the PDF. */
  readonly attachment: string;
  readonly entryName: string;
  readonly pdfName: string;
}

export interface ComposePlan {
  readonly patient?: XdmPatient;
  readonly documents: ReadonlyArray<{
    readonly displayName?: string;
    readonly code?: string;
    readonly level: 'N1' | 'N3';
    readonly pdfName?: string;
  }>;
  /** The subject to send (absent: the user's subject goes as it is). */
  readonly subject?: string;
  /** Headers the add-on asks Thunderbird to send (`customHeaders`), in order. */
  readonly headers: ReadonlyArray<{ readonly name: string; readonly value: string }>;
  /** ECO.2.3.2: compose detail `returnReceipt`. */
  readonly returnReceipt: boolean;
  /** ECO.2.2.4: HTML messages go as multipart/alternative (text/plain first). */
  readonly deliveryFormat?: 'both';
  /** ECO.2.2.5 (APP). */
  readonly replyTo?: string;
  readonly appMention?: string;
  readonly toPatient: boolean;
  readonly pdfRenames: readonly PdfRename[];
  readonly embeddedPdfOffers: readonly EmbeddedPdfOffer[];
  /** ECO.2.1.5: N3 documents without their PDF: the add-on can generate the PDF/A-1 copy. */
  readonly pdfaOffers: readonly EmbeddedPdfOffer[];
  readonly problems: readonly ComposeProblem[];
}

const isPdf = (name: string) => /\.pdf$/i.test(name);
export const isPatientAddress = (address: string) =>
  address.toLowerCase().endsWith(`@${PATIENT_DOMAIN}`);

/** The address part of `Name <addr>` or a bare address, lower-cased. */
export function bareAddress(recipient: string): string {
  const m = /<([^>]+)>\s*$/.exec(recipient);
  return (m ? m[1]! : recipient).trim().toLowerCase();
}

/** Two XDM patients are one when their INS agree, else their names and birth date (RNIV). */
export function samePatient(a: XdmPatient, b: XdmPatient): boolean {
  if (a.ins && b.ins) return a.ins === b.ins;
  const key = (p: XdmPatient) =>
    [
      toRnivName(p.birthName ?? ''),
      toRnivName(p.firstName ?? ''),
      p.birthDate ? toIsoPartial(p.birthDate) : '',
    ].join('|');
  return key(a) === key(b);
}

/**
 * ECO.2.1.3 subject rule with the user's text: a subject the user wrote that is already a valid
 * `XDM/1.0/DDM+` subject for this patient is kept (their label wording included); anything else
 * is replaced by the computed subject, and the panel says so.
 */
export function chooseSubject(
  userSubject: string,
  computed: string,
  patient: XdmPatient,
): { subject: string; kept: boolean; replaced?: string } {
  const user = userSubject.trim();
  if (user === computed || user === '') return { subject: computed, kept: false };
  const name = nameOnSubject(patient);
  if (user.startsWith(XDM_SUBJECT_PREFIX) && name && patient.firstName) {
    try {
      const parsed = parseSubject(user, {
        birthName: name,
        firstName: patient.firstName,
      });
      if (parsed.label.length > 0) return { subject: user, kept: true };
    } catch {
      // Not a valid subject for this patient: replaced below.
    }
  }
  return { subject: computed, kept: false, replaced: user };
}

/** Plans the message (see ComposePlan); never throws on user input. */
export function planCompose(input: ComposeInput): ComposePlan {
  const problems: ComposeProblem[] = [];
  const block = (code: ErrorCode, detail?: string) =>
    problems.push({ code, blocking: true, ...(detail ? { detail } : {}) });
  const warn = (code: ComposeWarning, detail?: string) =>
    problems.push({ code, blocking: false, ...(detail ? { detail } : {}) });

  const xdms = input.attachments.filter((a) => a.xdm);
  for (const a of input.attachments) if (a.xdmError) block(a.xdmError, a.name);
  let patient: XdmPatient | undefined;
  for (const a of xdms) {
    const p = a.xdm!.patient;
    if (!patient) patient = p;
    else if (!samePatient(patient, p)) block('E_XDM_TWO_PATIENTS', a.name);
  }
  const documents = xdms.flatMap((a) =>
    a.xdm!.documents.map((d) => ({
      attachment: a.name,
      entryName: d.entryName,
      level: d.level,
      ...(d.header.documentId ? { identity: documentIdentity(d.header.documentId) } : {}),
      ...(a.embeddedPdfSha256?.[d.entryName]
        ? { embeddedSha256: a.embeddedPdfSha256[d.entryName] }
        : {}),
      ...(d.displayName ? { displayName: d.displayName } : {}),
      ...(d.code ? { code: d.code } : {}),
      ...(d.pdfName ? { pdfName: d.pdfName } : {}),
    })),
  );

  // ECO.2.1.1 / 2.1.5 / 2.1.6: each document travels with its true PDF copy, correctly named.
  const { pdfRenames, embeddedPdfOffers, pdfaOffers } = planPdfCopies(
    input.attachments,
    documents,
    problems,
  );

  // ECO.2.1.3 subject; ECO.2.4.1/2.4.2 headers.
  let subject: string | undefined;
  const headers: { name: string; value: string }[] = [];
  if (xdms.length > 0 && patient) {
    const computed = xdms.length === 1 ? xdms[0]!.xdm!.subject : combinedSubject(xdms, patient);
    if (computed) {
      const chosen = chooseSubject(input.subject, computed, patient);
      subject = chosen.subject;
      if (chosen.kept) warn('subject-kept', chosen.subject);
      if (chosen.replaced !== undefined) warn('subject-replaced', chosen.replaced);
    }
    const codes = documents.map((d) => d.code ?? '').filter((c) => c.length > 0);
    if (codes.length > 0) headers.push({ name: MSS_HEADERS.codeCda, value: codes.join(', ') });
    headers.push({
      name: MSS_HEADERS.ins,
      value: xdms.every((a) => a.xdm!.patient.qualified) ? 'O' : 'N',
    });
  }
  // ECO.2.4.3 on every message.
  let nil = (input.options.nil ?? '').trim() || DEFAULT_NIL;
  try {
    checkHeaderValue(nil, 'X-MSS-NIL');
  } catch {
    nil = DEFAULT_NIL;
  }
  headers.push({ name: MSS_HEADERS.nil, value: nil });

  // ECO.2.2.6 / 2.2.8: patient recipients.
  const recipients = input.recipients.map(bareAddress);
  const patientRecipients = recipients.filter(isPatientAddress);
  const toPatient = patientRecipients.length > 0;
  const checked = new Set(input.options.checkedPatientAddresses.map((a) => a.toLowerCase()));
  for (const r of patientRecipients) {
    const ins = r.slice(0, r.indexOf('@'));
    if (!isValidIns(ins)) block('E_INS_KEY', r);
    else if (!checked.has(r)) block('E_COMPOSE_PATIENT_UNCHECKED', r);
  }
  if (input.options.fin) {
    if (toPatient) headers.push({ name: MSS_HEADERS.mes, value: 'FIN' });
    else warn('fin-without-patient');
  }
  // ECO.2.3.1: the bridge turns this into Return-Receipt-To: <sender mailbox>.
  if (input.options.dsn) headers.push({ name: DSN_INSTRUCTION_HEADER, value: '1' });

  // ECO.2.2.5 (APP).
  let replyTo: string | undefined;
  let mention: string | undefined;
  if (input.identity.profile === 'APP') {
    if (!input.options.appContact) block('E_COMPOSE_APP_CONTACT');
    else {
      replyTo = input.options.appContact;
      try {
        mention = appMention(input.options.appContact, input.locale ?? 'fr');
      } catch {
        block('E_COMPOSE_APP_CONTACT', input.options.appContact);
      }
    }
  }
  // ECO.2.2.7.
  const label = checkFromLabel(input.identity.profile, input.identity.fullName);
  if (label.length > 0) warn('from-label', label.join(', '));
  // ECO.2.2.4.
  if (!input.isPlainText) warn('html-made-alternative');

  return {
    ...(patient ? { patient } : {}),
    documents: documents.map(
      ({ attachment: _a, entryName: _e, identity: _i, embeddedSha256: _s, ...d }) => d,
    ),
    ...(subject ? { subject } : {}),
    headers,
    returnReceipt: input.options.mdn,
    ...(input.isPlainText ? {} : { deliveryFormat: 'both' as const }),
    ...(replyTo ? { replyTo } : {}),
    ...(mention ? { appMention: mention } : {}),
    toPatient,
    pdfRenames,
    embeddedPdfOffers,
    pdfaOffers,
    problems,
  };
}

/** A document of an attached XDM, with what its true PDF copy must match. */
interface PlannedDocument {
  readonly attachment: string;
  readonly entryName: string;
  readonly level: 'N1' | 'N3';
  readonly displayName?: string;
  readonly pdfName?: string;
  /** N3: `ClinicalDocument/id` as `root^extension`. */
  readonly identity?: string;
  /** N1: SHA-256 of the embedded PDF. */
  readonly embeddedSha256?: string;
}

const documentLabel = (d: PlannedDocument) => d.displayName ?? d.entryName;

/**
 * ECO.2.1.5: is this PDF the copy of this document, by its content — N1: byte for byte the PDF
 * the CDA embeds (same SHA-256); N3: a PDF/A-1 (XMP `pdfaid:part` 1) carrying the document's
 * identity (XMP `dc:identifier` = its `ClinicalDocument/id`), as the add-on's generator writes.
 */
function isPdfCopyOf(doc: PlannedDocument, pdf: ComposeAttachment['pdf']): boolean {
  if (!pdf?.isPdf) return false;
  if (doc.level === 'N1') return !!doc.embeddedSha256 && pdf.sha256 === doc.embeddedSha256;
  return pdf.pdfaPart === 1 && !!doc.identity && pdf.identifiers.includes(doc.identity);
}

/**
 * Pairs each document with a true copy among the PDF attachments: first a copy already under
 * the document's ECO.2.1.6 name, then any other copy (renamed). A PDF that is no document's
 * copy is never renamed onto one: it is `foreign` (with the document whose name it took), and
 * the documents left are `lacking`.
 */
function matchPdfCopies(
  attachments: readonly ComposeAttachment[],
  documents: readonly PlannedDocument[],
): { renames: PdfRename[]; foreign: string[]; lacking: PlannedDocument[] } {
  const pdfs = attachments.filter((a) => !a.xdm && !a.xdmError && (isPdf(a.name) || a.pdf?.isPdf));
  const taken = new Set<ComposeAttachment>();
  const matched = new Map<PlannedDocument, ComposeAttachment>();
  for (const doc of documents) {
    const named = pdfs.find(
      (p) => !taken.has(p) && p.name === doc.pdfName && isPdfCopyOf(doc, p.pdf),
    );
    if (!named) continue;
    taken.add(named);
    matched.set(doc, named);
  }
  const renames: PdfRename[] = [];
  for (const doc of documents) {
    if (matched.has(doc)) continue;
    const copy = pdfs.find((p) => !taken.has(p) && isPdfCopyOf(doc, p.pdf));
    if (!copy) continue;
    taken.add(copy);
    matched.set(doc, copy);
    if (doc.pdfName && copy.name !== doc.pdfName)
      renames.push({ from: copy.name, to: doc.pdfName });
  }
  const foreign = pdfs
    .filter((p) => !taken.has(p))
    .map((p) => {
      const owner = documents.find((d) => d.pdfName === p.name);
      return owner ? `${p.name} ≠ ${documentLabel(owner)}` : p.name;
    });
  return { renames, foreign, lacking: documents.filter((d) => !matched.has(d)) };
}

/**
 * ECO.2.1.1 / 2.1.5 / 2.1.6: the renames of true copies under another name, the offers for the
 * documents without one (N1: the PDF it embeds; N3: the generated PDF/A-1), and their problems.
 */
function planPdfCopies(
  attachments: readonly ComposeAttachment[],
  documents: readonly PlannedDocument[],
  problems: ComposeProblem[],
): Pick<ComposePlan, 'pdfRenames' | 'embeddedPdfOffers' | 'pdfaOffers'> {
  const warn = (code: ComposeWarning, detail: string) =>
    problems.push({ code, blocking: false, detail });
  const block = (code: ErrorCode, detail: string) =>
    problems.push({ code, blocking: true, detail });
  const copies = matchPdfCopies(attachments, documents);
  for (const r of copies.renames) {
    let wellFormed = true;
    try {
      parsePdfName(r.from);
    } catch {
      wellFormed = false;
    }
    warn('pdf-name', `${r.from} → ${r.to}${wellFormed ? '' : ' (ECO.2.1.6)'}`);
  }
  for (const f of copies.foreign) warn('pdf-foreign', f);
  const embeddedPdfOffers: EmbeddedPdfOffer[] = [];
  const pdfaOffers: EmbeddedPdfOffer[] = [];
  for (const doc of copies.lacking) {
    if (doc.pdfName)
      (doc.level === 'N1' ? embeddedPdfOffers : pdfaOffers).push({
        attachment: doc.attachment,
        entryName: doc.entryName,
        pdfName: doc.pdfName,
      });
  }
  if (copies.lacking.length > 0)
    block('E_COMPOSE_PDF_MISSING', copies.lacking.map(documentLabel).join(', '));
  return { pdfRenames: copies.renames, embeddedPdfOffers, pdfaOffers };
}

/** Several XDM archives about one patient: the subject counts their documents together. */
function combinedSubject(
  xdms: readonly ComposeAttachment[],
  patient: XdmPatient,
): string | undefined {
  const all = xdms.flatMap((a) => a.xdm!.documents);
  const name = nameOnSubject(patient);
  if (!name || !patient.firstName || !all.every((d) => d.displayName)) return undefined;
  try {
    return composeSubject({
      documents: all.map((d) => ({
        displayName: d.displayName!,
        ...(d.code ? { code: d.code } : {}),
      })),
      birthName: name,
      firstName: patient.firstName,
      ...(patient.birthDate ? { birthDate: patient.birthDate } : {}),
    });
  } catch {
    return undefined;
  }
}

const STRUCT_STYLES: Record<string, string> = {
  b: 'font-weight:bold',
  strong: 'font-weight:bold',
  i: 'font-style:italic',
  em: 'font-style:italic',
  u: 'text-decoration:underline',
};

/**
 * ECO.2.2.4 ("2 parties identiques en termes de contenu rédactionnel"): Thunderbird derives the
 * text/plain part of an HTML message itself and, by default (`converter.html2txt.structs`), writes
 * `<b>Paul</b>` as `*Paul*`, `<i>` as `/…/`, `<u>` as `_…_`: the two parts then differ. The same
 * emphasis written as a styled `<span>` looks the same in HTML and gives the bare words in text.
 */
export function htmlWithoutStructMarks(html: string): string {
  return html.replace(
    /<(\/?)(b|strong|i|em|u)\b([^>]*)>/gi,
    (_, close: string, tag: string, attrs: string) => {
      if (close) return '</span>';
      const style = STRUCT_STYLES[tag.toLowerCase()]!;
      const styled = /\sstyle\s*=\s*(["'])/i.exec(attrs);
      if (!styled) return `<span style="${style}"${attrs}>`;
      const at = styled.index + styled[0].length;
      return `<span${attrs.slice(0, at)}${style};${attrs.slice(at)}>`;
    },
  );
}

/** Appends the ECO.2.2.5 mention to an HTML body (once), before `</body>` when there is one. */
export function htmlWithMention(html: string, mention: string): string {
  const escaped = mention.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  if (html.includes(escaped)) return html;
  const block = `<p>-- <br>${escaped}</p>`;
  const at = html.search(/<\/body>/i);
  return at >= 0 ? html.slice(0, at) + block + html.slice(at) : html + block;
}
