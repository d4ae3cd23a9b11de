import { toFrenchDate } from '../../../shared/domain/cda/dates';
import { type KnownPatient, knownFromXdm } from '../../../shared/domain/mail/compose-patients';
import type { XdmInspection } from '../../../shared/domain/xdm/reader';
import { MssanteError, toMssanteError } from '../../../shared/errors/mssante-error';
import type { Locale } from '../../../shared/errors/codes';
import type { BannerXdm } from './banner-model';
import {
  type WorkerLike,
  XDM_INSPECTION_BUDGET_MS,
  XDM_WORKER_SCRIPT,
  embeddedPdfInWorker,
  inspectInWorker,
} from './xdm-inspect';

/** Largest attachment inspected as an XDM archive (the reader bounds the rest). */
export const MAX_XDM_BYTES = 64 * 1024 * 1024;

/** A fresh worker of the add-on's own script (the CSP allows nothing else). */
function addonWorker(): WorkerLike {
  return new Worker(browser.runtime.getURL(XDM_WORKER_SCRIPT)) as unknown as WorkerLike;
}

async function attachmentFile(messageId: number, partName: string): Promise<File> {
  const file = await browser.messages.getAttachmentFile(messageId, partName);
  if (file.size > MAX_XDM_BYTES)
    throw new MssanteError('E_RECEIVE_ATTACHMENT_TOO_LARGE', { detail: `${file.size} bytes` });
  return file;
}

/** An attachment read as an XDM archive, in a worker within a time budget (xdm-inspect.ts). */
export async function inspectAttachment(
  messageId: number,
  partName: string,
  budgetMs = XDM_INSPECTION_BUDGET_MS,
): Promise<XdmInspection> {
  return inspectInWorker(await attachmentFile(messageId, partName), {
    createWorker: addonWorker,
    budgetMs: Math.min(budgetMs, XDM_INSPECTION_BUDGET_MS),
  });
}

/** The banner's summary of one attachment; a hostile or invalid archive is a coded warning. */
export async function summarise(
  messageId: number,
  attachment: browser.messages.MessageAttachment,
  attachmentNames: ReadonlySet<string>,
  locale: Locale,
  budgetMs: number,
  /** Feeds the compose picker (the banner's own: MSSanté accounts only, issue 19.4). */
  remember?: (patient: KnownPatient) => Promise<void>,
): Promise<BannerXdm> {
  const base = { partName: attachment.partName, name: attachment.name ?? '' };
  try {
    const inspection = await inspectAttachment(messageId, attachment.partName, budgetMs);
    const p = inspection.patient;
    // The patient picker of the compose window offers the patients of received XDMs (ECO.3.1.5).
    const known = remember && knownFromXdm(p);
    if (known) await remember(known);
    return {
      ok: true,
      ...base,
      patient: {
        qualified: p.qualified,
        ...(p.birthName ? { birthName: p.birthName } : {}),
        ...(p.firstName ? { firstName: p.firstName } : {}),
        ...(p.birthDate ? { birthDate: toFrenchDate(p.birthDate) } : {}),
        ...(p.ins ? { ins: p.ins } : {}),
      },
      documents: inspection.documents.map((d, index) => {
        const date = d.serviceStart ?? d.header.effectiveTime;
        return {
          index,
          type: d.displayName ?? d.entryName,
          level: d.level,
          pdf:
            d.pdfName && attachmentNames.has(d.pdfName)
              ? 'attachment'
              : d.level === 'N1'
                ? 'embedded'
                : null,
          ...(date ? { date: toFrenchDate(date) } : {}),
          ...(d.code ? { code: d.code } : {}),
        };
      }),
    };
  } catch (error) {
    const wire = toMssanteError(error).toWire(locale);
    return { ok: false, ...base, code: wire.code, message: wire.message };
  }
}

/** The PDF embedded in an N1 document of an attachment, whole (for a Blob), decoded in a worker. */
export async function embeddedPdf(
  messageId: number,
  partName: string,
  index: number,
): Promise<Uint8Array[]> {
  return embeddedPdfInWorker(await attachmentFile(messageId, partName), index, {
    createWorker: addonWorker,
  });
}
