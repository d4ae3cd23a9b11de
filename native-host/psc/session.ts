import { EventEmitter } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as client from 'openid-client';
import type { ErrorCode } from '../../shared/errors/codes';
import { MssanteError } from '../../shared/errors/mssante-error';
import { type ClientAuthConfig, clientAuthSetup } from './client-auth';
import { PSC_ACR, PSC_SCOPE, type PscEndpoints } from './presets';

export type { ClientAuthConfig } from './client-auth';

export interface PscSessionOptions {
  endpoints: PscEndpoints;
  clientId: string;
  auth: ClientAuthConfig;
  /** Plain-HTTP issuer (the local sandbox only). */
  allowHttp?: boolean;
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

export interface PscIdentity {
  nationalId: string;
  subject: string;
  givenName: string;
  familyName: string;
  civility: string | undefined;
}

/** What the extension may see about the session: identity and times, never a token. */
export interface PscFacts {
  state: 'signed-out' | 'signing-in' | 'signed-in' | 'ended';
  identity?: PscIdentity;
  since?: number;
  accessExpiresAt?: number;
  idleExpiresAt?: number;
  absoluteExpiresAt?: number;
  ended?: { code: ErrorCode; at: number };
}

export interface LoginStart {
  /** Open this in a Thunderbird tab. */
  url: string;
  completion: Promise<PscIdentity>;
}

export interface CibaStart {
  bindingMessage: string;
  expiresIn: number;
  completion: Promise<PscIdentity>;
}

/** The OAuth error code of an openid-client failure (response body or WWW-Authenticate challenge). */
function oauthError(error: unknown): string | undefined {
  const value = error as { error?: unknown; cause?: unknown } | null;
  if (typeof value?.error === 'string') return value.error;
  if (Array.isArray(value?.cause)) {
    for (const challenge of value.cause as Array<{ parameters?: { error?: unknown } }>) {
      if (typeof challenge.parameters?.error === 'string') return challenge.parameters.error;
    }
  }
  return undefined;
}

/** PSC refusing the host itself (secret, key or certificate) is told apart from a user's failure. */
function failureCode(error: unknown, fallback: ErrorCode): ErrorCode {
  if (error instanceof MssanteError) return error.code;
  return oauthError(error) === 'invalid_client' ? 'E_PSC_CLIENT_AUTH' : fallback;
}

function stringClaim(claims: Record<string, unknown>, name: string): string | undefined {
  const value = claims[name];
  return typeof value === 'string' && value ? value : undefined;
}

/**
 * One Pro Santé Connect session held by the host (the "intermediate LPS server"). Tokens live
 * in private fields of this object only: never on disk, in logs, in protocol messages or in
 * errors (ECO.1.2.5). Emits `change` (facts) and `ended` (code) — the bridge closes every
 * IMAP/SMTP session of the identity on `ended` (ECO.1.2.6).
 */
export class PscSession extends EventEmitter {
  #config: client.Configuration | null = null;
  #access: string | null = null;
  #refresh: string | null = null;
  #refreshing: Promise<string> | null = null;
  #facts: PscFacts = { state: 'signed-out' };
  #lastActivity = 0;
  #timers: NodeJS.Timeout[] = [];
  #check: NodeJS.Timeout | null = null;
  private readonly now: () => number;

  constructor(private readonly options: PscSessionOptions) {
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

  private async configuration(): Promise<client.Configuration> {
    if (this.#config) return this.#config;
    const { endpoints, clientId, auth } = this.options;
    let metadata: client.ServerMetadata;
    try {
      const response = await fetch(endpoints.discovery, {
        headers: { accept: 'application/json' },
        redirect: 'error',
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      metadata = (await response.json()) as client.ServerMetadata;
    } catch (error) {
      throw new MssanteError('E_PSC_UNREACHABLE', {
        detail: new URL(endpoints.discovery).host,
        cause: error,
      });
    }
    if (metadata.issuer !== endpoints.issuer) {
      throw new MssanteError('E_PSC_DISCOVERY', { detail: `issuer ${String(metadata.issuer)}` });
    }
    const setup = await clientAuthSetup(auth);
    const config = new client.Configuration(metadata, clientId, setup.metadata, setup.clientAuth);
    if (setup.fetch) config[client.customFetch] = setup.fetch;
    if (this.options.allowHttp) client.allowInsecureRequests(config);
    this.#config = config;
    return config;
  }

  /** Authorization code + PKCE (S256) with acr_values=eidas1, redirect to a loopback listener. */
  async beginBrowserLogin(): Promise<LoginStart> {
    const config = await this.configuration();
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const redirectUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`;
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: PSC_SCOPE,
      acr_values: PSC_ACR,
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    this.setFacts({ state: 'signing-in' });
    const completion = new Promise<PscIdentity>((resolve, reject) => {
      const timer = setTimeout(
        () => {
          server.close();
          reject(this.failLogin('E_PSC_LOGIN_TIMEOUT'));
        },
        this.options.loginTimeoutMs ?? 10 * 60_000,
      );
      server.on('request', (req, res) => {
        const current = new URL(req.url ?? '/', redirectUri);
        if (current.pathname !== '/callback') {
          res.writeHead(404).end();
          return;
        }
        clearTimeout(timer);
        server.close();
        const done = (ok: boolean) => {
          res.writeHead(ok ? 200 : 400, { 'content-type': 'text/html; charset=utf-8' });
          res.end(loginPage(ok));
        };
        if (current.searchParams.get('error')) {
          done(false);
          reject(
            this.failLogin(
              current.searchParams.get('error') === 'access_denied'
                ? 'E_PSC_LOGIN_DENIED'
                : 'E_PSC_LOGIN_FAILED',
            ),
          );
          return;
        }
        client
          .authorizationCodeGrant(config, current, {
            pkceCodeVerifier: verifier,
            expectedState: state,
            expectedNonce: nonce,
            idTokenExpected: true,
          })
          .then((tokens) => this.accept(config, tokens))
          .then(
            (identity) => {
              done(true);
              resolve(identity);
            },
            (error: unknown) => {
              done(false);
              reject(this.failLogin(failureCode(error, 'E_PSC_LOGIN_FAILED'), error));
            },
          );
      });
    });
    return { url: url.href, completion };
  }

  /** CIBA (approval in the e-CPS app): login_hint = national id, the binding message shown to the user. */
  async beginCiba(nationalId: string, bindingMessage: string): Promise<CibaStart> {
    const config = await this.configuration();
    let started: Awaited<ReturnType<typeof client.initiateBackchannelAuthentication>>;
    try {
      started = await client.initiateBackchannelAuthentication(config, {
        scope: PSC_SCOPE,
        login_hint: nationalId,
        binding_message: bindingMessage,
        acr_values: PSC_ACR,
      });
    } catch (error) {
      throw this.failLogin(failureCode(error, 'E_PSC_LOGIN_FAILED'), error);
    }
    this.setFacts({ state: 'signing-in' });
    const completion = client.pollBackchannelAuthenticationGrant(config, started).then(
      (tokens) => this.accept(config, tokens),
      (error: unknown) => {
        const code = oauthError(error);
        throw this.failLogin(
          code === 'access_denied'
            ? 'E_PSC_LOGIN_DENIED'
            : code === 'expired_token'
              ? 'E_PSC_LOGIN_TIMEOUT'
              : failureCode(error, 'E_PSC_LOGIN_FAILED'),
          error,
        );
      },
    );
    return { bindingMessage, expiresIn: started.expires_in, completion };
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
    this.#refresh = null;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers = [];
    if (this.#check) clearInterval(this.#check);
    this.#check = null;
    this.setFacts({ ...this.#facts, state: 'ended', ended: { code, at: this.now() } });
    this.emit('ended', code);
  }

  private async doRefresh(): Promise<string> {
    const config = await this.configuration();
    if (!this.#refresh) throw new MssanteError('E_PSC_REFRESH_INVALID');
    try {
      const tokens = await client.refreshTokenGrant(config, this.#refresh);
      this.store(tokens);
      return this.#access!;
    } catch (error) {
      const code = oauthError(error);
      if (code === 'invalid_grant' || code === 'invalid_token') {
        this.end(this.limitReached() ?? 'E_PSC_REFRESH_INVALID');
        throw new MssanteError(this.#facts.ended?.code ?? 'E_PSC_REFRESH_INVALID', {
          cause: error,
        });
      }
      // A refused client (wrong key or certificate) is a configuration fault: the session is
      // left as it is, PSC did not end it.
      throw new MssanteError(failureCode(error, 'E_PSC_UNREACHABLE'), { cause: error });
    }
  }

  private limitReached(): ErrorCode | undefined {
    const now = this.now();
    if (this.#facts.absoluteExpiresAt && now >= this.#facts.absoluteExpiresAt)
      return 'E_PSC_SESSION_MAX';
    if (this.#facts.idleExpiresAt && now >= this.#facts.idleExpiresAt) return 'E_PSC_SESSION_IDLE';
    return undefined;
  }

  private async accept(
    config: client.Configuration,
    tokens: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers,
  ): Promise<PscIdentity> {
    const claims = (tokens.claims() ?? {}) as Record<string, unknown>;
    if (claims.acr !== PSC_ACR)
      throw new MssanteError('E_PSC_ACR', { detail: String(claims.acr ?? 'none') });
    const subject = stringClaim(claims, 'sub') ?? '';
    const info = (await client.fetchUserInfo(config, tokens.access_token, subject)) as Record<
      string,
      unknown
    >;
    const nationalId =
      stringClaim(info, 'preferred_username') ?? stringClaim(info, 'SubjectNameID');
    if (!nationalId)
      throw new MssanteError('E_PSC_LOGIN_FAILED', { detail: 'no national id in userinfo' });
    const identity: PscIdentity = {
      nationalId,
      subject,
      givenName: stringClaim(info, 'given_name') ?? '',
      familyName: stringClaim(info, 'family_name') ?? '',
      civility:
        stringClaim(info, 'codeCivilite') ??
        stringClaim((info.SubjectRefPro ?? {}) as Record<string, unknown>, 'codeCivilite'),
    };
    const now = this.now();
    this.#lastActivity = now;
    this.setFacts({
      state: 'signed-in',
      identity,
      since: now,
      absoluteExpiresAt: now + (this.options.maxSeconds ?? 4 * 3600) * 1000,
    });
    this.store(tokens);
    return identity;
  }

  private store(tokens: client.TokenEndpointResponse): void {
    const now = this.now();
    this.#access = tokens.access_token;
    if (tokens.refresh_token) this.#refresh = tokens.refresh_token;
    const idle =
      Number((tokens as { refresh_expires_in?: unknown }).refresh_expires_in) ||
      this.options.idleSeconds ||
      900;
    this.setFacts({
      ...this.#facts,
      accessExpiresAt: now + (tokens.expires_in ?? 60) * 1000,
      idleExpiresAt: Math.min(now + idle * 1000, this.#facts.absoluteExpiresAt ?? Infinity),
    });
    this.schedule();
  }

  /**
   * Near the access token's expiry: refresh if the user worked since the last refresh (PSC's
   * idle limit then follows real activity), otherwise let the session idle out. At the idle or
   * absolute limit: end.
   */
  private schedule(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    const facts = this.#facts;
    const now = this.now();
    const margin = (this.options.refreshMarginSeconds ?? 30) * 1000;
    const refreshAt = Math.max(0, (facts.accessExpiresAt ?? now) - margin - now);
    const lastRefresh = now;
    this.#timers = [
      setTimeout(() => {
        if (this.#lastActivity >= lastRefresh - margin) void this.refresh().catch(() => undefined);
      }, refreshAt),
      setTimeout(
        () => this.end('E_PSC_SESSION_IDLE'),
        Math.max(0, (facts.idleExpiresAt ?? now) - now),
      ),
      setTimeout(
        () => this.end('E_PSC_SESSION_MAX'),
        Math.max(0, (facts.absoluteExpiresAt ?? now) - now),
      ),
    ];
    for (const timer of this.#timers) timer.unref();
    if (!this.#check) {
      this.#check = setInterval(
        () => void this.checkAlive(),
        (this.options.sessionCheckSeconds ?? 30) * 1000,
      );
      this.#check.unref();
    }
  }

  /** Is the session still alive at PSC? A refused userinfo leads to a refresh, which decides. */
  private async checkAlive(): Promise<void> {
    if (this.#facts.state !== 'signed-in' || !this.#access || !this.#config) return;
    const subject = this.#facts.identity?.subject ?? client.skipSubjectCheck;
    try {
      await client.fetchUserInfo(this.#config, this.#access, subject);
    } catch {
      // Refused (or PSC unreachable): the refresh decides; it ends the session only when PSC
      // refuses the refresh token (invalid_grant), not on a network failure.
      await this.refresh().catch(() => undefined);
    }
  }

  private failLogin(code: ErrorCode, cause?: unknown): MssanteError {
    if (this.#facts.state === 'signing-in') this.setFacts({ state: 'signed-out' });
    return cause instanceof MssanteError && cause.code === code
      ? cause
      : new MssanteError(code, { cause });
  }

  private setFacts(facts: PscFacts): void {
    this.#facts = facts;
    this.emit('change', this.facts);
  }
}

function loginPage(ok: boolean): string {
  const text = ok
    ? [
        'Connexion Pro Santé Connect réussie',
        'Vous pouvez fermer cet onglet et revenir à Thunderbird.',
        'Signed in to Pro Santé Connect: you can close this tab.',
      ]
    : [
        'Connexion Pro Santé Connect échouée',
        'Revenez à Thunderbird pour voir la raison et réessayer.',
        'Sign-in failed: go back to Thunderbird to see why.',
      ];
  return `<!doctype html><html lang="fr"><meta charset="utf-8"><title>${text[0]}</title><h1>${text[0]}</h1><p>${text[1]}</p><p lang="en">${text[2]}</p></html>`;
}
