import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { LineReader } from '../upstream/line-reader';
import { decodeSaslPlain } from './local-auth';
import { type LiveConnection, LoopbackBridge, SessionFailedClosed } from './loopback-bridge';
import { headerGrowthBound, type HeaderRewriteOptions, SmtpDataRewriter } from './smtp-headers';
import type { LoginJournal } from './login-journal';
import { SmtpReplyRewriter } from './smtp-replies';
import { authenticateSmtp, openSmtpSession, type SmtpSession } from './smtp-upstream';
import { latin1Line, userSentence } from './wire-text';
import { PRE_AUTH_LINE_TIMEOUT_MS, PRE_AUTH_READER, refuseHttp } from './pre-auth';

/** EHLO keywords not passed on to Thunderbird (the bridge handles them, or we keep DATA only). */
const HIDDEN = /^(STARTTLS|AUTH\b|CHUNKING|BINARYMIME|SMTPUTF8\b.*|XCLIENT|XFORWARD)/i;

/**
 * The loopback SMTP submission endpoint of one MSSanté mailbox. On EHLO the bridge opens the
 * operator's submission port under the trust policy and offers Thunderbird the operator's
 * extensions (DSN for ECO.2.3.1 among them) plus AUTH PLAIN/LOGIN for the local secret; after
 * Thunderbird's AUTH it authenticates upstream and relays the rest, journaling each envelope.
 */
export class SmtpBridge extends LoopbackBridge {
  protected goodbye(sentence: string): string {
    return `421 4.7.0 ${sentence}`;
  }

  /** What the DATA rewrite needs: the mailbox (Return-Receipt-To), the X-MSS-NIL value. */
  private rewriteOptions(): HeaderRewriteOptions {
    return {
      sender: this.mailbox.address,
      ...(this.deps.productReference ? { nil: this.deps.productReference } : {}),
    };
  }

  /** The SIZE limit announced to Thunderbird (0: the operator announced none). */
  private sizeLimit = 0;

  /**
   * `SIZE <limit>` of the operator, less what the header rewrite may add (headerGrowthBound):
   * a message Thunderbird accepts to send under the announced limit still fits the operator's
   * once rewritten, and the SIZE it declares, raised by the same bound, too (docs/bridge.md).
   */
  private announcedSize(extension: string): string {
    const m = /^SIZE\s+(\d+)\s*$/i.exec(extension);
    if (!m || Number(m[1]) === 0) return extension;
    const growth = headerGrowthBound(this.rewriteOptions());
    this.sizeLimit = Math.max(1, Number(m[1]) - growth);
    return `SIZE ${this.sizeLimit}`;
  }

  /** The operator's EHLO keywords, from the last session opened (null: none yet). */
  private extensions: string[] | null = null;
  /** The one probe under way for them, shared by every client waiting. */
  private probe: Promise<string[]> | null = null;

  /**
   * What to answer EHLO with, before the client logged in: the operator's keywords as the last
   * session saw them, or — on a bridge that never opened one — from one probe (STARTTLS, EHLO,
   * QUIT under the trust policy) that every client waiting shares, so clients that never log in
   * cannot make the bridge open one operator connection each (docs/security.md).
   */
  private operatorExtensions(logins: LoginJournal): Promise<string[]> {
    if (this.extensions) return Promise.resolve(this.extensions);
    this.probe ??= openSmtpSession(this.mailbox, this.deps.trust)
      .then((session) => {
        logins.connected(session.report);
        session.reader.send('QUIT');
        session.socket.end();
        this.extensions = session.extensions;
        return session.extensions;
      })
      .finally(() => {
        this.probe = null;
      });
    return this.probe;
  }

  /** AUTH PLAIN or LOGIN of the client: what it presented (null: mechanism refused, answered). */
  private async presented(
    line: string,
    reader: LineReader,
    send: (line: string) => void,
  ): Promise<{ user: string; secret: string } | null> {
    const [, mech = '', initial] = line.split(/\s+/);
    if (mech.toUpperCase() === 'PLAIN') {
      let payload = initial;
      if (!payload) {
        send('334 ');
        payload = await reader.next();
      }
      return decodeSaslPlain(payload) ?? { user: '', secret: '' };
    }
    if (mech.toUpperCase() === 'LOGIN') {
      send(`334 ${Buffer.from('Username:').toString('base64')}`);
      const user = Buffer.from(initial ?? (await reader.next()), 'base64').toString('utf8');
      send(`334 ${Buffer.from('Password:').toString('base64')}`);
      return { user, secret: Buffer.from(await reader.next(), 'base64').toString('utf8') };
    }
    send('504 5.5.4 unrecognized authentication type');
    return null;
  }

  /**
   * After the local login: opens the operator's session (only now, ECO.1.0.1) and logs in.
   * Null when refused, the reply sent: `421` and the connection ended when the operator cannot
   * be reached or trusted, `535` when it refused the login.
   */
  private async upstreamLogin(
    entry: LiveConnection,
    send: (line: string) => void,
    logins: LoginJournal,
  ): Promise<SmtpSession | null> {
    let session: SmtpSession;
    try {
      session = await openSmtpSession(this.mailbox, this.deps.trust);
    } catch (error) {
      const failure = logins.refused('connect', 'STARTTLS', error);
      send(`421 4.7.0 ${userSentence(failure.code)}`);
      entry.client.end();
      return null;
    }
    entry.upstream = session.socket;
    this.extensions = session.extensions;
    logins.connected(session.report);
    try {
      session = await authenticateSmtp(session, this.mailbox, this.deps.trust);
      entry.upstream = session.socket;
      return session;
    } catch (error) {
      entry.upstream?.destroy();
      entry.upstream = null;
      const failure = logins.refused('authenticate', 'AUTH', error);
      send(`535 5.7.8 ${userSentence(failure.code)}`);
      return null;
    }
  }

  protected async accept(entry: LiveConnection): Promise<void> {
    const client = entry.client;
    const logins = this.loginsFor(client);
    const reader = new LineReader(client, PRE_AUTH_LINE_TIMEOUT_MS, PRE_AUTH_READER);
    const send = (line: string) => client.write(latin1Line(line));
    let greeted = false;
    send('220 localhost ESMTP open-mssante bridge');
    try {
      for (;;) {
        const line = await reader.next();
        refuseHttp(line);
        const verb = (line.split(' ')[0] ?? '').toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') {
          let known: string[];
          try {
            known = await this.operatorExtensions(logins);
          } catch (error) {
            if (error instanceof SessionFailedClosed) throw error;
            const failure = logins.refused('connect', 'STARTTLS', error);
            send(`421 4.7.0 ${userSentence(failure.code)}`);
            client.end();
            return;
          }
          greeted = true;
          const extensions = known.filter((e) => !HIDDEN.test(e)).map((e) => this.announcedSize(e));
          const lines = ['localhost', ...extensions, 'AUTH PLAIN LOGIN'];
          lines.forEach((l, i) => send(`250${i === lines.length - 1 ? ' ' : '-'}${l}`));
          continue;
        }
        if (verb === 'QUIT') {
          send('221 2.0.0 bye');
          client.end();
          return;
        }
        if (verb === 'NOOP' || verb === 'RSET') {
          send('250 2.0.0 OK');
          continue;
        }
        if (verb !== 'AUTH') {
          send('530 5.7.0 authentication required');
          continue;
        }
        const presented = await this.presented(line, reader, send);
        if (!presented) continue;
        if (!greeted) {
          send('503 5.5.1 EHLO first');
          continue;
        }
        if (!logins.localAccepted(presented)) {
          send(`535 5.7.8 ${userSentence('E_BRIDGE_LOCAL_AUTH')}`);
          continue;
        }
        const session = await this.upstreamLogin(entry, send, logins);
        if (!session) {
          if (client.writableEnded) return;
          continue;
        }
        logins.authenticated('AUTH', '235');
        send('235 2.7.0 Authentication successful');
        const { rest } = reader.detach();
        const upstreamRest = session.reader.detach().rest;
        this.relay(client, rest, session.socket, upstreamRest);
        return;
      }
    } catch (error) {
      // A session closed because it could not be journaled is already saying goodbye.
      if (!(error instanceof SessionFailedClosed)) this.drop(client, error);
    }
  }

  /**
   * Relays bytes untouched but for the top-level header block of each DATA message, which
   * smtp-headers.ts canonicalizes (MSSanté header spelling, Return-Receipt-To from the add-on's
   * instruction, X-MSS-NIL on a message without it; docs/compose.md), the SIZE of MAIL FROM raised by the rewrite's bound, and the
   * operator's "message too big" replies, given the coded sentence (smtp-replies.ts); a tap
   * follows commands and replies (in order, pipelining included) to journal each message sent
   * with its envelope (ECO.4.1.2), skipping DATA content.
   */
  private relay(
    client: Socket,
    clientRest: Buffer,
    upstream: TLSSocket,
    upstreamRest: Buffer,
  ): void {
    const queue: string[] = [];
    let envelope: string[] = [];
    let inData = false;
    let clientBuffer = '';
    let serverBuffer = '';
    const onClientLine = (line: string) => {
      if (inData) {
        if (line === '.') {
          inData = false;
          queue.push('.');
        }
        return;
      }
      this.touch();
      const verb = (line.split(/[ :]/)[0] ?? '').toUpperCase();
      if (verb === 'MAIL') envelope = [this.deps.redactor.smtp(line)];
      else if (verb === 'RCPT') envelope.push(this.deps.redactor.smtp(line));
      queue.push(verb);
    };
    const rewriter = new SmtpDataRewriter(this.rewriteOptions(), (out) => {
      if (!upstream.write(out)) {
        client.pause();
        upstream.once('drain', () => client.resume());
      }
    });
    const replies = new SmtpReplyRewriter(
      (out) => {
        if (!client.write(out)) {
          upstream.pause();
          client.once('drain', () => upstream.resume());
        }
      },
      () => this.sizeLimit,
    );
    const onServerReply = (code: number, text: string) => {
      const verb = queue.shift();
      if (verb === 'DATA') rewriter.dataReply(code);
      if (verb === 'DATA' && code === 354) {
        inData = true;
        return;
      }
      const tooLarge = code === 552 && /^5\.(2\.3|3\.4)\b/.test(text);
      if (verb === '.') {
        this.journalFor(client, 'send', {
          outcome: code < 400 ? 'ok' : 'failed',
          request: envelope.join(' '),
          response: `${code} ${this.deps.redactor.text(text)}`.slice(0, 200),
          ...(tooLarge ? { code: 'E_SMTP_MESSAGE_TOO_LARGE' } : {}),
        });
        envelope = [];
      } else if (verb === 'MAIL' && code >= 400) {
        this.journalFor(client, 'send', {
          outcome: 'failed',
          request: envelope[0] ?? 'MAIL',
          response: `${code} ${this.deps.redactor.text(text)}`.slice(0, 200),
          ...(tooLarge ? { code: 'E_SMTP_MESSAGE_TOO_LARGE' } : {}),
        });
      } else if (verb === 'RCPT' && code >= 400) {
        this.journalFor(client, 'send', {
          outcome: 'failed',
          request: envelope.at(-1) ?? 'RCPT',
          response: `${code} ${this.deps.redactor.text(text)}`.slice(0, 200),
        });
      }
    };
    const split = (buffer: string, chunk: Buffer, onLine: (l: string) => void): string => {
      buffer += chunk.toString('latin1');
      let end: number;
      while ((end = buffer.indexOf('\r\n')) >= 0) {
        onLine(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
      }
      return buffer.length > 65536 ? buffer.slice(-1024) : buffer;
    };
    const onServerLine = (line: string) => {
      const m = /^(\d{3}) (.*)$/.exec(line);
      if (m) onServerReply(Number(m[1]), m[2]!);
    };
    this.splice(
      client,
      clientRest,
      upstream,
      upstreamRest,
      {
        client: (chunk) => (clientBuffer = split(clientBuffer, chunk, onClientLine)),
        server: (chunk) => (serverBuffer = split(serverBuffer, chunk, onServerLine)),
      },
      (chunk) => rewriter.push(chunk),
      (chunk) => replies.push(chunk),
    );
  }
}
