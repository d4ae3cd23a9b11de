import type { OwnAddon } from './page-messages';

/** This add-on's id and page base URL, for senderKind (page-messages.ts stays free of `browser`). */
export const ownAddon = (): OwnAddon => ({
  id: browser.runtime.id,
  baseUrl: browser.runtime.getURL(''),
});
