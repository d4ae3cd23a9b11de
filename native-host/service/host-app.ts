import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { LookupFunction } from 'node:net';
import path from 'node:path';
import { type ErrorCode, isErrorCode } from '../../shared/errors/codes';
import { MssanteError, toMssanteError } from '../../shared/errors/mssante-error';
import { type HostEvent, makeEvent, type Params, type Result } from '../../shared/protocol/index';
import { displayName } from '../../shared/protocol/messages/mailbox';
import { AuditJournal } from '../audit/journal';
import { lookupAutoconfig } from '../autoconfig/lookup';
import { journalKey } from '../audit/key';
import { Redactor } from '../audit/redact';
import { ImapBridge } from '../bridge/imap-bridge';
import { authorOf, type BridgeMailbox } from '../bridge/mailbox';
import { SmtpBridge } from '../bridge/smtp-bridge';
import type { Logger } from '../log';
import { PscSession } from '../psc/session';
import { trustContext } from '../trust/context';
import type { TrustContext } from '../trust/verify';
import { appCredentials, importAppCredentials, type StoredAppCredentials } from './app-mailbox';
import { type ResolvedConfig, resolveConfig } from '../config/load';
import { tightenPrivateFile, writePrivateFile } from '../config/private-file';
import { SealedStore } from './sealed-store';
import { testMailboxConnection } from './connection-test';
import { MailboxHealth } from './mailbox-health';

interface StoredMailbox {
  address: string;
  profile: 'PER' | 'ORG' | 'APP';
  imap: { host: string; port: number };
  smtp: { host: string; port: number };
  secret: string;
  imapPort: number;
  smtpPort: number;
  /** APP: the ORG AUTH_CLI certificate's facts, and its PKCS#12 sealed (see sealed-store.ts). */
  app?: StoredAppCredentials;
  /** ECO.2.2.7: the From name chosen at setup, for an account Thunderbird has to get again. */
  displayName?: string;
}

interface LiveMailbox {
  stored: StoredMailbox;
  imap: ImapBridge;
  smtp: SmtpBridge;
}

/**
 * Everything the host does beyond the protocol: the PSC session, the trust context, the audit
 * journal and the bridges of the configured mailboxes (kept in <state>/mailboxes.json, with the
 * loopback ports reused across restarts so Thunderbird's accounts keep working).
 */
export class HostApp {
  readonly audit: AuditJournal;
  private readonly redactor: Redactor;
  private config: ResolvedConfig | null = null;
  private trust: TrustContext | null = null;
  private session: PscSession | null = null;
  private readonly live = new Map<string, LiveMailbox>();
  /** ECO.1.2.3: each mailbox's last failure, read from what the bridges journal. */
  private readonly health = new MailboxHealth();

  constructor(
    private readonly stateDir: string,
    private readonly log: Logger,
    private readonly notify: (event: HostEvent) => void = () => {},
  ) {
    const auditDir = path.join(stateDir, 'audit');
    this.audit = new AuditJournal(auditDir);
    this.audit.prune();
    this.redactor = new Redactor(
      journalKey(auditDir, (length) =>
        this.audit.record({
          author: 'system',
          action: 'key-replaced',
          request: `journal.key (was ${length} bytes): earlier patient pseudonyms no longer match`,
          outcome: 'ok',
        }),
      ),
    );
    // mailboxes.json is the host's own file: a mode opened since is narrowed and journaled.
    const loose = tightenPrivateFile(this.file());
    if (loose !== null)
      this.audit.record({
        author: 'system',
        action: 'permissions',
        request: `chmod 600 mailboxes.json (was ${loose.toString(8)})`,
        outcome: 'ok',
      });
  }

  /** Configuration is read when first needed (the sandbox may start after the host). */
  private resolved(): { config: ResolvedConfig; trust: TrustContext } {
    if (!this.config || !this.trust) {
      const config = resolveConfig(this.stateDir);
      this.config = config;
      this.trust = trustContext(config.trust, {
        cacheDir: path.join(this.stateDir, 'crl-cache'),
        ...(config.lookup ? { lookup: config.lookup } : {}),
      });
    }
    return { config: this.config, trust: this.trust };
  }

  private pscSession(): PscSession {
    if (this.session && this.session.facts.state !== 'ended') return this.session;
    const { config } = this.resolved();
    if (!config.psc)
      throw new MssanteError('E_CONFIG_MISSING', { detail: 'no PSC client configured' });
    const session = new PscSession(config.psc);
    session.on('change', () => {
      if (session.facts.state === 'signed-in') this.health.sessionStarted();
      this.notify(makeEvent('psc', this.pscFacts()));
    });
    session.on('ended', (code: ErrorCode) => {
      // ECO.1.2.6: the refresh token is gone; close every IMAP and SMTP session and say why.
      for (const m of this.live.values()) {
        m.imap.closeAll(code);
        m.smtp.closeAll(code);
      }
      this.audit.record({
        author: session.facts.identity?.nationalId ?? 'unknown',
        action: 'psc-session-end',
        outcome: 'ok',
        code,
      });
      this.notify(makeEvent('notice', new MssanteError(code).toWire()));
    });
    this.session = session;
    return session;
  }

  pscFacts(): Result<'psc.status'> {
    let preset = 'none';
    try {
      const { config } = this.resolved();
      preset = config.preset;
      if (!config.psc) throw new MssanteError('E_CONFIG_MISSING');
    } catch (error) {
      const problem = toMssanteError(error);
      return {
        configured: false,
        preset,
        state: 'signed-out',
        // Nothing configured is the normal first run; anything else is a fault to show.
        ...(problem.code === 'E_CONFIG_MISSING'
          ? {}
          : {
              configError: {
                ...problem.toWire(),
                ...(problem.detail ? { detail: problem.detail } : {}),
              },
            }),
      };
    }
    const facts = this.session?.facts ?? { state: 'signed-out' as const };
    const { identity } = facts;
    return {
      configured: true,
      preset,
      state: facts.state,
      ...(identity
        ? {
            identity: {
              nationalId: identity.nationalId,
              givenName: identity.givenName,
              familyName: identity.familyName,
              ...(identity.civility ? { civility: identity.civility } : {}),
            },
          }
        : {}),
      ...(facts.since ? { since: facts.since } : {}),
      ...(facts.accessExpiresAt ? { accessExpiresAt: facts.accessExpiresAt } : {}),
      ...(facts.idleExpiresAt ? { idleExpiresAt: facts.idleExpiresAt } : {}),
      ...(facts.absoluteExpiresAt ? { absoluteExpiresAt: facts.absoluteExpiresAt } : {}),
      ...(facts.ended ? { ended: facts.ended } : {}),
    };
  }

  async login(params: Params<'psc.login'>): Promise<Result<'psc.login'>> {
    const session = this.pscSession();
    const report = (promise: Promise<unknown>) =>
      promise.then(
        () =>
          this.audit.record({
            author: session.facts.identity?.nationalId ?? 'unknown',
            action: 'psc-login',
            outcome: 'ok',
            request: params.method,
          }),
        (error: unknown) => {
          const failure =
            error instanceof MssanteError ? error : new MssanteError('E_PSC_LOGIN_FAILED');
          this.audit.record({
            author: params.method === 'ciba' ? params.nationalId : 'unknown',
            action: 'psc-login',
            outcome: 'failed',
            request: params.method,
            code: failure.code,
          });
          this.notify(makeEvent('notice', failure.toWire()));
        },
      );
    if (params.method === 'browser') {
      const start = await session.beginBrowserLogin();
      void report(start.completion);
      return { url: start.url };
    }
    const binding = `MSS-${randomBytes(2).toString('hex').toUpperCase()}`;
    const start = await session.beginCiba(params.nationalId, binding);
    void report(start.completion);
    return { bindingMessage: start.bindingMessage, expiresIn: start.expiresIn };
  }

  logout(): Result<'psc.logout'> {
    this.session?.signOut();
    return this.pscFacts();
  }

  /** What every upstream TLS connection of the host is checked with (bridge, autoconfig, Annuaire). */
  upstreamTls(): { trust: TrustContext; lookup?: LookupFunction } {
    const { config, trust } = this.resolved();
    return { trust, ...(config.lookup ? { lookup: config.lookup } : {}) };
  }

  /** ECO.1.1.9: the autoconfig file of the address's domain, downloaded under the trust rules. */
  autoconfig(address: string): Promise<Result<'autoconfig.lookup'>> {
    const { config, trust } = this.resolved();
    return lookupAutoconfig(address, {
      trust,
      audit: this.audit,
      ...(config.lookup ? { lookup: config.lookup } : {}),
      ports: config.autoconfigPorts,
    });
  }

  // — mailboxes —

  private file(): string {
    return path.join(this.stateDir, 'mailboxes.json');
  }

  private stored(): StoredMailbox[] {
    const list = existsSync(this.file())
      ? (JSON.parse(readFileSync(this.file(), 'utf8')) as StoredMailbox[])
      : [];
    // A name edited by hand into something the protocol refuses is dropped, not sent.
    for (const m of list)
      if (m.displayName !== undefined && !displayName.safeParse(m.displayName).success)
        delete m.displayName;
    return list;
  }

  private save(list: StoredMailbox[]): void {
    writePrivateFile(this.file(), JSON.stringify(list, null, 2) + '\n');
  }

  private describe(m: LiveMailbox): Result<'mailbox.add'> {
    const s = m.stored;
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
      ...(this.health.lastError(s.address) ? { lastError: this.health.lastError(s.address)! } : {}),
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

  /** Where APP credentials are sealed (the key file sits in the state dir, mode 0600). */
  private secrets(): SealedStore {
    return new SealedStore(this.stateDir);
  }

  /** Starts the bridges of one mailbox, on its previous ports when they are free. */
  private async start(stored: StoredMailbox): Promise<LiveMailbox> {
    const { config, trust } = this.resolved();
    const mailbox: BridgeMailbox = {
      address: stored.address,
      profile: stored.profile,
      imap: stored.imap,
      smtp: stored.smtp,
      ...(config.lookup ? { lookup: config.lookup } : {}),
      secret: stored.secret,
      credentials: stored.app
        ? appCredentials(stored.address, stored.app, this.secrets())
        : { kind: 'psc', session: () => this.pscSession() },
    };
    const deps = {
      trust,
      audit: this.health.watch(this.audit),
      redactor: this.redactor,
      log: this.log,
    };
    const imap = new ImapBridge(mailbox, deps);
    const smtp = new SmtpBridge(mailbox, deps);
    stored.imapPort = await imap.listen(stored.imapPort).catch(() => imap.listen(0));
    stored.smtpPort = await smtp.listen(stored.smtpPort).catch(() => smtp.listen(0));
    const live = { stored, imap, smtp };
    this.live.set(stored.address.toLowerCase(), live);
    return live;
  }

  async startAll(): Promise<void> {
    const list = this.stored();
    for (const stored of list) {
      try {
        await this.start(stored);
      } catch (error) {
        this.log.warn('mailbox.start.failed', {
          mailbox: stored.address,
          code: error instanceof MssanteError ? error.code : 'E_INTERNAL',
        });
      }
    }
    if (list.length) this.save(list);
  }

  async list(): Promise<Result<'mailbox.list'>> {
    if (this.live.size === 0 && this.stored().length > 0) await this.startAll();
    return { mailboxes: [...this.live.values()].map((m) => this.describe(m)) };
  }

  async add(params: Params<'mailbox.add'>): Promise<Result<'mailbox.add'>> {
    const key = params.address.toLowerCase();
    // ECO.1.3.1: an APP certificate is checked (and sealed) before anything is replaced.
    const app =
      params.profile === 'APP'
        ? importAppCredentials(params, this.resolved().trust.set, this.secrets())
        : undefined;
    const existing = this.live.get(key);
    if (existing) await this.remove(existing.stored.address);
    const stored: StoredMailbox = {
      address: params.address,
      profile: params.profile,
      imap: params.imap,
      smtp: params.smtp,
      secret: randomBytes(24).toString('base64url'),
      imapPort: 0,
      smtpPort: 0,
      ...(app ? { app } : {}),
      ...(params.displayName ? { displayName: params.displayName } : {}),
    };
    const live = await this.start(stored);
    this.save([...this.stored().filter((m) => m.address.toLowerCase() !== key), stored]);
    this.audit.record({
      author: app?.subject ?? this.session?.facts.identity?.nationalId ?? 'system',
      mailbox: stored.address,
      action: 'mailbox-add',
      outcome: 'ok',
    });
    return this.describe(live);
  }

  /**
   * ECO.1.1.9: logs in to the mailbox's operator the way its bridge does, and says how it went
   * (the outcome also becomes the mailbox's state, ECO.1.2.3).
   */
  async test(address: string): Promise<Result<'mailbox.test'>> {
    if (this.live.size === 0 && this.stored().length > 0) await this.startAll();
    const live = this.live.get(address.toLowerCase());
    if (!live) throw new MssanteError('E_MAILBOX_UNKNOWN', { detail: address.slice(0, 254) });
    const result = await testMailboxConnection(live.imap.mailbox, this.resolved().trust);
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
    const key = address.toLowerCase();
    this.health.clear(address);
    const live = this.live.get(key);
    if (live) {
      await Promise.all([live.imap.close(), live.smtp.close()]);
      this.live.delete(key);
    }
    const before = this.stored();
    const after = before.filter((m) => m.address.toLowerCase() !== key);
    if (after.length !== before.length) this.save(after);
    return { removed: Boolean(live) || after.length !== before.length };
  }

  async close(): Promise<void> {
    for (const m of this.live.values()) await Promise.all([m.imap.close(), m.smtp.close()]);
    this.live.clear();
  }
}
