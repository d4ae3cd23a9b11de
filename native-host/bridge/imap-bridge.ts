import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { LineReader } from '../upstream/line-reader';
import { type LiveConnection, LoopbackBridge, SessionFailedClosed } from './loopback-bridge';
import { latin1Line, userSentence } from './wire-text';
import { openImapSession } from './imap-upstream';
import { imapAction } from './imap-actions';
import { ImapScanner } from './imap-scanner';
import { decodeSaslPlain } from './local-auth';
import { PRE_AUTH_LINE_TIMEOUT_MS, PRE_AUTH_READER, refuseHttp } from './pre-auth';
import { MssanteError } from '../../shared/errors/mssante-error';

const PRE_AUTH_CAPABILITIES = 'IMAP4rev1 AUTH=PLAIN ID';

/**
 * A literal (`{n}`, `{n+}`) before login: the bridge does not take them (Thunderbird sends the
 * address and the local secret, base64url, as quoted strings). A synchronizing literal is
 * answered BAD (the client waits for a `+` that never comes, so sends no data); a
 * non-synchronizing one, whose bytes follow at once and would be read as commands, ends the
 * connection (E_BRIDGE_LITERAL_REFUSED).
 */
function refusedLiteral(tag: string, line: string, send: (line: string) => void): boolean {
  const literal = /\{(\d+)(\+?)\}$/.exec(line);
  if (!literal) return false;
  if (literal[2])
    throw new MssanteError('E_BRIDGE_LITERAL_REFUSED', { detail: `{${literal[1]}+}` });
  send(`${tag} BAD ${userSentence('E_BRIDGE_LITERAL_REFUSED')}`);
  return true;
}

/** Reads an IMAP astring argument list made of atoms and quoted strings (what LOGIN needs). */
function astrings(text: string): string[] {
  const out: string[] = [];
  const re = /\s*(?:"((?:[^"\\]|\\.)*)"|([^\s"]+))/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) && m[0].trim())
    out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]!);
  return out;
}

/**
 * The loopback IMAP endpoint of one MSSanté mailbox. Thunderbird logs in with the mailbox
 * address and the local secret; the bridge then opens the operator's IMAP under the trust
 * policy, authenticates (XOAUTH2 or certificate + PLAIN), answers Thunderbird's login with the
 * operator's capabilities, and relays bytes both ways untouched, journaling each operation.
 */
export class ImapBridge extends LoopbackBridge {
  protected goodbye(sentence: string): string {
    return `* BYE [ALERT] ${sentence}`;
  }

  protected async accept(entry: LiveConnection): Promise<void> {
    const client = entry.client;
    const logins = this.loginsFor(client);
    const reader = new LineReader(client, PRE_AUTH_LINE_TIMEOUT_MS, PRE_AUTH_READER);
    const send = (line: string) => client.write(latin1Line(line));
    send(`* OK [CAPABILITY ${PRE_AUTH_CAPABILITIES}] open-mssante bridge ready`);
    try {
      for (;;) {
        const line = await reader.next();
        refuseHttp(line);
        const m = /^(\S+) (\S+)(?: (.*))?$/.exec(line);
        if (!m) {
          send('* BAD invalid command');
          continue;
        }
        if (refusedLiteral(m[1]!, line, send)) continue;
        const [, tag, verbRaw, args = ''] = m;
        const verb = verbRaw!.toUpperCase();
        let presented: { user: string; secret: string } | null = null;
        if (verb === 'CAPABILITY') {
          send(`* CAPABILITY ${PRE_AUTH_CAPABILITIES}`);
          send(`${tag} OK CAPABILITY completed`);
        } else if (verb === 'NOOP') {
          send(`${tag} OK NOOP completed`);
        } else if (verb === 'ID') {
          send('* ID ("name" "open-mssante-bridge")');
          send(`${tag} OK ID completed`);
        } else if (verb === 'LOGOUT') {
          send('* BYE logging out');
          send(`${tag} OK LOGOUT completed`);
          client.end();
          return;
        } else if (verb === 'LOGIN') {
          const [user = '', secret = ''] = astrings(args);
          presented = { user, secret };
        } else if (verb === 'AUTHENTICATE' && /^PLAIN\b/i.test(args)) {
          let initial = args.split(/\s+/)[1];
          if (!initial) {
            send('+ ');
            initial = await reader.next();
          }
          presented =
            initial === '*' ? null : (decodeSaslPlain(initial) ?? { user: '', secret: '' });
          if (initial === '*') send(`${tag} BAD authentication cancelled`);
        } else {
          send(`${tag} BAD command not allowed before authentication`);
        }
        if (!presented) continue;
        if (!logins.localAccepted(presented)) {
          send(`${tag} NO [AUTHENTICATIONFAILED] ${userSentence('E_BRIDGE_LOCAL_AUTH')}`);
          continue;
        }
        let session;
        try {
          session = await openImapSession(this.mailbox, this.deps.trust);
        } catch (error) {
          const failure = logins.refused('authenticate', 'AUTHENTICATE', error);
          this.deps.log.warn('imap.upstream.failed', {
            mailbox: this.mailbox.address,
            code: failure.code,
          });
          // [UNAVAILABLE], not [AUTHENTICATIONFAILED]: the Thunderbird password is right (it was
          // checked above); Thunderbird then shows our sentence instead of asking for a new password.
          send(`${tag} NO [UNAVAILABLE] ${userSentence(failure.code)}`);
          continue;
        }
        entry.upstream = session.socket;
        logins.connected(session.report);
        logins.authenticated('AUTHENTICATE', 'OK');
        send(`${tag} OK [CAPABILITY ${session.capabilities}] Logged in`);
        const { rest } = reader.detach();
        this.relay(client, rest, session.socket, session.rest);
        return;
      }
    } catch (error) {
      // A session closed because it could not be journaled is already saying goodbye.
      if (!(error instanceof SessionFailedClosed)) this.drop(client, error);
    }
  }

  private relay(
    client: Socket,
    clientRest: Buffer,
    upstream: TLSSocket,
    upstreamRest: Buffer,
  ): void {
    const pending = new Map<string, { action: string; request: string }>();
    const fromClient = new ImapScanner((line) => {
      this.touch();
      const m = /^([A-Za-z0-9.]+) (UID )?([A-Za-z]+)\b(.*)$/i.exec(line);
      if (!m) return;
      const action = imapAction(m[3]!.toUpperCase(), m[4]!);
      if (!action) return;
      pending.set(m[1]!, {
        action,
        request: this.deps.redactor.imap(line.slice(m[1]!.length + 1)),
      });
    });
    const fromServer = new ImapScanner((line) => {
      const m = /^([A-Za-z0-9.]+) (OK|NO|BAD)\b ?(.*)$/i.exec(line);
      if (!m) return;
      const command = pending.get(m[1]!);
      if (!command) return;
      pending.delete(m[1]!);
      const status = m[2]!.toUpperCase();
      this.journalFor(client, command.action, {
        outcome: status === 'OK' ? 'ok' : 'failed',
        request: command.request,
        response: `${status} ${this.deps.redactor.text(m[3]!)}`.trim().slice(0, 200),
      });
    });
    this.splice(client, clientRest, upstream, upstreamRest, {
      client: (chunk) => fromClient.push(chunk),
      server: (chunk) => fromServer.push(chunk),
    });
  }
}
