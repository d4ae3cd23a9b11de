import { randomBytes } from 'node:crypto';
import type { ErrorCode } from '../../shared/errors/codes';
import { MssanteError } from '../../shared/errors/mssante-error';
import type { Result } from '../../shared/protocol/index';
import type { AuditJournal } from '../audit/journal';
import type { Redactor } from '../audit/redact';
import { ImapBridge } from '../bridge/imap-bridge';
import type { LoopbackBridge } from '../bridge/loopback-bridge';
import { type LoopbackIdentity, loopbackIdentity } from '../bridge/loopback-identity';
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

/**
 * Binds a bridge on `port` (0: any free port). A port another program holds is reported
 * (E_BRIDGE_PORT_TAKEN), never silently replaced: Thunderbird's account points at it, and a
 * squatter there must not be mistaken for a moved bridge (docs/security.md, 19.1).
 */
async function bind(bridge: LoopbackBridge, port: number): Promise<number> {
  try {
    return await bridge.listen(port);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES')
      throw new MssanteError('E_BRIDGE_PORT_TAKEN', { detail: `127.0.0.1:${port}`, cause: error });
    throw error;
  }
}

/** The running IMAP and SMTP bridges of the configured mailboxes, by lower-case address. */
export class MailboxBridges {
  readonly #live = new Map<string, LiveMailbox>();
  /** The host's loopback TLS identity: one per host start, in memory only. */
  #identity: Promise<LoopbackIdentity> | null = null;

  constructor(private readonly deps: MailboxBridgesDeps) {}

  /** The loopback TLS identity of this host start (generated on first use). */
  identity(): Promise<LoopbackIdentity> {
    this.#identity ??= loopbackIdentity();
    return this.#identity;
  }

  get size(): number {
    return this.#live.size;
  }

  get(address: string): LiveMailbox | undefined {
    return this.#live.get(address.toLowerCase());
  }

  all(): LiveMailbox[] {
    return [...this.#live.values()];
  }

  /**
   * Starts the bridges of one mailbox on its previous ports (any free port for a new mailbox),
   * with a local secret of this start: `stored.secret` is set only once both ports are bound, so
   * nothing hands it out for a port someone else holds. A taken port: E_BRIDGE_PORT_TAKEN.
   */
  async start(stored: StoredMailbox): Promise<LiveMailbox> {
    const { config, trust } = this.deps.settings.resolved();
    const mailbox: BridgeMailbox = {
      address: stored.address,
      profile: stored.profile,
      imap: stored.imap,
      smtp: stored.smtp,
      ...(config.lookup ? { lookup: config.lookup } : {}),
      secret: randomBytes(24).toString('base64url'),
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
      identity: await this.identity(),
    };
    const imap = new ImapBridge(mailbox, deps);
    const smtp = new SmtpBridge(mailbox, deps);
    imap.hold();
    smtp.hold();
    try {
      stored.imapPort = await bind(imap, stored.imapPort);
      stored.smtpPort = await bind(smtp, stored.smtpPort);
    } catch (error) {
      await Promise.all([imap.close(), smtp.close()]);
      throw error;
    }
    stored.secret = mailbox.secret;
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

  /**
   * What the protocol says about a mailbox: with its local secret and the bridge's certificate
   * when it runs; without them (and with its last error, e.g. E_BRIDGE_PORT_TAKEN) when not.
   */
  async describe(s: StoredMailbox): Promise<Result<'mailbox.add'>> {
    const m = this.get(s.address);
    m?.imap.release(); // the add-on gets this start's secret and pin now (hold, 19.1)
    m?.smtp.release();
    const lastError = this.deps.health.lastError(s.address);
    return {
      address: s.address,
      profile: s.profile,
      imapPort: s.imapPort,
      smtpPort: s.smtpPort,
      ...(m ? { secret: s.secret, tlsCertificate: (await this.identity()).certBase64 } : {}),
      upstream: { imap: s.imap, smtp: s.smtp },
      connections: m ? m.imap.connections + m.smtp.connections : 0,
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
