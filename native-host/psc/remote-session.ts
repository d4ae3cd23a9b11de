import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { ErrorCode } from '../../shared/errors/codes';
import { MssanteError } from '../../shared/errors/mssante-error';
import {
  factsReply,
  loginReply,
  type LpsEvent,
  okReply,
  openSessionReply,
  type SessionFacts,
  tokenReply,
} from '../../shared/protocol/lps/index';
import { lpsEvents, lpsRequest, type LpsTarget } from './lps-client';
import type { CibaStart, HostPscSession, LoginStart, PscFacts } from './session-port';

export interface RemoteSessionOptions extends LpsTarget {
  /** How often the host asks the server whether it still holds the session; default 30 s. */
  checkSeconds?: number;
  /** Refresh this long before the access token expires; default 30 s. */
  refreshMarginSeconds?: number;
  now?: () => number;
}

/**
 * The host's end of a PSC session held by the intermediate LPS server (docs/lps-server.md): the
 * host holds no PSC credential and never sees a refresh token. It opens a session bound to a
 * secret made here and kept in memory only, starts sign-ins there, and follows the session's
 * events: the access token (in a private field, never written anywhere) as the server renews it,
 * the facts, and the end — on which every IMAP and SMTP session closes (ECO.1.2.6). If the
 * events stream drops, it reconnects; if the server no longer knows the session (it restarted),
 * the session ends with E_LPS_SESSION_LOST, at the latest at the next check.
 */
export class RemotePscSession extends EventEmitter implements HostPscSession {
  readonly #secret = randomBytes(32).toString('base64url');
  #id: string | null = null;
  #opening: Promise<string> | null = null;
  #access: { token: string; expiresAt: number } | null = null;
  #facts: PscFacts = { state: 'signed-out' };
  #stopEvents: (() => void) | null = null;
  #check: NodeJS.Timeout | null = null;
  #lastActivity = 0;
  #login: { resolve: (facts: PscFacts) => void; reject: (error: MssanteError) => void } | null =
    null;
  private readonly now: () => number;

  constructor(private readonly options: RemoteSessionOptions) {
    super();
    this.now = options.now ?? Date.now;
  }

  get facts(): PscFacts {
    return structuredClone(this.#facts);
  }

  private auth(id: string): string {
    return `MSS-Session ${id}.${this.#secret}`;
  }

  /** The session at the server, opened once (and its events followed). */
  private session(): Promise<string> {
    this.#opening ??= lpsRequest(this.options, 'POST', '/v1/sessions', openSessionReply, {
      body: { secret: this.#secret },
    }).then(
      (reply) => {
        this.#id = reply.sessionId;
        this.follow(reply.sessionId);
        return reply.sessionId;
      },
      (error: unknown) => {
        this.#opening = null;
        throw error;
      },
    );
    return this.#opening;
  }

  async beginBrowserLogin(): Promise<LoginStart> {
    const id = await this.session();
    const reply = await lpsRequest(this.options, 'POST', `/v1/sessions/${id}/login`, loginReply, {
      auth: this.auth(id),
      body: { method: 'browser' },
    });
    if (!reply.url) throw new MssanteError('E_LPS_PROTOCOL', { detail: 'no url' });
    return { url: reply.url, completion: this.completion() };
  }

  async beginCiba(nationalId: string, bindingMessage: string): Promise<CibaStart> {
    const id = await this.session();
    const reply = await lpsRequest(this.options, 'POST', `/v1/sessions/${id}/login`, loginReply, {
      auth: this.auth(id),
      body: { method: 'ciba', nationalId, bindingMessage },
    });
    return { bindingMessage, expiresIn: reply.expiresIn ?? 0, completion: this.completion() };
  }

  /** Resolves when the events say signed in; rejects when they say the login failed. */
  private completion(): CibaStart['completion'] {
    this.#login?.reject(new MssanteError('E_PSC_LOGIN_FAILED'));
    return new Promise<PscFacts>((resolve, reject) => (this.#login = { resolve, reject })).then(
      (facts) => facts.identity!,
    );
  }

  touch(): void {
    const now = this.now();
    if (now - this.#lastActivity < 30_000 || !this.#id) return;
    this.#lastActivity = now;
    const id = this.#id;
    void lpsRequest(this.options, 'POST', `/v1/sessions/${id}/activity`, okReply, {
      auth: this.auth(id),
      body: {},
    }).catch(() => undefined);
  }

  async accessToken(): Promise<string> {
    if (this.#facts.state !== 'signed-in' || !this.#access)
      throw new MssanteError(this.#facts.ended?.code ?? 'E_PSC_NOT_SIGNED_IN');
    const margin = (this.options.refreshMarginSeconds ?? 30) * 1000;
    if (this.#access.expiresAt - margin > this.now()) return this.#access.token;
    return this.refresh();
  }

  async refresh(): Promise<string> {
    const id = this.#id;
    if (!id || this.#facts.state !== 'signed-in') throw new MssanteError('E_PSC_NOT_SIGNED_IN');
    try {
      const reply = await lpsRequest(
        this.options,
        'POST',
        `/v1/sessions/${id}/refresh`,
        tokenReply,
        {
          auth: this.auth(id),
          body: {},
        },
      );
      this.#access = { token: reply.accessToken, expiresAt: reply.expiresAt };
      return reply.accessToken;
    } catch (error) {
      this.endIfLost(error);
      throw error;
    }
  }

  signOut(): void {
    const id = this.#id;
    if (id)
      void lpsRequest(this.options, 'DELETE', `/v1/sessions/${id}`, okReply, {
        auth: this.auth(id),
      }).catch(() => undefined);
    this.end('E_PSC_SIGNED_OUT');
  }

  /** Ends the session here: forget the token and the session, tell listeners why. */
  end(code: ErrorCode): void {
    this.stop();
    this.#login?.reject(new MssanteError(code));
    this.#login = null;
    if (this.#facts.state === 'ended' || this.#facts.state === 'signed-out') {
      this.setFacts({ state: 'signed-out' });
      return;
    }
    this.setFacts({ ...this.#facts, state: 'ended', ended: { code, at: this.now() } });
    this.emit('ended', code);
  }

  private stop(): void {
    this.#access = null;
    this.#id = null;
    this.#opening = null;
    this.#stopEvents?.();
    this.#stopEvents = null;
    if (this.#check) clearInterval(this.#check);
    this.#check = null;
  }

  private follow(id: string): void {
    const open = () => {
      this.#stopEvents = lpsEvents(
        this.options,
        `/v1/sessions/${id}/events`,
        this.auth(id),
        (event) => this.receive(event),
        (status) => {
          if (this.#id !== id) return;
          if (status === 401) return this.end('E_LPS_SESSION_LOST');
          setTimeout(() => this.#id === id && open(), 1_000).unref();
        },
      );
    };
    open();
    this.#check = setInterval(
      () => void this.checkHeld(id),
      (this.options.checkSeconds ?? 30) * 1000,
    );
    this.#check.unref();
  }

  /** Does the server still hold the session? (It does not after a restart.) */
  private async checkHeld(id: string): Promise<void> {
    try {
      const reply = await lpsRequest(this.options, 'GET', `/v1/sessions/${id}`, factsReply, {
        auth: this.auth(id),
      });
      this.apply(reply.facts);
    } catch (error) {
      this.endIfLost(error);
    }
  }

  private endIfLost(error: unknown): void {
    if (error instanceof MssanteError && error.code === 'E_LPS_SESSION_LOST')
      this.end('E_LPS_SESSION_LOST');
  }

  private receive(event: LpsEvent): void {
    if (event.type === 'token')
      this.#access = { token: event.accessToken, expiresAt: event.expiresAt };
    else if (event.type === 'facts') this.apply(event.facts);
    else this.end(event.code as ErrorCode);
  }

  private apply(wire: SessionFacts): void {
    const facts = fromWire(wire);
    const was = this.#facts.state;
    if (facts.state === 'ended')
      return this.end((facts.ended?.code ?? 'E_PSC_REFRESH_INVALID') as ErrorCode);
    this.setFacts(facts);
    if (facts.state === 'signed-in' && was !== 'signed-in') {
      this.#login?.resolve(facts);
      this.#login = null;
    } else if (facts.state === 'signed-out' && was === 'signing-in') {
      this.#login?.reject(new MssanteError('E_PSC_LOGIN_FAILED'));
      this.#login = null;
    }
  }

  private setFacts(facts: PscFacts): void {
    this.#facts = facts;
    this.emit('change', this.facts);
  }
}

function fromWire(facts: SessionFacts): PscFacts {
  const out: PscFacts = { state: facts.state };
  for (const key of ['since', 'accessExpiresAt', 'idleExpiresAt', 'absoluteExpiresAt'] as const) {
    const value = facts[key];
    if (value !== undefined) out[key] = value;
  }
  const { identity, ended } = facts;
  if (identity)
    out.identity = {
      subject: identity.subject,
      nationalId: identity.nationalId,
      givenName: identity.givenName,
      familyName: identity.familyName,
      civility: identity.civility,
      acr: identity.acr ?? 'none',
    };
  if (ended) out.ended = { code: ended.code as ErrorCode, at: ended.at };
  return out;
}
