import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { LineReader } from '../upstream/line-reader';
import { decodeSaslPlain } from './local-auth';
import { type LiveConnection, LoopbackBridge, SessionFailedClosed } from './loopback-bridge';
import { headerGrowthBound, SmtpDataRewriter } from './smtp-headers';
import { SmtpReplyRewriter } from './smtp-replies';
import { authenticateSmtp, openSmtpSession, type SmtpSession } from './smtp-upstream';
import { latin1Line, userSentence } from './wire-text';

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
    const growth = headerGrowthBound({ sender: this.mailbox.address });
    this.sizeLimit = Math.max(1, Number(m[1]) - growth);
    return `SIZE ${this.sizeLimit}`;
  }

  protected async accept(entry: LiveConnection): Promise<void> {
    const client = entry.client;
    const logins = this.loginsFor(client);
    const reader = new LineReader(client, 5 * 60_000);
    const send = (line: string) => client.write(latin1Line(line));
    let session: SmtpSession | null = null;
    send('220 localhost ESMTP open-mssante bridge');
    try {
      for (;;) {
        const line = await reader.next();
        const verb = (line.split(' ')[0] ?? '').toUpperCase();
        let presented: { user: string; secret: string } | null = null;
        if (verb === 'EHLO' || verb === 'HELO') {
          if (!session) {
            try {
              session = await openSmtpSession(this.mailbox, this.deps.trust);
              entry.upstream = session.socket;
              logins.connected(session.report);
            } catch (error) {
              const failure = logins.refused('connect', 'STARTTLS', error);
              send(`421 4.7.0 ${userSentence(failure.code)}`);
              client.end();
              return;
            }
          }
          const extensions = session.extensions
            .filter((e) => !HIDDEN.test(e))
            .map((e) => this.announcedSize(e));
          const lines = ['localhost', ...extensions, 'AUTH PLAIN LOGIN'];
          lines.forEach((l, i) => send(`250${i === lines.length - 1 ? ' ' : '-'}${l}`));
        } else if (verb === 'AUTH') {
          const [, mech = '', initial] = line.split(/\s+/);
          if (mech.toUpperCase() === 'PLAIN') {
            let payload = initial;
            if (!payload) {
              send('334 ');
              payload = await reader.next();
            }
            presented = decodeSaslPlain(payload) ?? { user: '', secret: '' };
          } else if (mech.toUpperCase() === 'LOGIN') {
            send(`334 ${Buffer.from('Username:').toString('base64')}`);
            const user = Buffer.from(initial ?? (await reader.next()), 'base64').toString('utf8');
            send(`334 ${Buffer.from('Password:').toString('base64')}`);
            presented = {
              user,
              secret: Buffer.from(await reader.next(), 'base64').toString('utf8'),
            };
          } else {
            send('504 5.5.4 unrecognized authentication type');
          }
        } else if (verb === 'QUIT') {
          send('221 2.0.0 bye');
          client.end();
          return;
        } else if (verb === 'NOOP' || verb === 'RSET') {
          send('250 2.0.0 OK');
        } else {
          send('530 5.7.0 authentication required');
        }
        if (!presented) continue;
        if (!session) {
          send('503 5.5.1 EHLO first');
          continue;
        }
        if (!logins.localAccepted(presented)) {
          send(`535 5.7.8 ${userSentence('E_BRIDGE_LOCAL_AUTH')}`);
          continue;
        }
        try {
          session = await authenticateSmtp(session, this.mailbox, this.deps.trust);
          entry.upstream = session.socket;
        } catch (error) {
          const failure = logins.refused('authenticate', 'AUTH', error);
          send(`535 5.7.8 ${userSentence(failure.code)}`);
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
      if (!(error instanceof SessionFailedClosed)) client.destroy();
    }
  }

  /**
   * Relays bytes untouched but for the top-level header block of each DATA message, which
   * smtp-headers.ts canonicalizes (MSSanté header spelling, Return-Receipt-To from the add-on's
   * instruction; docs/compose.md), the SIZE of MAIL FROM raised by the rewrite's bound, and the
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
    const rewriter = new SmtpDataRewriter({ sender: this.mailbox.address }, (out) => {
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
