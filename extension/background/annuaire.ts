import type { HostEvent, MessageType, Params, Result } from '../../shared/protocol/index';
import { onOwnPort } from './own-addon';
import { entryVCard } from './annuaire-contacts';

/**
 * The Annuaire Santé in Thunderbird (ECO.3.1.4), background side:
 * - an address book provider, "Annuaire Santé (MSSanté)": Thunderbird asks it as the user types
 *   in a recipient field (and in the address book window), the host answers from LDAP or the
 *   offline index; patients never come from it;
 * - a "Search the Annuaire Santé" menu entry in the compose window (body context menu, Tools),
 *   which opens the search dialog bound to that compose tab;
 * - the import's progress events, relayed to the dialog pages through a port.
 */
type Request = <T extends MessageType>(type: T, params: Params<T>) => Promise<Result<T>>;
type Progress = Extract<HostEvent, { event: 'annuaire-progress' }>['data'];

export const ANNUAIRE_BOOK_ID = 'mssante-annuaire';
export const ANNUAIRE_BOOK_NAME = 'Annuaire Santé (MSSanté)';
export const ANNUAIRE_PROGRESS_PORT = 'annuaire-progress';
const MENU_ID = 'mssante-annuaire-search';
/** Entries proposed per autocomplete request. */
const AUTOCOMPLETE_LIMIT = 20;

/** The search dialog's address; `compose` is the compose tab the "add to" buttons fill. */
export function annuaireDialogUrl(composeTabId?: number): string {
  const page = browser.runtime.getURL('ui/annuaire/annuaire.html');
  return composeTabId === undefined ? page : `${page}?compose=${composeTabId}`;
}

export function openAnnuaireDialog(composeTabId?: number): Promise<unknown> {
  return browser.windows.create({
    type: 'popup',
    url: annuaireDialogUrl(composeTabId),
    width: 980,
    height: 720,
  });
}

/**
 * Wires the Annuaire into Thunderbird. Must run in the background's first turn: Manifest V3
 * keeps only the provider listeners registered then (they wake the background later).
 */
export function startAnnuaire(request: Request): { onProgress: (data: Progress) => void } {
  const listener = async (_node: unknown, searchString?: string) => {
    const query = (searchString ?? '').trim();
    // Browsing the book without a search string: nothing to list (a directory of 10⁵ entries).
    if (!query) return { results: [], isCompleteResult: true };
    try {
      const found = await request('annuaire.autocomplete', {
        query: query.slice(0, 128),
        limit: AUTOCOMPLETE_LIMIT,
      });
      // Never complete: a longer input must be asked again (the host caps each answer).
      return { results: found.entries.map(entryVCard), isCompleteResult: false };
    } catch {
      // Host down, blank or invalid input: the other address books still answer.
      return { results: [], isCompleteResult: false };
    }
  };
  browser.addressBooks.provider.onSearchRequest.addListener(
    listener as unknown as (node: unknown, searchString: string) => void,
    { addressBookName: ANNUAIRE_BOOK_NAME, isSecure: true, id: ANNUAIRE_BOOK_ID },
  );

  // The menu entry survives background restarts: remove it before creating it again.
  void browser.menus
    .remove(MENU_ID)
    .catch(() => undefined)
    .then(() =>
      browser.menus.create({
        id: MENU_ID,
        title: browser.i18n.getMessage('annuaireMenuSearch'),
        contexts: ['compose_body', 'tools_menu'],
      }),
    )
    .catch(() => undefined);
  browser.menus.onClicked.addListener((info, tab) => {
    if (info.menuItemId !== MENU_ID) return;
    void openAnnuaireDialog(tab?.type === 'messageCompose' ? tab.id : undefined);
  });

  const ports = new Set<browser.runtime.Port>();
  onOwnPort(ANNUAIRE_PROGRESS_PORT, 'page', (port) => {
    ports.add(port);
    port.onDisconnect.addListener(() => ports.delete(port));
  });
  return {
    onProgress: (data) => {
      for (const port of ports) port.postMessage(data);
    },
  };
}
