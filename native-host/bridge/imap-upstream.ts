import type { TLSSocket } from 'node:tls';
import { scrubCredentials } from '../audit/scrub';
import { MssanteError } from '../../shared/errors/mssante-error';
import { xoauth2InitialResponse } from '../../shared/domain/xoauth2';
import type { PeerReport, TrustContext } from '../trust/verify';
import { LineReader } from '../upstream/line-reader';
import { openUpstream } from '../upstream/starttls';
import { appCertificateRefusal, appLoginRefused } from './app-refusal';
import { type BridgeMailbox, upstreamTarget } from './mailbox';

export interface ImapSession {
  socket: TLSSocket;
  capabilities: string;
  report: PeerReport;
  /** Bytes the server sent after the login answer (relayed to the client first). */
  rest: Buffer;
}

/** Capabilities that mean nothing to Thunderbird once the bridge has logged in. */
function clientCapabilities(capabilities: string): string {
  return capabilities
    .split(/\s+/)
    .filter((c) => c && !/^(STARTTLS|LOGINDISABLED|SASL-IR|AUTH=.*)$/i.test(c))
    .join(' ');
}

async function login(
  reader: LineReader,
  mailbox: BridgeMailbox,
  token: string | null,
): Promise<string> {
  const c = mailbox.credentials;
  // ECO.1.2.1 (SASL-IR) / ECO.1.3.1. The line holds a credential: it is never logged.
  const initial =
    c.kind === 'psc'
      ? `AUTHENTICATE XOAUTH2 ${xoauth2InitialResponse(mailbox.address, token!)}`
      : `AUTHENTICATE PLAIN ${Buffer.from(`\u0000${mailbox.address}\u0000${c.password}`).toString('base64')}`;
  reader.send(`A1 ${initial}`);
  let capabilities = '';
  let challenge = '';
  for (;;) {
    const line = await reader.next();
    if (line.startsWith('+')) {
      // XOAUTH2 failure details come as a challenge the client must answer with an empty line.
      challenge = Buffer.from(line.slice(1).trim(), 'base64').toString('utf8').slice(0, 200);
      reader.send('');
      continue;
    }
    const caps = /^\* CAPABILITY (.*)$/i.exec(line);
    if (caps) capabilities = caps[1]!;
    const tagged = /^A1 (OK|NO|BAD)\b ?(.*)$/i.exec(line);
    if (!tagged) continue;
    if (tagged[1]!.toUpperCase() !== 'OK') {
      // What the operator said may echo a credential: scrubbed before it is journaled or shown.
      const detail = scrubCredentials(
        `${tagged[1]} ${tagged[2]}${challenge ? ` ${challenge}` : ''}`,
      ).slice(0, 300);
      throw c.kind === 'app'
        ? appLoginRefused(detail)
        : new MssanteError('E_UPSTREAM_AUTH', { detail });
    }
    const inOk = /\[CAPABILITY ([^\]]*)\]/i.exec(tagged[2]!);
    if (inOk) capabilities = inOk[1]!;
    break;
  }
  if (!capabilities) {
    reader.send('A2 CAPABILITY');
    for (;;) {
      const line = await reader.next();
      const caps = /^\* CAPABILITY (.*)$/i.exec(line);
      if (caps) capabilities = caps[1]!;
      if (/^A2 /i.test(line)) break;
    }
  }
  return clientCapabilities(capabilities);
}

/** `token` is asked for only once the server passed the trust policy. */
async function attempt(
  mailbox: BridgeMailbox,
  trust: TrustContext,
  token: () => Promise<string | null>,
): Promise<ImapSession> {
  const { socket, report } = await openUpstream(upstreamTarget(mailbox, 'imap'), trust);
  const reader = new LineReader(socket);
  try {
    const capabilities = await login(reader, mailbox, await token());
    const { rest } = reader.detach();
    return { socket, capabilities, report, rest };
  } catch (error) {
    socket.destroy();
    throw error;
  }
}

/**
 * An authenticated upstream IMAP session for a mailbox. With PSC, a refused token is refreshed
 * once and tried again (the operator may consider it expired before we do).
 */
export async function openImapSession(
  mailbox: BridgeMailbox,
  trust: TrustContext,
): Promise<ImapSession> {
  const c = mailbox.credentials;
  if (c.kind === 'app') {
    try {
      return await attempt(mailbox, trust, async () => null);
    } catch (error) {
      throw appCertificateRefusal(error);
    }
  }
  try {
    return await attempt(mailbox, trust, () => c.session().accessToken());
  } catch (error) {
    if (!(error instanceof MssanteError) || error.code !== 'E_UPSTREAM_AUTH') throw error;
    return attempt(mailbox, trust, () => c.session().refresh());
  }
}
