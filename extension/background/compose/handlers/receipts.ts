import { togglesOf } from '../plan';
import { setReceiptDefaults } from '../settings';
import { type Handler, onTab } from './panel';

export const handleToggle: Handler<'receipts.toggle'> = ({ key, value }, panel) =>
  onTab(panel, async (tab) => {
    if (!tab.identity) return;
    (await togglesOf(panel.ctx, tab.id, tab.identity))[key] = value;
  });

export const handleSaveDefaults: Handler<'receipts.saveDefaults'> = (_, panel) =>
  onTab(panel, async (tab) => {
    if (!tab.identity) return;
    const t = await togglesOf(panel.ctx, tab.id, tab.identity);
    await setReceiptDefaults(tab.identity.address, { dsn: t.dsn, mdn: t.mdn });
  });
