import type { ComposeIdentity } from '../../../shared/domain/mail/compose';
import type { ComposeDeps } from './context';

/**
 * The MSSanté mailbox a compose identity sends from, or null when it is not one of the host's
 * mailboxes (or the host cannot say): then the add-on changes nothing.
 */
export async function identityOf(
  deps: ComposeDeps,
  identityId: string | undefined,
): Promise<ComposeIdentity | null> {
  if (!identityId) return null;
  const identity = await browser.identities.get(identityId);
  const email = identity?.email?.toLowerCase();
  if (!email) return null;
  let mailboxes: Awaited<ReturnType<ComposeDeps['mailboxes']>>;
  try {
    mailboxes = await deps.mailboxes();
  } catch {
    return null;
  }
  const mailbox = mailboxes.find((m) => m.address.toLowerCase() === email);
  if (!mailbox) return null;
  return { address: mailbox.address, profile: mailbox.profile, fullName: identity?.name ?? '' };
}
