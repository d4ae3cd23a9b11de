import { classifySender, type SenderClass } from '../../../shared/domain/mail/sender';
import { displaySubject, isXdmSubject } from '../../../shared/domain/mail/subject';
import { MssanteError, toMssanteError } from '../../../shared/errors/mssante-error';
import type { Locale } from '../../../shared/errors/codes';
import {
  BANNER_PORT,
  type BannerModel,
  type BannerReply,
  type BannerRequest,
  isEmpty,
} from './banner-model';
import { deliveryBanner, reportBanner, sentStatus, storedReport } from './delivery';
import { bannerRequest, isIn, isXdmCandidate } from './checks';
import { onOwnPort } from '../own-addon';
import { rememberAndReport } from '../compose/settings';
import type { KnownPatient } from '../../../shared/domain/mail/compose-patients';
import { embeddedPdf, inspectAttachment, summarise } from './xdm';
import { XDM_MESSAGE_BUDGET_MS } from './xdm-inspect';

function sender(author: string): SenderClass | null {
  try {
    return classifySender(author);
  } catch {
    return null;
  }
}

/** The banner of one displayed message (ECO.3.1.2 patient identity, XDM summary, delivery status). */
export async function bannerModel(
  message: browser.messages.MessageHeader,
  locale: Locale,
  remember?: (patient: KnownPatient) => Promise<void>,
): Promise<BannerModel> {
  const from = sender(message.author);
  const attachments = await browser.messages.listAttachments(message.id);
  const names = new Set(attachments.map((a) => a.name ?? ''));
  const xdm = [];
  const deadline = Date.now() + XDM_MESSAGE_BUDGET_MS;
  for (const a of attachments.filter(isXdmCandidate))
    xdm.push(await summarise(message.id, a, names, locale, deadline - Date.now(), remember));
  const status = await sentStatus(message.headerMessageId);
  const report = status ? null : await storedReport(message.headerMessageId);
  const delivery = status
    ? deliveryBanner(status, false, locale)
    : report
      ? reportBanner(report, locale)
      : undefined;
  return {
    xdm,
    ...(from?.kind === 'patient'
      ? {
          patient: {
            address: from.address,
            ...(from.lastName ? { birthName: from.lastName } : {}),
            ...(from.firstName ? { firstName: from.firstName } : {}),
            ...(from.ins ? { ins: from.ins } : {}),
          },
        }
      : {}),
    ...(delivery ? { delivery } : {}),
    ...(isXdmSubject(message.subject) ? { displaySubject: displaySubject(message.subject) } : {}),
  };
}

/**
 * Only the messages of MSSanté accounts are looked at: another account's message (or a message
 * opened from a file) gets no banner, and its attachments are never read.
 */
export async function isMssanteMessage(message: browser.messages.MessageHeader): Promise<boolean> {
  return isIn(message, new Set(await browser.mssanteReceive.listAccounts()));
}

async function displayed(tabId: number | undefined): Promise<browser.messages.MessageHeader> {
  if (tabId === undefined) throw new MssanteError('E_RECEIVE_NO_MESSAGE');
  // MV3 returns a MessageList, MV2 an array.
  const shown = (await browser.messageDisplay.getDisplayedMessages(tabId)) as
    browser.messages.MessageHeader[] | browser.messages.MessageList;
  const [message] = Array.isArray(shown) ? shown : shown.messages;
  if (!message) throw new MssanteError('E_RECEIVE_NO_MESSAGE');
  return message;
}

async function act(
  request: BannerRequest,
  message: browser.messages.MessageHeader,
  tabId: number,
): Promise<void> {
  if (!(await isMssanteMessage(message)))
    throw new MssanteError('E_RECEIVE_NO_MESSAGE', { detail: 'not an MSSanté account' });
  const attachments = await browser.messages.listAttachments(message.id);
  const attachment = attachments.find((a) => a.partName === request.partName);
  if (!attachment) throw new MssanteError('E_RECEIVE_NO_MESSAGE', { detail: request.partName });
  switch (request.kind) {
    case 'openPdf': {
      const inspection = await inspectAttachment(message.id, attachment.partName);
      const pdfName = inspection.documents[request.index]?.pdfName;
      const pdfAttachment = pdfName ? attachments.find((a) => a.name === pdfName) : undefined;
      if (pdfAttachment) {
        await browser.messages.openAttachment(message.id, pdfAttachment.partName, tabId);
        return;
      }
      const chunks = await embeddedPdf(message.id, attachment.partName, request.index);
      const url = URL.createObjectURL(new Blob(chunks as BlobPart[], { type: 'application/pdf' }));
      await browser.tabs.create({ url });
      return;
    }
    case 'saveArchive': {
      const file = await browser.messages.getAttachmentFile(message.id, attachment.partName);
      const url = URL.createObjectURL(file);
      try {
        await browser.downloads.download({ url, filename: attachment.name, saveAs: true });
      } finally {
        setTimeout(() => URL.revokeObjectURL(url), 60_000);
      }
      return;
    }
  }
}

/** Serves the banner script of each displayed message over its port. */
export function serveBanners(locale: Locale, onError: (error: unknown) => void): void {
  // Only the archives of MSSanté accounts feed the compose picker; a conflict is journaled.
  const remember = (patient: KnownPatient) => rememberAndReport(patient, onError);
  // Only the messages of MSSanté accounts get a banner and feed the picker (issue 19.3, 19.4).
  const modelOf = async (message: browser.messages.MessageHeader) =>
    (await isMssanteMessage(message)) ? bannerModel(message, locale, remember) : null;
  // Issue 19.10: the banner port is for the add-on's content script in a displayed message.
  onOwnPort(BANNER_PORT, 'content', (port) => {
    const tabId = port.sender?.tab?.id;
    const reply = (r: BannerReply) => {
      try {
        port.postMessage(r);
      } catch {
        // The message was closed meanwhile.
      }
    };
    const fail = (error: unknown) => {
      const wire = toMssanteError(error).toWire(locale);
      reply({ kind: 'error', code: wire.code, message: wire.message });
    };
    displayed(tabId)
      .then(modelOf)
      .then((model) => reply({ kind: 'model', model: !model || isEmpty(model) ? null : model }))
      .catch((error: unknown) => {
        onError(error);
        fail(error);
      });
    port.onMessage.addListener((raw: unknown) => {
      const request = bannerRequest(raw);
      if (!request) return;
      displayed(tabId)
        .then((message) => act(request, message, tabId!))
        .catch(fail);
    });
  });
}
