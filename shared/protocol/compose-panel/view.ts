import * as z from '../zod';

// What the panel shows (and the e2e reads): the background's compose plan for the tab, with
// the sentences already in the user's language. Readonly, so the domain's plan fits as it is.

const text = z.string().check(z.maxLength(10_000));
const list = <T extends z.core.SomeType>(item: T) => z.readonly(z.array(item));

const partialDate = z.object({
  year: z.int(),
  month: z.optional(z.int()),
  day: z.optional(z.int()),
});

const xdmPatient = z.object({
  ins: z.optional(text),
  oid: z.optional(text),
  birthName: z.optional(text),
  firstName: z.optional(text),
  birthDate: z.optional(partialDate),
  sex: z.optional(text),
  qualified: z.boolean(),
});

const pdfOffer = z.object({ attachment: text, entryName: text, pdfName: text });

/** shared/domain/mail/compose.ts ComposePlan. */
export const composePlan = z.object({
  patient: z.optional(xdmPatient),
  documents: list(
    z.object({
      displayName: z.optional(text),
      code: z.optional(text),
      level: z.enum(['N1', 'N3']),
      pdfName: z.optional(text),
    }),
  ),
  subject: z.optional(text),
  headers: list(z.object({ name: text, value: text })),
  returnReceipt: z.boolean(),
  deliveryFormat: z.optional(z.literal('both')),
  replyTo: z.optional(text),
  appMention: z.optional(text),
  toPatient: z.boolean(),
  pdfRenames: list(z.object({ from: text, to: text })),
  embeddedPdfOffers: list(pdfOffer),
  pdfaOffers: list(pdfOffer),
  problems: list(z.object({ code: text, blocking: z.boolean(), detail: z.optional(text) })),
});

export const toggles = z.object({ dsn: z.boolean(), mdn: z.boolean(), fin: z.boolean() });

/** shared/domain/mail/compose-patients.ts KnownPatient, with its address when one is built. */
const knownPatient = z.object({
  ins: text,
  birthName: z.optional(text),
  firstName: z.optional(text),
  birthDate: z.optional(text),
  sex: z.optional(text),
  qualified: z.boolean(),
  source: z.enum(['xdm', 'mes', 'user']),
  confirmedAt: z.optional(text),
  address: z.optional(text),
});

export const panelView = z.object({
  /** False: the identity is not an MSSanté mailbox and the add-on changes nothing. */
  mssante: z.boolean(),
  identity: z.optional(
    z.object({
      address: text,
      profile: z.enum(['PER', 'ORG', 'APP']),
      fullName: text,
      labelProblems: list(text),
      labelFix: z.optional(text),
    }),
  ),
  plan: z.optional(composePlan),
  toggles: z.optional(toggles),
  /** The plan's problems, each with its sentence. */
  problems: list(z.object({ code: text, blocking: z.boolean(), text })),
  patients: list(knownPatient),
  /**
   * Issue 19.4: identities a message or archive gave for a known patient that differ from the
   * stored one; the stored one is used until the user accepts the incoming one.
   */
  conflicts: z.optional(
    list(z.object({ ins: text, stored: knownPatient, incoming: knownPatient, traits: list(text) })),
  ),
  /** Problems of the last refused send, shown until the next check. */
  refused: z.optional(list(text)),
});
