import type { TLSSocket } from 'node:tls';
import { scrubCredentials } from '../audit/scrub';
import { MssanteError } from '../../shared/errors/mssante-error';
import { xoauth2InitialResponse } from '../../shared/domain/xoauth2';
import type { PeerReport, TrustContext } from '../trust/verify';
import { LineReader } from '../upstream/line-reader';
import { openUpstream, smtpReply } from '../upstream/starttls';
import { appCertificateRefusal, appLoginRefused } from './app-refusal';
import { type BridgeMailbox, upstreamTarget } from './mailbox';

export interface SmtpSession {
  socket: TLSSocket;
  /** EHLO keywords after TLS (SIZE, DSN, 8BITMIME…). */
  extensions: string[];
  report: PeerReport;
  reader: LineReader;
}

/** STARTTLS under the trust policy, then EHLO again over TLS (ECO.1.0.1). Not yet authenticated. */
export async function openSmtpSession(
  mailbox: BridgeMailbox,
  trust: TrustContext,
): Promise<SmtpSession> {
  const app = mailbox.credentials.kind === 'app';
  const { socket, report } = await openUpstream(upstreamTarget(mailbox, 'smtp'), trust).catch(
    (error: unknown) => {
      throw app ? appCertificateRefusal(error) : error;
    },
  );
  const reader = new LineReader(socket);
  try {
    reader.send('EHLO localhost');
    const ehlo = await smtpReply(reader);
    if (ehlo.code !== 250)
      throw new MssanteError('E_UPSTREAM_PROTOCOL', { detail: `EHLO ${ehlo.code}` });
    return { socket, extensions: ehlo.lines.slice(1), report, reader };
  } catch (error) {
    socket.destroy();
    throw app ? appCertificateRefusal(error) : error;
  }
}

/** RFC 5321 §4.5.3.1.4: a command line, CRLF included, is at most 512 octets. */
const SMTP_LINE_MAX = 512;

/**
 * The AUTH command for a mechanism and its initial response: inline when the line fits in 512
 * octets, else `AUTH <mechanism>` alone and the response after the server's `334` (RFC 4954 §4:
 * "clients MUST NOT use an initial response parameter that would cause the AUTH command to exceed
 * the maximum command line length"). A PSC access token is a JWT of about 1.2 KB: it never fits.
 */
export function smtpAuthCommand(
  mechanism: string,
  initialResponse: string,
): { command: string; continuation?: string } {
  const inline = `AUTH ${mechanism} ${initialResponse}`;
  return inline.length + 2 <= SMTP_LINE_MAX
    ? { command: inline }
    : { command: `AUTH ${mechanism}`, continuation: initialResponse };
}

async function authOnce(
  session: SmtpSession,
  mailbox: BridgeMailbox,
  token: string | null,
): Promise<void> {
  const c = mailbox.credentials;
  // ECO.1.2.1 / ECO.1.3.1. The lines hold a credential: they are never logged.
  const auth =
    c.kind === 'psc'
      ? smtpAuthCommand('XOAUTH2', xoauth2InitialResponse(mailbox.address, token!))
      : smtpAuthCommand(
          'PLAIN',
          Buffer.from(`\u0000${mailbox.address}\u0000${c.password}`).toString('base64'),
        );
  session.reader.send(auth.command);
  let reply = await smtpReply(session.reader);
  if (auth.continuation !== undefined && reply.code === 334) {
    session.reader.send(auth.continuation);
    reply = await smtpReply(session.reader);
  }
  let challenge = '';
  if (reply.code === 334) {
    // XOAUTH2 failure details come as a challenge the client answers with an empty line.
    challenge = Buffer.from(reply.lines[0] ?? '', 'base64')
      .toString('utf8')
      .slice(0, 200);
    session.reader.send('');
    reply = await smtpReply(session.reader);
  }
  if (reply.code !== 235) {
    // What the operator said may echo a credential: scrubbed before it is journaled or shown.
    const detail = scrubCredentials(`${reply.code} ${reply.lines.join(' ')} ${challenge}`)
      .trim()
      .slice(0, 300);
    throw c.kind === 'app'
      ? appLoginRefused(detail)
      : new MssanteError('E_UPSTREAM_AUTH', { detail });
  }
}

/**
 * Authenticates an open SMTP session. With PSC a refused token is refreshed once and tried
 * again on a new session (returned).
 */
export async function authenticateSmtp(
  session: SmtpSession,
  mailbox: BridgeMailbox,
  trust: TrustContext,
): Promise<SmtpSession> {
  const c = mailbox.credentials;
  if (c.kind === 'app') {
    await authOnce(session, mailbox, null).catch((error: unknown) => {
      throw appCertificateRefusal(error);
    });
    return session;
  }
  try {
    await authOnce(session, mailbox, await c.session().accessToken());
    return session;
  } catch (error) {
    if (!(error instanceof MssanteError) || error.code !== 'E_UPSTREAM_AUTH') throw error;
    session.socket.destroy();
    const again = await openSmtpSession(mailbox, trust);
    await authOnce(again, mailbox, await c.session().refresh());
    return again;
  }
}
