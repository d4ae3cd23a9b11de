import * as client from 'openid-client';
import { MssanteError } from '../../shared/errors/mssante-error';
import { startBrowserLogin } from './browser-login';
import { type CallbackOpener, loopbackCallback } from './login-callback';
import { startCibaLogin } from './ciba-login';
import { discoverPsc, type PscClientOptions } from './discovery';
import { loginIdentity } from './identity';
import { failureCode, oauthError } from './oauth-errors';
import type { PscGrant, PscLogin, PscTokenSource, RefreshOutcome } from './token-source';

export interface PscDirectSourceOptions extends PscClientOptions {
  /** How long a browser login waits for PSC's callback (default 10 min). */
  loginTimeoutMs?: number;
  /** Where PSC sends the browser back (default: a loopback listener per login). */
  callbacks?: CallbackOpener;
  /** PSC's metadata and client set up once, shared by many sources (the intermediate server). */
  configuration?: () => Promise<client.Configuration>;
}

/**
 * The host as PSC's client: discovery once, the logins, the refresh with the refresh token it
 * keeps in a private field (never on disk, in logs, in messages or in errors, ECO.1.2.5), and the
 * userinfo check.
 */
export class PscDirectSource implements PscTokenSource {
  #config: client.Configuration | null = null;
  #refresh: string | null = null;

  constructor(private readonly options: PscDirectSourceOptions) {}

  private async configuration(): Promise<client.Configuration> {
    this.#config ??= await (this.options.configuration?.() ?? discoverPsc(this.options));
    return this.#config;
  }

  async browserLogin(): Promise<{ url: string; login: Promise<PscLogin> }> {
    const config = await this.configuration();
    const timeout = this.options.loginTimeoutMs ?? 10 * 60_000;
    const start = await startBrowserLogin(
      config,
      timeout,
      (tokens) => this.signedIn(config, tokens),
      this.options.callbacks ?? loopbackCallback,
    );
    return { url: start.url, login: start.completion };
  }

  async cibaLogin(
    nationalId: string,
    bindingMessage: string,
  ): Promise<{ expiresIn: number; login: Promise<PscLogin> }> {
    const config = await this.configuration();
    const start = await startCibaLogin(config, nationalId, bindingMessage, (tokens) =>
      this.signedIn(config, tokens),
    );
    return { expiresIn: start.expiresIn, login: start.completion };
  }

  async refresh(): Promise<RefreshOutcome> {
    const config = await this.configuration();
    if (!this.#refresh) throw new MssanteError('E_PSC_REFRESH_INVALID');
    try {
      return {
        kind: 'granted',
        grant: this.keep(await client.refreshTokenGrant(config, this.#refresh)),
      };
    } catch (error) {
      const code = oauthError(error);
      if (code === 'invalid_grant' || code === 'invalid_token')
        return { kind: 'refused', cause: error };
      // A refused client (wrong key or certificate) is a configuration fault: the session is
      // left as it is, PSC did not end it.
      throw new MssanteError(failureCode(error, 'E_PSC_UNREACHABLE'), { cause: error });
    }
  }

  async stillValid(accessToken: string, subject: string | undefined): Promise<boolean> {
    if (!this.#config) return true;
    try {
      await client.fetchUserInfo(this.#config, accessToken, subject ?? client.skipSubjectCheck);
      return true;
    } catch {
      return false; // refused, or PSC unreachable: the caller's refresh tells which
    }
  }

  /**
   * Forgets the refresh token, and revokes it at PSC when PSC publishes a revocation endpoint
   * (RFC 7009; a refresh token's revocation ends its whole grant, so a sign-out here also ends
   * the session at PSC). Best effort: a session PSC already ended refuses it, which changes
   * nothing.
   */
  forget(): void {
    const refresh = this.#refresh;
    const config = this.#config;
    this.#refresh = null;
    if (!refresh || !config?.serverMetadata().revocation_endpoint) return;
    void client
      .tokenRevocation(config, refresh, { token_type_hint: 'refresh_token' })
      .catch(() => undefined);
  }

  private async signedIn(
    config: client.Configuration,
    tokens: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers,
  ): Promise<PscLogin> {
    const identity = await loginIdentity(config, tokens);
    return { identity, ...this.keep(tokens) };
  }

  /** Keeps the refresh token (PSC may not send a new one) and hands out the rest. */
  private keep(tokens: client.TokenEndpointResponse): PscGrant {
    if (tokens.refresh_token) this.#refresh = tokens.refresh_token;
    const idle = Number((tokens as { refresh_expires_in?: unknown }).refresh_expires_in);
    return {
      accessToken: tokens.access_token,
      ...(tokens.expires_in !== undefined ? { expiresIn: tokens.expires_in } : {}),
      ...(idle ? { idleSeconds: idle } : {}),
    };
  }
}
