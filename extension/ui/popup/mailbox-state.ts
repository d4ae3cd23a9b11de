import { errorMessage, isErrorCode, type Locale } from '../../../shared/errors/codes';
import type { Result } from '../../../shared/protocol/index';

type Mailbox = Result<'mailbox.list'>['mailboxes'][number];
type Psc = Result<'psc.status'> | null;

export type MailboxState =
  | { state: 'connected' }
  | { state: 'needs-psc' }
  | { state: 'error'; code: string; message: string };

/**
 * ECO.1.2.3 / ECO.3.2.3: what one mailbox's line in the popup says. A PER/ORG mailbox needs the
 * PSC session before anything else; otherwise its last failure (in the user's language, from its
 * code), or connected.
 */
export function mailboxState(mailbox: Mailbox, psc: Psc, locale: Locale): MailboxState {
  if (mailbox.dependsOnPsc && psc?.state !== 'signed-in') return { state: 'needs-psc' };
  const e = mailbox.lastError;
  if (e) {
    const message = isErrorCode(e.code) ? errorMessage(e.code, locale) : e.message;
    return { state: 'error', code: e.code, message };
  }
  return { state: 'connected' };
}

/**
 * What the popup says instead of "not configured" when the host refused its PSC configuration
 * (e.g. E_CONFIG_READABLE): the code's sentence in the user's language, and the detail (for that
 * code, the chmod to run).
 */
export function configProblemText(
  problem: NonNullable<NonNullable<Psc>['configError']>,
  locale: Locale,
): string {
  if (!isErrorCode(problem.code)) return problem.message;
  const sentence = errorMessage(problem.code, locale);
  return problem.detail ? `${sentence} (${problem.detail})` : sentence;
}
