import { type OwnAddon, senderKind } from './page-messages';

/** This add-on's id and page base URL, for senderKind (page-messages.ts stays free of `browser`). */
export const ownAddon = (): OwnAddon => ({
  id: browser.runtime.id,
  baseUrl: browser.runtime.getURL(''),
});

/**
 * Serves the ports named `name` that `kind` opens: the add-on's own pages, or its content script
 * in a displayed message (issue 19.10). A port of that name opened by anything else is closed
 * unserved.
 */
export function onOwnPort(
  name: string,
  kind: 'page' | 'content',
  serve: (port: browser.runtime.Port) => void,
): void {
  browser.runtime.onConnect.addListener((port) => {
    if (port.name !== name) return;
    if (senderKind(port.sender, ownAddon()) !== kind) return port.disconnect();
    serve(port);
  });
}
