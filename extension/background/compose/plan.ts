import { checkedAddresses, type KnownPatient } from '../../../shared/domain/mail/compose-patients';
import {
  type ComposeIdentity,
  type ComposePlan,
  planCompose,
} from '../../../shared/domain/mail/compose';
import type { Toggles } from '../../../shared/protocol/compose-panel/index';
import { readAttachments } from './attachments';
import type { ComposeContext } from './context';
import { identityOf } from './identity';
import { knownPatients, readSettings, receiptDefaults } from './settings';

export interface Planned {
  readonly identity: ComposeIdentity;
  readonly plan: ComposePlan;
  readonly toggles: Toggles;
  readonly patients: KnownPatient[];
}

/** Every recipient (To, Cc, Bcc) typed in the compose window. */
export const recipientsOf = (d: browser.compose.ComposeDetails): string[] =>
  [d.to, d.cc, d.bcc]
    .flatMap((list) => (list === undefined ? [] : Array.isArray(list) ? list : [list]))
    .map((r) => (typeof r === 'string' ? r : ''))
    .filter((r) => r.length > 0);

/** This message's receipt and FIN toggles: the mailbox's defaults until the panel changes them. */
export async function togglesOf(
  ctx: ComposeContext,
  tabId: number,
  identity: ComposeIdentity,
): Promise<Toggles> {
  const s = ctx.tabs.state(tabId);
  if (!s.toggles) s.toggles = { ...(await receiptDefaults(identity.address)), fin: false };
  return s.toggles;
}

/**
 * What the add-on will do to the message of a compose tab (shared/domain/mail/compose.ts), or
 * null when its identity is not an MSSanté mailbox.
 */
export async function planFor(
  ctx: ComposeContext,
  tabId: number,
  details: browser.compose.ComposeDetails,
): Promise<Planned | null> {
  const identity = await identityOf(ctx.deps, details.identityId);
  if (!identity) return null;
  const read = await readAttachments(ctx, tabId);
  // ECO.2.1.5: the N1 documents' embedded PDF digests, needed only when a PDF is attached.
  const withPdf = read.some((a) => a.reading.kind === 'pdf');
  const digests = await Promise.all(
    read.map((a) =>
      withPdf && a.reading.kind === 'xdm' ? a.reading.embeddedPdfSha256() : undefined,
    ),
  );
  const settings = await readSettings();
  const toggles = await togglesOf(ctx, tabId, identity);
  const patients = await knownPatients();
  const appContact = settings.appContacts[identity.address.toLowerCase()];
  const plan = planCompose({
    identity,
    subject: details.subject ?? '',
    recipients: recipientsOf(details),
    attachments: read.map((a, i) => ({
      name: a.name,
      ...(a.reading.kind === 'xdm' ? { xdm: a.reading.inspection } : {}),
      ...(digests[i] ? { embeddedPdfSha256: digests[i] } : {}),
      ...(a.reading.kind === 'pdf' ? { pdf: a.reading.facts } : {}),
      ...(a.reading.kind === 'refused' ? { xdmError: a.reading.code } : {}),
    })),
    isPlainText: details.isPlainText !== false,
    options: {
      nil: settings.nil,
      ...toggles,
      ...(appContact ? { appContact } : {}),
      checkedPatientAddresses: checkedAddresses(patients),
    },
    locale: ctx.deps.locale,
  });
  return { identity, plan, toggles, patients };
}
