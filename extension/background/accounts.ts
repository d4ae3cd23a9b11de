import type { MessageType, Params, Result } from '../../shared/protocol/index';

type Request = <T extends MessageType>(type: T, params: Params<T>) => Promise<Result<T>>;
type Mailbox = Result<'mailbox.list'>['mailboxes'][number];

export const SETUP_PAGE = 'ui/setup/setup.html';

/**
 * The Thunderbird side of an MSSanté mailbox (experiment mssanteAccounts): an IMAP account, an
 * SMTP server and an identity on the bridge's loopback ports, the bridge's local secret as their
 * password, and the From display name (ECO.2.2.7).
 */
export function createAccount(
  mailbox: Pick<Mailbox, 'address' | 'imapPort' | 'smtpPort' | 'secret'>,
  fullName: string,
): ReturnType<typeof browser.mssanteAccounts.create> {
  return browser.mssanteAccounts.create({
    address: mailbox.address,
    fullName,
    imapPort: mailbox.imapPort,
    smtpPort: mailbox.smtpPort,
    secret: mailbox.secret,
  });
}

/**
 * "Supprimer la boîte": the Thunderbird account, its SMTP server and identity (experiment), then
 * the host's endpoints and what it keeps for the mailbox (mailbox.remove). Either may be missing
 * already (a half-done setup): what exists goes.
 */
export async function removeMailbox(address: string, request: Request): Promise<void> {
  const accountId = await browser.mssanteAccounts.find(address);
  if (accountId) await browser.mssanteAccounts.remove(accountId);
  await request('mailbox.remove', { address });
}

let firstRun = false;

/**
 * Opens the setup page on the add-on's first run when the host serves no mailbox yet (called at
 * the background's start: onInstalled fires only to listeners added then).
 */
export function watchFirstRun(): void {
  browser.runtime.onInstalled.addListener((details) => {
    if (details.reason === 'install') firstRun = true;
  });
}

/**
 * The host's mailboxes are the source of truth: each gets its Thunderbird account, pointed at
 * the bridge's current ports (the host may have had to move them). `fullName` names an account
 * that has to be created again (the setup page names new ones itself).
 */
export async function syncAccounts(
  request: Request,
  fullName: (mailbox: Mailbox) => string,
): Promise<void> {
  const { mailboxes } = await request('mailbox.list', {});
  for (const m of mailboxes) {
    const accountId = await browser.mssanteAccounts.find(m.address);
    if (accountId) await browser.mssanteAccounts.updatePorts(accountId, m.imapPort, m.smtpPort);
    else await createAccount(m, fullName(m));
  }
  if (firstRun && mailboxes.length === 0) {
    firstRun = false;
    await browser.tabs.create({ url: browser.runtime.getURL(SETUP_PAGE) });
  }
  firstRun = false;
}
