import type { ErrorCode } from '../../shared/errors/codes';
import { isErrorCode } from '../../shared/errors/codes';
import { MssanteError } from '../../shared/errors/mssante-error';
import type { AuditInput, AuditJournal } from '../audit/journal';

export interface MailboxFailure {
  code: ErrorCode;
  at: number;
}

/** Failures that only say there was no PSC session: a new sign-in ends them. */
const NO_SESSION = new Set<ErrorCode>([
  'E_PSC_NOT_SIGNED_IN',
  'E_PSC_REFRESH_INVALID',
  'E_PSC_SESSION_IDLE',
  'E_PSC_SESSION_MAX',
  'E_PSC_SIGNED_OUT',
]);

/** Journal actions whose success proves the mailbox works again (its upstream login went through). */
const RECOVERED = new Set(['authenticate', 'connect']);

/**
 * ECO.1.2.3: each mailbox's last upstream failure, as the bridges journal it. The bridges already
 * record every failed connection or login with its code; this reads those entries on their way to
 * the journal (the bridge code stays as it is) and keeps the last one per mailbox until a later
 * login of the same mailbox succeeds. The local secret being wrong (`E_BRIDGE_LOCAL_AUTH`) is
 * Thunderbird's side, not the operator's, and is kept too: the user must see it on that mailbox.
 */
export class MailboxHealth {
  private readonly failures = new Map<string, MailboxFailure>();

  constructor(private readonly now: () => number = () => Date.now()) {}

  observe(entry: AuditInput): void {
    if (!entry.mailbox) return;
    const key = entry.mailbox.toLowerCase();
    if (entry.outcome === 'failed' && entry.code && isErrorCode(entry.code)) {
      // A refused recipient or message is about that message, not about the mailbox's state.
      if (entry.action === 'send') return;
      this.failures.set(key, { code: entry.code, at: this.now() });
    } else if (entry.outcome === 'ok' && RECOVERED.has(entry.action)) {
      this.failures.delete(key);
    }
  }

  /** Records a failure seen outside the bridges (e.g. a connection test). */
  fail(address: string, code: ErrorCode): void {
    this.failures.set(address.toLowerCase(), { code, at: this.now() });
  }

  /**
   * A PSC session began: "not signed in" and "session ended" are no longer true of any mailbox
   * (until its next login says otherwise), so they stop showing as its state.
   */
  sessionStarted(): void {
    for (const [key, failure] of this.failures)
      if (NO_SESSION.has(failure.code)) this.failures.delete(key);
  }

  clear(address: string): void {
    this.failures.delete(address.toLowerCase());
  }

  /** The last failure of a mailbox as the wire carries it (sentence in the host's locale). */
  lastError(address: string): { code: ErrorCode; message: string; at: number } | undefined {
    const failure = this.failures.get(address.toLowerCase());
    if (!failure) return undefined;
    return { ...new MssanteError(failure.code).toWire(), at: failure.at };
  }

  /**
   * The journal as the bridges see it: the same object, whose `record` also tells this tracker.
   * (A prototype-linked view, so every other method and field is the journal's own.)
   */
  watch(journal: AuditJournal): AuditJournal {
    const view = Object.create(journal) as AuditJournal;
    view.record = (input: AuditInput) => {
      this.observe(input);
      return journal.record(input);
    };
    return view;
  }
}
