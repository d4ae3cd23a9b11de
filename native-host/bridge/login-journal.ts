import { type MssanteError, toMssanteError } from '../../shared/errors/mssante-error';
import { scrubCredentials } from '../audit/scrub';
import type { Redactor } from '../audit/redact';
import type { PeerReport } from '../trust/verify';
import { localCredentialsMatch } from './local-auth';
import type { BridgeMailbox } from './mailbox';

export interface JournalFields {
  outcome: 'ok' | 'failed';
  request?: string;
  response?: string;
  code?: string;
}

/** Records one operation of the mailbox in the audit journal (ECO.4.1.2). */
export type Journal = (action: string, fields: JournalFields) => void;

/**
 * The steps of a client's login that the IMAP and SMTP endpoints share, journaled in the same
 * words: Thunderbird's local credentials, the upstream TLS session, the upstream login or its
 * refusal. No credential is ever journaled.
 */
export class LoginJournal {
  constructor(
    private readonly mailbox: BridgeMailbox,
    private readonly redactor: Redactor,
    private readonly journal: Journal,
  ) {}

  /** True when Thunderbird presented the mailbox's address and local secret; else journaled. */
  localAccepted(presented: { user: string; secret: string }): boolean {
    const { address, secret } = this.mailbox;
    if (localCredentialsMatch(address, secret, presented.user, presented.secret)) return true;
    this.journal('authenticate', {
      outcome: 'failed',
      request: 'local login',
      code: 'E_BRIDGE_LOCAL_AUTH',
    });
    return false;
  }

  /** The operator's TLS session, as negotiated (protocol, suite, key exchange). */
  connected(report: PeerReport): void {
    const s = report.session;
    this.journal('connect', {
      outcome: 'ok',
      request: 'STARTTLS',
      response: `${s.protocol} ${s.cipher} ${s.keyExchange}`,
    });
  }

  /** The operator could not be reached or refused the login: journaled with its code. */
  refused(action: 'connect' | 'authenticate', request: string, error: unknown): MssanteError {
    const failure = toMssanteError(error);
    this.journal(action, {
      outcome: 'failed',
      request,
      code: failure.code,
      ...(failure.detail
        ? { response: this.redactor.text(scrubCredentials(failure.detail)).slice(0, 300) }
        : {}),
    });
    return failure;
  }

  /** The upstream login went through, with XOAUTH2 (PSC) or PLAIN (APP). */
  authenticated(verb: 'AUTHENTICATE' | 'AUTH', response: string): void {
    const mechanism = this.mailbox.credentials.kind === 'psc' ? 'XOAUTH2' : 'PLAIN';
    this.journal('authenticate', {
      outcome: 'ok',
      request: `${verb} ${mechanism} [redacted]`,
      response,
    });
  }
}
