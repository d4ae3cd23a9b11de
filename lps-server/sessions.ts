import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type * as client from 'openid-client';
import type { ErrorCode } from '../shared/errors/codes';
import { MssanteError } from '../shared/errors/mssante-error';
import { LPS_API_VERSION, type LpsEvent, type SessionFacts } from '../shared/protocol/lps/index';
import { discoverPsc } from '../native-host/psc/discovery';
import { PscDirectSource } from '../native-host/psc/direct-source';
import { PscSession } from '../native-host/psc/session';
import type { PscFacts } from '../native-host/psc/session-port';
import type { CallbackRegistry } from './callbacks';
import type { LpsServerConfig } from './config';
import { type LpsLog, shortId } from './log';

type Listener = (event: LpsEvent) => void;

/** One workstation's session: its PSC session (tokens in memory), who listens, its binding. */
export class ServerSession {
  readonly listeners = new Set<Listener>();
  #token: { accessToken: string; expiresAt: number } | null = null;

  constructor(
    readonly id: string,
    readonly secretHash: Buffer,
    readonly psc: PscSession,
    readonly openedAt: number,
  ) {
    psc.on('change', (facts: PscFacts) => this.push({ v: 1, type: 'facts', facts: wire(facts) }));
    psc.on('token', (accessToken: string, expiresAt: number) => {
      this.#token = { accessToken, expiresAt };
      this.push({ v: 1, type: 'token', accessToken, expiresAt, sentAt: Date.now() });
    });
    psc.on('ended', (code: ErrorCode) => {
      this.#token = null;
      this.push({ v: 1, type: 'ended', code });
    });
  }

  /** The access token of the session as last granted (null when there is none). */
  get token(): { accessToken: string; expiresAt: number } | null {
    return this.psc.facts.state === 'signed-in' ? this.#token : null;
  }

  push(event: LpsEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

/** Facts as the protocol carries them: the identity without the claims it does not name. */
export function wire(facts: PscFacts): SessionFacts {
  const { identity, ...rest } = facts;
  return {
    ...rest,
    ...(identity
      ? {
          identity: {
            subject: identity.subject,
            nationalId: identity.nationalId,
            givenName: identity.givenName,
            familyName: identity.familyName,
            ...(identity.civility ? { civility: identity.civility } : {}),
            acr: identity.acr,
          },
        }
      : {}),
  };
}

const hash = (secret: string): Buffer => createHash('sha256').update(secret).digest();

/**
 * Every session the server holds, each bound to the SHA-256 of its host's secret. PSC's metadata
 * is discovered once and shared. A session never signed in is dropped after `pendingSeconds`;
 * an ended one as soon as its host was told; at most `max` at once (E_LPS_BUSY beyond).
 */
export class SessionTable {
  readonly #sessions = new Map<string, ServerSession>();
  #discovery: Promise<client.Configuration> | null = null;
  readonly #sweep: NodeJS.Timeout;

  constructor(
    private readonly config: LpsServerConfig,
    private readonly callbacks: CallbackRegistry,
    private readonly log: LpsLog,
    private readonly now: () => number = Date.now,
  ) {
    this.#sweep = setInterval(() => this.sweep(), 10_000);
    this.#sweep.unref();
  }

  get size(): number {
    return this.#sessions.size;
  }

  private configuration = (): Promise<client.Configuration> => {
    this.#discovery ??= discoverPsc(this.config.psc).catch((error: unknown) => {
      this.#discovery = null; // PSC down at the first login: try again at the next
      throw error;
    });
    return this.#discovery;
  };

  open(secret: string): ServerSession {
    if (this.#sessions.size >= this.config.sessions.max) throw new MssanteError('E_LPS_BUSY');
    const id = randomBytes(16).toString('base64url');
    const options = {
      ...this.config.psc,
      sessionCheckSeconds: this.config.sessions.checkSeconds,
      ...(this.config.idleSeconds ? { idleSeconds: this.config.idleSeconds } : {}),
      ...(this.config.maxSeconds ? { maxSeconds: this.config.maxSeconds } : {}),
    };
    const source = new PscDirectSource({
      ...options,
      callbacks: this.callbacks.open,
      configuration: this.configuration,
    });
    const session = new ServerSession(
      id,
      hash(secret),
      new PscSession(options, source),
      this.now(),
    );
    session.psc.on('ended', (code: ErrorCode) =>
      this.log.info('session.ended', { session: shortId(id), code }),
    );
    this.#sessions.set(id, session);
    this.log.info('session.open', { session: shortId(id), sessions: this.#sessions.size });
    return session;
  }

  /** The session `id` if `secret` is its host's; E_LPS_SESSION_LOST otherwise (either way). */
  get(id: string, secret: string): ServerSession {
    const session = this.#sessions.get(id);
    const given = hash(secret);
    if (!session || !timingSafeEqual(session.secretHash, given))
      throw new MssanteError('E_LPS_SESSION_LOST');
    return session;
  }

  close(id: string): void {
    const session = this.#sessions.get(id);
    if (!session) return;
    this.#sessions.delete(id);
    session.psc.signOut();
    this.log.info('session.close', { session: shortId(id), sessions: this.#sessions.size });
  }

  /** Stops: every session ends (its host is told it was lost), nothing is kept. */
  closeAll(): void {
    clearInterval(this.#sweep);
    for (const id of [...this.#sessions.keys()]) this.close(id);
  }

  private sweep(): void {
    const pendingMs = this.config.sessions.pendingSeconds * 1000;
    for (const [id, session] of this.#sessions) {
      const { state } = session.psc.facts;
      const stale =
        (state === 'signed-out' || state === 'signing-in') &&
        this.now() - session.openedAt > pendingMs;
      if (stale || (state === 'ended' && session.listeners.size === 0)) {
        this.#sessions.delete(id);
        session.psc.signOut();
        this.log.info('session.dropped', { session: shortId(id), state });
      }
    }
  }
}

export const API_VERSION = LPS_API_VERSION;
