import { knownFromXdm } from '../../../shared/domain/mail/compose-patients';
import type { ComposeContext } from './context';
import { type AttachmentReading, readAttachment } from './inspect';
import { rememberPatient } from './settings';

/**
 * The reading of one attachment of a compose tab as an XDM, made once per attachment (and name):
 * the patient of an XDM is remembered (known patients); an unreadable file is `other`.
 */
export function readingOf(
  ctx: ComposeContext,
  tabId: number,
  attachment: browser.compose.ComposeAttachment,
): Promise<AttachmentReading> {
  const s = ctx.tabs.state(tabId);
  const name = attachment.name ?? '';
  const known = s.readings.get(attachment.id);
  if (known && known.name === name) return known.reading;
  const reading = browser.compose
    .getAttachmentFile(attachment.id)
    .then((file) => readAttachment(name, file))
    .then(async (r) => {
      if (r.kind === 'xdm') {
        const patient = knownFromXdm(r.inspection.patient);
        if (patient) await rememberPatient(patient);
      }
      return r;
    })
    .catch((): AttachmentReading => ({ kind: 'other' }));
  s.readings.set(attachment.id, { name, reading });
  return reading;
}

/** Every attachment of the tab with its reading, in the compose window's order. */
export async function readAttachments(
  ctx: ComposeContext,
  tabId: number,
): Promise<Array<{ name: string; reading: AttachmentReading }>> {
  const attachments = await browser.compose.listAttachments(tabId);
  return Promise.all(
    attachments.map(async (a) => ({ name: a.name ?? '', reading: await readingOf(ctx, tabId, a) })),
  );
}

/** The attachment of the tab named `name`, if any. */
export async function attachmentNamed(
  tabId: number,
  name: string,
): Promise<browser.compose.ComposeAttachment | undefined> {
  return (await browser.compose.listAttachments(tabId)).find((a) => a.name === name);
}
