import * as z from '../../zod';
import { panelView } from '../view';

/** First message of every panel port: which compose tab the panel follows; answers its view. */
export const panelAttach = {
  type: 'panel.attach',
  params: z.object({ tabId: z.int().check(z.gt(0)) }),
  result: panelView,
  deadlineMs: 30_000,
} as const;
