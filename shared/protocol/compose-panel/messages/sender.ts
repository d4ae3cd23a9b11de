import * as z from '../../zod';
import { panelView } from '../view';

/** ECO.2.2.7: the identity's display name becomes the label the panel offers. */
export const senderFixLabel = {
  type: 'sender.fixLabel',
  params: z.object({}),
  result: panelView,
  deadlineMs: 30_000,
} as const;

/** ECO.2.4.3: the product reference sent as X-MSS-NIL (empty: the default). */
export const senderSetNil = {
  type: 'sender.setNil',
  params: z.object({ nil: z.string().check(z.maxLength(200)) }),
  result: panelView,
  deadlineMs: 30_000,
} as const;

/** ECO.2.2.5: the PER/ORG address the messages of this APP mailbox point to. */
export const senderSetAppContact = {
  type: 'sender.setAppContact',
  params: z.object({ contact: z.string().check(z.maxLength(254)) }),
  result: panelView,
  deadlineMs: 30_000,
} as const;
