import { XDM_SUBJECT_PREFIX } from '../../../shared/domain/mail/subject';
import { toMssanteError } from '../../../shared/errors/mssante-error';
import type { Locale } from '../../../shared/errors/codes';
import { serveBanners } from './banner';
import { IncomingMessages } from './incoming';
import { ensureTags } from './tags';

/** The banner script, registered for every displayed message (scripting.messageDisplay, MV3). */
const BANNER_SCRIPT = {
  id: 'mssante-receive-banner',
  js: ['message-display/banner.js'],
  css: ['message-display/banner.css'],
};

/**
 * Receiving MSSanté mail (issue 9): tags, display subjects and receipts on the MSSanté
 * accounts, the banner of each displayed message, delivery reports matched to sent messages.
 */
export function startReceive(): void {
  const locale: Locale = browser.i18n.getUILanguage().toLowerCase().startsWith('en') ? 'en' : 'fr';
  const onError = (error: unknown) =>
    console.warn('[mssante receive]', toMssanteError(error).toWire(locale).code, error);
  const mssanteAccounts = () => browser.mssanteReceive.listAccounts();
  const incoming = new IncomingMessages(() => Date.now(), onError, mssanteAccounts);
  serveBanners(locale, onError);

  const configured = new Set<string>();
  const scan = async () => {
    const accounts = await browser.mssanteReceive.listAccounts();
    for (const accountId of accounts) {
      // Folders appear after the account: each scan sets the column layout of new ones.
      await browser.mssanteReceive.useSubjectColumn(accountId);
      if (configured.has(accountId)) continue;
      await browser.mssanteReceive.setReceiptPolicy(accountId);
      configured.add(accountId);
    }
    await incoming.scanAccounts(accounts);
  };
  let pending: ReturnType<typeof setTimeout> | undefined;
  const scanSoon = () => {
    clearTimeout(pending);
    pending = setTimeout(() => void scan().catch(onError), 500);
  };

  browser.messages.onNewMailReceived.addListener((_folder, list) => {
    void incoming.processList(list.messages);
    scanSoon(); // the list is the first page only when many arrive at once
  });
  browser.folders.onFolderInfoChanged.addListener(() => scanSoon());
  browser.accounts.onCreated.addListener(() => scanSoon());

  void (async () => {
    await ensureTags();
    await browser.mssanteReceive.addSubjectColumn(browser.i18n.getMessage('receiveColumnSubject'));
    // ECO.3.1.3: Thunderbird's displays of a received subject show the display subject; the
    // new-mail notification waits briefly for that of a subject with the XDM prefix.
    await browser.mssanteReceive.showDisplaySubjects(XDM_SUBJECT_PREFIX);
    const registered = await browser.scripting.messageDisplay.getRegisteredScripts();
    if (!registered.some((s) => s.id === BANNER_SCRIPT.id))
      await browser.scripting.messageDisplay.registerScripts([BANNER_SCRIPT]);
    await scan();
  })().catch(onError);
}
