import { onOwnPort } from '../own-addon';
import { readingOf } from './attachments';
import { type ComposeContext, type ComposeDeps, ComposeTabs } from './context';
import { handlePanelRequest, type Panel } from './handlers/index';
import { COMPOSE_PANEL_PORT, servePanelPort } from './port';
import { afterSend, beforeSend } from './send';
import { refreshPanels } from './view';

export type { ComposeDeps } from './context';

/**
 * The compose side of the add-on (issue 8, docs/compose.md): reads attached XDMs (attachments),
 * plans the MSSanté headers and subject (plan), refuses what must not leave (send), and serves
 * the compose panel (view, port, handlers). This only wires them to Thunderbird's events.
 */
export function startCompose(deps: ComposeDeps): void {
  const ctx: ComposeContext = { deps, tabs: new ComposeTabs() };

  browser.compose.onAttachmentAdded.addListener((tab, attachment) => {
    const tabId = tab.id;
    if (tabId === undefined) return;
    void readingOf(ctx, tabId, attachment).then(() => refreshPanels(ctx, tabId));
  });
  browser.compose.onAttachmentRemoved?.addListener((tab, attachmentId) => {
    if (tab.id === undefined) return;
    ctx.tabs.state(tab.id).readings.delete(attachmentId);
    void refreshPanels(ctx, tab.id);
  });
  browser.tabs.onRemoved.addListener((tabId) => ctx.tabs.forget(tabId));

  const onBeforeSend = (tab: browser.tabs.Tab, details: browser.compose.ComposeDetails) =>
    beforeSend(ctx, tab, details);
  browser.compose.onBeforeSend.addListener(onBeforeSend as never);
  browser.compose.onAfterSend.addListener(
    (tab, info) =>
      void afterSend(ctx, tab, info).catch((error: unknown) =>
        console.warn('[mssante compose] recording the sent message failed', error),
      ),
  );

  onOwnPort(COMPOSE_PANEL_PORT, 'page', (port) => {
    const panel: Panel = { ctx, port };
    servePanelPort(port, {
      locale: deps.locale,
      handle: (request) => handlePanelRequest(request, panel),
      onDisconnect: () => {
        if (panel.tabId !== undefined) ctx.tabs.removePanel(panel.tabId, port);
      },
    });
  });
}
