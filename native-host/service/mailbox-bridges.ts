import type { ErrorCode } from '../../shared/errors/codes';
import type { Result } from '../../shared/protocol/index';
import type { AuditJournal } from '../audit/journal';
import type { Redactor } from '../audit/redact';
import { ImapBridge } from '../bridge/imap-bridge';
import type { BridgeMailbox } from '../bridge/mailbox';
import { SmtpBridge } from '../bridge/smtp-bridge';
import type { Logger } from '../log';
import type { HostPscSession } from '../psc/session-port';
import { appCredentials } from './app-mailbox';
import type { HostSettings } from './host-settings';
import type { MailboxHealth } from './mailbox-health';
import type { StoredMailbox } from './mailbox-store';
import type { SealedStore } from './sealed-store';

export interface LiveMailbox {
  stored: StoredMailbox;
  imap: ImapBridge;
  smtp: SmtpBridge;
}

export interface MailboxBridgesDeps {
  settings: HostSettings;
  audit: AuditJournal;
  redactor: Redactor;
  log: Logger;
  /** ECO.1.2.3: reads each mailbox's failures from what its bridges journal. */
  health: MailboxHealth;
  /** The PSC session PER/ORG mailboxes log in with (throws when PSC is not configured). */
  session: () => HostPscSession;
  /** Where APP credentials are sealed. */
  secrets: () => SealedStore;
}

/** The running IMAP and SMTP bridges of the configured mailboxes, by lower-case address. */
export class MailboxBridges {
  readonly #live = new Map<string, LiveMailbox>();

  constructor(private readonly deps: MailboxBridgesDeps) {}

  get size(): number {
    return this.#live.size;
  }

  get(address: string): LiveMailbox | undefined {
    return this.#live.get(address.toLowerCase());
  }

  all(): LiveMailbox[] {
    return [...this.#live.values()];
  }

  /** Starts the bridges of one mailbox, on its previous ports when they are free. */
  async start(stored: StoredMailbox): Promise<LiveMailbox> {
    const { config, trust } = this.deps.settings.resolved();
    const mailbox: BridgeMailbox = {
      address: stored.address,
      profile: stored.profile,
      imap: stored.imap,
      smtp: stored.smtp,
      ...(config.lookup ? { lookup: config.lookup } : {}),
      secret: stored.secret,
      credentials: stored.app
        ? appCredentials(stored.address, stored.app, this.deps.secrets())
        : { kind: 'psc', session: this.deps.session },
    };
    const deps = {
      trust,
      audit: this.deps.health.watch(this.deps.audit),
      redactor: this.deps.redactor,
      log: this.deps.log,
      productReference: config.productReference,
    };
    const imap = new ImapBridge(mailbox, deps);
    const smtp = new SmtpBridge(mailbox, deps);
    stored.imapPort = await imap.listen(stored.imapPort).catch(() => imap.listen(0));
    stored.smtpPort = await smtp.listen(stored.smtpPort).catch(() => smtp.listen(0));
    const live = { stored, imap, smtp };
    this.#live.set(stored.address.toLowerCase(), live);
    return live;
  }

  /** Stops one mailbox's bridges; true when they were running. */
  async stop(address: string): Promise<boolean> {
    const live = this.get(address);
    if (!live) return false;
    await Promise.all([live.imap.close(), live.smtp.close()]);
    this.#live.delete(address.toLowerCase());
    return true;
  }

  /** ECO.1.2.6: ends every IMAP and SMTP session, telling Thunderbird why; the bridges stay. */
  endSessions(code: ErrorCode): void {
    for (const m of this.#live.values()) {
      m.imap.closeAll(code);
      m.smtp.closeAll(code);
    }
  }

  async close(): Promise<void> {
    for (const m of this.#live.values()) await Promise.all([m.imap.close(), m.smtp.close()]);
    this.#live.clear();
  }

  /** What the protocol says about a running mailbox. */
  describe(m: LiveMailbox): Result<'mailbox.add'> {
    const s = m.stored;
    const lastError = this.deps.health.lastError(s.address);
    return {
      address: s.address,
      profile: s.profile,
      imapPort: s.imapPort,
      smtpPort: s.smtpPort,
      secret: s.secret,
      upstream: { imap: s.imap, smtp: s.smtp },
      connections: m.imap.connections + m.smtp.connections,
      ...(s.displayName ? { displayName: s.displayName } : {}),
      dependsOnPsc: !s.app,
      ...(lastError ? { lastError } : {}),
      ...(s.app
        ? {
            certificate: {
              subject: s.app.subject,
              organisationId: s.app.organisationId,
              notAfter: s.app.notAfter,
            },
          }
        : {}),
    };
  }
}
