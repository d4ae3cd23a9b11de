import type { LookupFunction } from 'node:net';
import path from 'node:path';
import { isErrorCode } from '../../shared/errors/codes';
import { MssanteError } from '../../shared/errors/mssante-error';
import type { HostEvent, Params, Result } from '../../shared/protocol/index';
import { AuditJournal } from '../audit/journal';
import { journalKey } from '../audit/key';
import { Redactor } from '../audit/redact';
import { lookupAutoconfig } from '../autoconfig/lookup';
import { authorOf } from '../bridge/mailbox';
import type { Logger } from '../log';
import type { TrustContext } from '../trust/verify';
import { importAppCredentials } from './app-mailbox';
import { testMailboxConnection } from './connection-test';
import { HostSettings } from './host-settings';
import { MailboxBridges } from './mailbox-bridges';
import { MailboxHealth } from './mailbox-health';
import { MailboxStore, type StoredMailbox } from './mailbox-store';
import { PscLink } from './psc-link';
import { SealedStore } from './sealed-store';

/**
 * Everything the host does beyond the protocol, put together: the settings and trust context
 * (host-settings.ts), the audit journal, the PSC session (psc-link.ts), and the configured
 * mailboxes (mailbox-store.ts) with their bridges (mailbox-bridges.ts).
 */
export class HostApp {
  readonly audit: AuditJournal;
  private readonly settings: HostSettings;
  private readonly store: MailboxStore;
  /** ECO.1.2.3: each mailbox's last failure, read from what the bridges journal. */
  private readonly health = new MailboxHealth();
  private readonly psc: PscLink;
  private readonly bridges: MailboxBridges;

  constructor(
    private readonly stateDir: string,
    private readonly log: Logger,
    notify: (event: HostEvent) => void = () => {},
  ) {
    const auditDir = path.join(stateDir, 'audit');
    let replaced: number | undefined;
    const key = journalKey(auditDir, (length) => (replaced = length));
    // Opening the journal cuts a torn last line and checks its signed head (journal.ts).
    this.audit = new AuditJournal(auditDir, undefined, key);
    if (replaced !== undefined)
      this.audit.record({
        author: 'system',
        action: 'key-replaced',
        request: `journal.key (was ${replaced} bytes): earlier patient pseudonyms no longer match`,
        outcome: 'ok',
      });
    this.audit.prune();
    const redactor = new Redactor(key);
    this.store = new MailboxStore(stateDir, this.audit);
    this.settings = new HostSettings(stateDir);
    this.psc = new PscLink({
      settings: this.settings,
      audit: this.audit,
      notify,
      health: this.health,
      endSessions: (code) => this.bridges.endSessions(code),
    });
    this.bridges = new MailboxBridges({
      settings: this.settings,
      audit: this.audit,
      redactor,
      log,
      health: this.health,
      session: () => this.psc.session(),
      // Where APP credentials are sealed (the key file sits in the state dir, mode 0600).
      secrets: () => new SealedStore(this.stateDir),
    });
  }

  pscFacts(): Result<'psc.status'> {
    return this.psc.status();
  }

  login(params: Params<'psc.login'>): Promise<Result<'psc.login'>> {
    return this.psc.login(params);
  }

  logout(): Result<'psc.logout'> {
    return this.psc.logout();
  }

  /** What every upstream TLS connection of the host is checked with (bridge, autoconfig, Annuaire). */
  upstreamTls(): { trust: TrustContext; lookup?: LookupFunction } {
    return this.settings.upstreamTls();
  }

  /** ECO.1.1.9: the autoconfig file of the address's domain, downloaded under the trust rules. */
  autoconfig(
    address: string,
    type?: Params<'autoconfig.lookup'>['type'],
  ): Promise<Result<'autoconfig.lookup'>> {
    return lookupAutoconfig(address, {
      ...this.settings.upstreamTls(),
      ...(type ? { type } : {}),
      audit: this.audit,
      ports: this.settings.resolved().config.autoconfigPorts,
    });
  }

  // — mailboxes —

  /** The start in progress: two lists at once must not bind the same ports twice. */
  private starting: Promise<void> = Promise.resolve();

  /**
   * Starts every stored mailbox that is not running yet. One whose port another program holds
   * stays stopped, its E_BRIDGE_PORT_TAKEN journaled (when it starts failing) and shown as its
   * last error (19.1); it is tried again at the next list.
   */
  startAll(): Promise<void> {
    const run = this.starting.then(() => this.startStopped());
    this.starting = run.catch(() => undefined);
    return run;
  }

  private async startStopped(): Promise<void> {
    const list = this.store.read();
    let started = false;
    for (const stored of list) {
      if (this.bridges.get(stored.address)) continue;
      try {
        await this.bridges.start(stored);
        started = true;
        if (this.health.lastError(stored.address)?.code === 'E_BRIDGE_PORT_TAKEN')
          this.health.clear(stored.address);
      } catch (error) {
        const code = error instanceof MssanteError ? error.code : 'E_INTERNAL';
        const known = this.health.lastError(stored.address)?.code === code;
        this.health.fail(stored.address, code);
        if (known) continue; // still failing the same way: journaled when it started
        this.log.warn('mailbox.start.failed', { mailbox: stored.address, code });
        this.audit.record({
          author: 'system',
          mailbox: stored.address,
          action: 'bridge-listen',
          outcome: 'failed',
          code,
          ...(error instanceof MssanteError && error.detail ? { request: error.detail } : {}),
        });
      }
    }
    if (started) this.store.save(list.map((m) => this.bridges.get(m.address)?.stored ?? m));
    this.stopped = list.filter((m) => !this.bridges.get(m.address));
  }

  /** Stored mailboxes whose bridges could not start (their ports taken). */
  private stopped: StoredMailbox[] = [];

  async list(): Promise<Result<'mailbox.list'>> {
    await this.startAll();
    const mailboxes = [...this.bridges.all().map((m) => m.stored), ...this.stopped];
    return { mailboxes: await Promise.all(mailboxes.map((s) => this.bridges.describe(s))) };
  }

  async add(params: Params<'mailbox.add'>): Promise<Result<'mailbox.add'>> {
    // ECO.1.3.1: an APP certificate is checked (and sealed) before anything is replaced.
    const app =
      params.profile === 'APP'
        ? importAppCredentials(
            params,
            this.settings.resolved().trust.set,
            new SealedStore(this.stateDir),
          )
        : undefined;
    const existing = this.bridges.get(params.address);
    if (existing) await this.remove(existing.stored.address);
    const stored: StoredMailbox = {
      address: params.address,
      profile: params.profile,
      imap: params.imap,
      smtp: params.smtp,
      secret: '',
      imapPort: 0,
      smtpPort: 0,
      ...(app ? { app } : {}),
      ...(params.displayName ? { displayName: params.displayName } : {}),
    };
    const live = await this.bridges.start(stored);
    this.store.put(stored);
    this.audit.record({
      author: app?.subject ?? this.psc.current?.facts.identity?.nationalId ?? 'system',
      mailbox: stored.address,
      action: 'mailbox-add',
      outcome: 'ok',
    });
    return this.bridges.describe(live.stored);
  }

  /**
   * ECO.1.1.9: logs in to the mailbox's operator the way its bridge does, and says how it went
   * (the outcome also becomes the mailbox's state, ECO.1.2.3).
   */
  async test(address: string): Promise<Result<'mailbox.test'>> {
    await this.startAll();
    const live = this.bridges.get(address);
    if (!live) throw new MssanteError('E_MAILBOX_UNKNOWN', { detail: address.slice(0, 254) });
    const result = await testMailboxConnection(live.imap.mailbox, this.settings.resolved().trust);
    const failed = [result.imap, result.smtp].find((s) => !s.ok)?.error?.code;
    if (failed && isErrorCode(failed)) this.health.fail(address, failed);
    else if (!failed) this.health.clear(address);
    this.audit.record({
      author: authorOf(live.imap.mailbox),
      mailbox: live.stored.address,
      action: 'connection-test',
      outcome: failed ? 'failed' : 'ok',
      ...(failed ? { code: failed } : {}),
    });
    return result;
  }

  async remove(address: string): Promise<Result<'mailbox.remove'>> {
    this.health.clear(address);
    this.stopped = this.stopped.filter((m) => m.address.toLowerCase() !== address.toLowerCase());
    const stopped = await this.bridges.stop(address);
    const removed = this.store.remove(address);
    return { removed: stopped || removed };
  }

  close(): Promise<void> {
    return this.bridges.close();
  }
}
