import { MssanteError } from '../../shared/errors/mssante-error';
import type { MessageType, Params, Result } from '../../shared/protocol/index';
import { endpointOf, syncPlan } from './bridge-endpoints';

type Request = <T extends MessageType>(type: T, params: Params<T>) => Promise<Result<T>>;
type Mailbox = Result<'mailbox.list'>['mailboxes'][number];

export const SETUP_PAGE = 'ui/setup/setup.html';

/**
 * The Thunderbird side of an MSSanté mailbox (experiment mssanteAccounts): an IMAP account, an
 * SMTP server and an identity on the bridge's loopback ports over TLS with the bridge's pinned
 * certificate, the bridge's local secret as their password, and the From display name
 * (ECO.2.2.7). A mailbox whose bridge is not bound (E_BRIDGE_PORT_TAKEN) gets no account.
 */
export function createAccount(
  mailbox: Pick<Mailbox, 'address' | 'imapPort' | 'smtpPort' | 'secret' | 'tlsCertificate'>,
  fullName: string,
): ReturnType<typeof browser.mssanteAccounts.create> {
  const endpoint = endpointOf(mailbox);
  if (!endpoint) throw new MssanteError('E_BRIDGE_PORT_TAKEN', { detail: mailbox.address });
  return browser.mssanteAccounts.create({ address: mailbox.address, fullName, ...endpoint });
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
 * the bridge of this host start (ports, local secret and pinned certificate change with it). A
 * mailbox whose bridge is not bound (its port taken, E_BRIDGE_PORT_TAKEN, shown in the popup)
 * is left alone: Thunderbird keeps the old pin, which the program holding the port cannot pass;
 * the sync then throws E_BRIDGE_PORT_TAKEN naming those mailboxes. `fullName` names an account
 * that has to be created again (the setup page names new ones).
 */
export async function syncAccounts(
  request: Request,
  fullName: (mailbox: Mailbox) => string,
): Promise<void> {
  const { mailboxes } = await request('mailbox.list', {});
  const { bound, unbound } = syncPlan(mailboxes);
  for (const { mailbox: m, endpoint } of bound) {
    const accountId = await browser.mssanteAccounts.find(m.address);
    if (accountId) await browser.mssanteAccounts.update(accountId, endpoint);
    else await createAccount(m, fullName(m));
  }
  if (firstRun && mailboxes.length === 0) {
    firstRun = false;
    await browser.tabs.create({ url: browser.runtime.getURL(SETUP_PAGE) });
  }
  firstRun = false;
  // Told, not hidden: the caller shows the sentence (a notification), the popup the mailbox's line.
  if (unbound.length)
    throw new MssanteError('E_BRIDGE_PORT_TAKEN', { detail: unbound.join(', ').slice(0, 500) });
}
