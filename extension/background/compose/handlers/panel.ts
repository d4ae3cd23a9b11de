import { MssanteError } from '../../../../shared/errors/mssante-error';
import type {
  PanelMessageType,
  PanelParams,
  PanelResult,
  PanelView,
} from '../../../../shared/protocol/compose-panel/index';
import type { ComposeIdentity } from '../../../../shared/domain/mail/compose';
import type { ComposeContext } from '../context';
import { identityOf } from '../identity';
import type { PanelPort } from '../port';
import { refreshPanels, viewOf } from '../view';

/** One open compose panel: its port, and the compose tab it follows once attached. */
export interface Panel {
  readonly ctx: ComposeContext;
  readonly port: PanelPort;
  tabId?: number;
}

export type Handler<T extends PanelMessageType> = (
  params: PanelParams<T>,
  panel: Panel,
) => Promise<PanelResult<T>>;

/** What an action on the panel's tab works with. */
export interface Tab {
  readonly id: number;
  readonly details: browser.compose.ComposeDetails;
  /** Null when the identity is not an MSSanté mailbox. */
  readonly identity: ComposeIdentity | null;
}

/** panel.attach: the panel follows a compose tab and gets its view. */
export const handleAttach: Handler<'panel.attach'> = async ({ tabId }, panel) => {
  if (panel.tabId !== undefined) panel.ctx.tabs.removePanel(panel.tabId, panel.port);
  panel.tabId = tabId;
  panel.ctx.tabs.addPanel(tabId, panel.port);
  return viewOf(panel.ctx, tabId);
};

/**
 * Runs an action on the panel's tab, then answers the tab's new view (and pushes it to every
 * panel open on the tab). Refused before panel.attach.
 */
export async function onTab(panel: Panel, action: (tab: Tab) => Promise<void>): Promise<PanelView> {
  const id = panel.tabId;
  if (id === undefined)
    throw new MssanteError('E_COMPOSE_PANEL_INVALID', { detail: 'panel.attach first' });
  const details = await browser.compose.getComposeDetails(id);
  const identity = await identityOf(panel.ctx.deps, details.identityId);
  await action({ id, details, identity });
  const view = await viewOf(panel.ctx, id);
  void refreshPanels(panel.ctx, id);
  return view;
}
