import type { TLSSocket } from 'node:tls';
import { MssanteError, toMssanteError } from '../../shared/errors/mssante-error';
import { HOST_WAITS_MS } from '../../shared/protocol/deadlines';
import type { Result } from '../../shared/protocol/index';
import { openImapSession } from '../bridge/imap-upstream';
import type { BridgeMailbox } from '../bridge/mailbox';
import { withDeadline } from '../net/deadline';
import { authenticateSmtp, openSmtpSession } from '../bridge/smtp-upstream';
import type { TrustContext } from '../trust/verify';

type Step = Result<'mailbox.test'>['imap'];

/** Says goodbye politely, then closes whatever answers (or not). */
function farewell(socket: TLSSocket, line: string): void {
  socket.write(`${line}\r\n`, () => socket.end());
  setTimeout(() => socket.destroy(), 1000).unref();
}

/**
 * One side of the test: opens a session, then says goodbye (also when the answer came too late).
 * A side still waiting after HOST_WAITS_MS.connectionTestSide fails with its own code, before the
 * add-on stops waiting for the host (shared/protocol/deadlines.ts).
 */
async function step(open: () => Promise<{ socket: TLSSocket }>, bye: string): Promise<Step> {
  const work = open().then((session) => farewell(session.socket, bye));
  try {
    await withDeadline(
      work,
      HOST_WAITS_MS.connectionTestSide,
      () =>
        new MssanteError('E_CONNECTION_TEST_TIMEOUT', {
          detail: `no verdict within ${HOST_WAITS_MS.connectionTestSide} ms`,
        }),
    );
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
  // retried once after a refresh), and the add-on waits a bounded time for the answer.
  const [imap, smtp] = await Promise.all([
    step(() => openImapSession(mailbox, trust), 'A9 LOGOUT'),
    step(
      async () => authenticateSmtp(await openSmtpSession(mailbox, trust), mailbox, trust),
      'QUIT',
    ),
  ]);
  return { address: mailbox.address, imap, smtp };
}
