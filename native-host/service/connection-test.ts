import type { TLSSocket } from 'node:tls';
import { toMssanteError } from '../../shared/errors/mssante-error';
import type { Result } from '../../shared/protocol/index';
import { openImapSession } from '../bridge/imap-upstream';
import type { BridgeMailbox } from '../bridge/mailbox';
import { authenticateSmtp, openSmtpSession } from '../bridge/smtp-upstream';
import type { TrustContext } from '../trust/verify';

type Step = Result<'mailbox.test'>['imap'];

/** Says goodbye politely, then closes whatever answers (or not). */
function farewell(socket: TLSSocket, line: string): void {
  socket.write(`${line}\r\n`, () => socket.end());
  setTimeout(() => socket.destroy(), 1000).unref();
}

async function step(run: () => Promise<void>): Promise<Step> {
  try {
    await run();
    return { ok: true };
  } catch (error) {
    return { ok: false, error: toMssanteError(error).toWire() };
  }
}

/**
 * ECO.1.1.9 "then test the connection": the upstream IMAP and SMTP of one mailbox opened with the
 * bridge's own functions (openImapSession, openSmtpSession + authenticateSmtp: STARTTLS under the
 * trust policy, then XOAUTH2 or the APP certificate + PLAIN), then logged out. Both are tried so
 * the user learns about each; the refusals keep their codes.
 */
export async function testMailboxConnection(
  mailbox: BridgeMailbox,
  trust: TrustContext,
): Promise<Result<'mailbox.test'>> {
  // Side by side: an operator delays refused logins (Dovecot: 2 s each, a refused token is
  // retried once after a refresh), and the add-on waits 10 s for an answer.
  const [imap, smtp] = await Promise.all([
    step(async () => {
      const session = await openImapSession(mailbox, trust);
      farewell(session.socket, 'A9 LOGOUT');
    }),
    step(async () => {
      const opened = await openSmtpSession(mailbox, trust);
      const session = await authenticateSmtp(opened, mailbox, trust);
      farewell(session.socket, 'QUIT');
    }),
  ]);
  return { address: mailbox.address, imap, smtp };
}
