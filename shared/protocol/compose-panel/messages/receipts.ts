import * as z from '../../zod';
import { panelView } from '../view';

/** ECO.2.3.1, ECO.2.3.2, ECO.2.2.8: this message's delivery and read receipts, and FIN. */
export const receiptsToggle = {
  type: 'receipts.toggle',
  params: z.object({ key: z.enum(['dsn', 'mdn', 'fin']), value: z.boolean() }),
  result: panelView,
  deadlineMs: 30_000,
} as const;

/** The receipts of this message become the mailbox's defaults. */
export const receiptsSaveDefaults = {
  type: 'receipts.saveDefaults',
  params: z.object({}),
  result: panelView,
  deadlineMs: 30_000,
} as const;
