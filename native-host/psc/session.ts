import { EventEmitter } from 'node:events';
import type { ErrorCode } from '../../shared/errors/codes';
import { MssanteError } from '../../shared/errors/mssante-error';
import { PscDirectSource } from './direct-source';
import type { PscClientOptions } from './discovery';
import type { PscIdentity } from './identity';
import { SessionClock } from './session-clock';
import type { CibaStart, HostPscSession, LoginStart, PscFacts } from './session-port';
import type { PscGrant, PscLogin, PscTokenSource } from './token-source';

export type { ClientAuthConfig } from './client-auth';
export type { PscIdentity } from './identity';

export interface PscSessionOptions extends PscClientOptions {
  /** PSC ends sessions after 15 min of inactivity and 4 h in all; both configurable for tests. */
  idleSeconds?: number;
  maxSeconds?: number;
  /** Refresh this long before the access token expires. */
  refreshMarginSeconds?: number;
  loginTimeoutMs?: number;
  /**
   * How often to check that PSC still knows the session (userinfo with the access token; on
   * refusal, a refresh decides). PSC does not tell clients when a session ends (sign-out
   * elsewhere, revocation): this check is how ECO.1.2.6 happens within seconds. Default 30 s.
   */
  sessionCheckSeconds?: number;
  now?: () => number;
}

/**
 * One Pro Santé Connect session held by the host: its facts, its idle and absolute limits, its
 * refresh and liveness timers, and its events. The tokens come from a `PscTokenSource` (by
 * default the host as PSC's client); the access token lives in a private field of this object
 * only: never on disk, in logs, in protocol messages or in errors (ECO.1.2.5). Emits `change`
 * (facts), `token` (a new access token and its expiry, for the intermediate server to push) and
 * `ended` (code) — the bridge closes every IMAP/SMTP session of the identity on `ended`
 * (ECO.1.2.6). The host reaches it through `HostPscSession` (session-port.ts): in its own process
 * (embedded) or as `RemotePscSession` (an intermediate LPS server holds it).
 */
export class PscSession extends EventEmitter implements HostPscSession {
  #access: string | null = null;
  #refreshing: Promise<string> | null = null;
  #facts: PscFacts = { state: 'signed-out' };
  #lastActivity = 0;
  readonly #clock = new SessionClock();
  private readonly now: () => number;

  constructor(
    private readonly options: PscSessionOptions,
    private readonly source: PscTokenSource = new PscDirectSource(options),
  ) {
    super();
    this.now = options.now ?? Date.now;
  }

  get facts(): PscFacts {
    return structuredClone(this.#facts);
  }

  /** The bridge calls this on every client command: PSC's idle limit follows the user's work. */
  touch(): void {
    this.#lastActivity = this.now();
  }

  /** Authorization code + PKCE in the browser (see browser-login.ts). */
  async beginBrowserLogin(): Promise<LoginStart> {
    const start = await this.source.browserLogin();
    this.setFacts({ state: 'signing-in' });
    return { url: start.url, completion: this.completion(start.login) };
  }

  /** CIBA (approval in the e-CPS app): login_hint = national id, the binding message shown to the user. */
  async beginCiba(nationalId: string, bindingMessage: string): Promise<CibaStart> {
    let start: Awaited<ReturnType<PscTokenSource['cibaLogin']>>;
    try {
      start = await this.source.cibaLogin(nationalId, bindingMessage);
    } catch (error) {
      throw this.loginFailed(error);
    }
    this.setFacts({ state: 'signing-in' });
    return { bindingMessage, expiresIn: start.expiresIn, completion: this.completion(start.login) };
  }

  /** A valid access token for an upstream login, refreshed first when it is about to expire. */
  async accessToken(): Promise<string> {
    if (this.#facts.state !== 'signed-in' || !this.#access) {
      throw new MssanteError(this.#facts.ended?.code ?? 'E_PSC_NOT_SIGNED_IN');
    }
    const margin = (this.options.refreshMarginSeconds ?? 30) * 1000;
    if ((this.#facts.accessExpiresAt ?? 0) - margin > this.now()) return this.#access;
    return this.refresh();
  }

  /** Forces a refresh (also used when the operator refuses a token it considers expired). */
  refresh(): Promise<string> {
    this.#refreshing ??= this.doRefresh().finally(() => (this.#refreshing = null));
    return this.#refreshing;
  }

  signOut(): void {
    this.end('E_PSC_SIGNED_OUT');
  }

  /** Ends the session (ECO.1.2.6): forget the tokens, tell listeners why. */
  end(code: ErrorCode): void {
    if (this.#facts.state === 'ended' || this.#facts.state === 'signed-out') return;
    this.#access = null;
    this.source.forget();
    this.#clock.stop();
    this.setFacts({ ...this.#facts, state: 'ended', ended: { code, at: this.now() } });
    this.emit('ended', code);
  }

  private completion(login: Promise<PscLogin>): Promise<PscIdentity> {
    return login.then(
      (done) => this.signedIn(done),
      (error: unknown) => {
        throw this.loginFailed(error);
      },
    );
  }

  private async doRefresh(): Promise<string> {
    const outcome = await this.source.refresh();
    if (outcome.kind === 'granted') {
      this.store(outcome.grant);
      return this.#access!;
    }
    this.end(this.limitReached() ?? 'E_PSC_REFRESH_INVALID');
    throw new MssanteError(this.#facts.ended?.code ?? 'E_PSC_REFRESH_INVALID', {
      cause: outcome.cause,
    });
  }

  private limitReached(): ErrorCode | undefined {
    const now = this.now();
    if (this.#facts.absoluteExpiresAt && now >= this.#facts.absoluteExpiresAt)
      return 'E_PSC_SESSION_MAX';
    if (this.#facts.idleExpiresAt && now >= this.#facts.idleExpiresAt) return 'E_PSC_SESSION_IDLE';
    return undefined;
  }

  private signedIn(login: PscLogin): PscIdentity {
    const now = this.now();
    this.#lastActivity = now;
    this.setFacts({
      state: 'signed-in',
      identity: login.identity,
      since: now,
      absoluteExpiresAt: now + (this.options.maxSeconds ?? 4 * 3600) * 1000,
    });
    this.store(login);
    return login.identity;
  }

  private store(grant: PscGrant): void {
    const now = this.now();
    this.#access = grant.accessToken;
    const idle = grant.idleSeconds || this.options.idleSeconds || 900;
    const accessExpiresAt = now + (grant.expiresIn ?? 60) * 1000;
    this.setFacts({
      ...this.#facts,
      accessExpiresAt,
      idleExpiresAt: Math.min(now + idle * 1000, this.#facts.absoluteExpiresAt ?? Infinity),
    });
    this.schedule();
    // In memory only: the intermediate server pushes it to its host (lps-server/sessions.ts).
    this.emit('token', grant.accessToken, accessExpiresAt);
  }

  /**
   * Near the access token's expiry: refresh if the user worked since the last refresh (PSC's
   * idle limit then follows real activity), otherwise let the session idle out. At the idle or
   * absolute limit: end. Meanwhile, check every `sessionCheckSeconds` that PSC still knows it.
   */
  private schedule(): void {
    const facts = this.#facts;
    const now = this.now();
    const margin = (this.options.refreshMarginSeconds ?? 30) * 1000;
    const lastRefresh = now;
    this.#clock.set([
      [
        (facts.accessExpiresAt ?? now) - margin - now,
        () => {
          if (this.#lastActivity >= lastRefresh - margin)
            void this.refresh().catch(() => undefined);
        },
      ],
      [(facts.idleExpiresAt ?? now) - now, () => this.end('E_PSC_SESSION_IDLE')],
      [(facts.absoluteExpiresAt ?? now) - now, () => this.end('E_PSC_SESSION_MAX')],
    ]);
    this.#clock.every(
      (this.options.sessionCheckSeconds ?? 30) * 1000,
      () => void this.checkAlive(),
    );
  }

  /** Is the session still alive at PSC? A refused userinfo leads to a refresh, which decides. */
  private async checkAlive(): Promise<void> {
    if (this.#facts.state !== 'signed-in' || !this.#access) return;
    if (await this.source.stillValid(this.#access, this.#facts.identity?.subject)) return;
    // Refused (or PSC unreachable): the refresh decides; it ends the session only when PSC
    // refuses the refresh token (invalid_grant), not on a network failure.
    await this.refresh().catch(() => undefined);
  }

  /** A login that did not complete: back to signed-out, and its coded error. */
  private loginFailed(error: unknown): MssanteError {
    if (this.#facts.state === 'signing-in') this.setFacts({ state: 'signed-out' });
    return error instanceof MssanteError
      ? error
      : new MssanteError('E_PSC_LOGIN_FAILED', { cause: error });
  }

  private setFacts(facts: PscFacts): void {
    this.#facts = facts;
    this.emit('change', this.facts);
  }
}
