import { readSettings, writeSettings } from '../settings';
import { fromLabelFix } from '../view';
import { type Handler, onTab } from './panel';

export const handleFixLabel: Handler<'sender.fixLabel'> = (_, panel) =>
  onTab(panel, async (tab) => {
    if (!tab.identity || !tab.details.identityId) return;
    const fix = fromLabelFix(panel.ctx, tab.identity);
    if (fix) await browser.identities.update(tab.details.identityId, { name: fix });
  });

export const handleSetNil: Handler<'sender.setNil'> = ({ nil }, panel) =>
  onTab(panel, async () => {
    await writeSettings({ nil });
  });

export const handleSetAppContact: Handler<'sender.setAppContact'> = ({ contact }, panel) =>
  onTab(panel, async (tab) => {
    if (!tab.identity) return;
    const settings = await readSettings();
    const address = tab.identity.address.toLowerCase();
    await writeSettings({ appContacts: { ...settings.appContacts, [address]: contact } });
  });
