import { attachmentNamed } from '../attachments';
import { embeddedPdf } from '../inspect';
import { generatedPdfA } from '../pdfa';
import { type Handler, onTab } from './panel';

export const handleRenamePdf: Handler<'pdf.rename'> = ({ from, to }, panel) =>
  onTab(panel, async (tab) => {
    const a = await attachmentNamed(tab.id, from);
    if (a) await browser.compose.updateAttachment(tab.id, a.id, { name: to });
  });

export const handleAttachEmbedded: Handler<'pdf.attachEmbedded'> = (offer, panel) =>
  onTab(panel, async (tab) => {
    const a = await attachmentNamed(tab.id, offer.attachment);
    if (!a) return;
    const xdm = await browser.compose.getAttachmentFile(a.id);
    const file = await embeddedPdf(xdm, offer.entryName, offer.pdfName);
    await browser.compose.addAttachment(tab.id, { file, name: offer.pdfName });
  });

export const handleAttachPdfA: Handler<'pdf.attachPdfA'> = (offer, panel) =>
  onTab(panel, async (tab) => {
    const list = await browser.compose.listAttachments(tab.id);
    const a = list.find((x) => x.name === offer.attachment);
    // A second click, during the generation or after, attaches nothing more.
    const key = `${tab.id}\n${offer.pdfName}`;
    const generating = panel.ctx.tabs.generating;
    if (!a || generating.has(key) || list.some((x) => x.name === offer.pdfName)) return;
    generating.add(key);
    try {
      const xdm = await browser.compose.getAttachmentFile(a.id);
      const file = await generatedPdfA(xdm, offer.entryName, offer.pdfName);
      await browser.compose.addAttachment(tab.id, { file, name: offer.pdfName });
    } finally {
      generating.delete(key);
    }
  });
