import { randomBytes, randomUUID, type webcrypto } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import Provider, { errors } from 'oidc-provider';
import type { Started } from '../contracts';
import { PRACTITIONERS } from '../people';
import { adapterFor, forgetGrant, type Store } from './adapter';
import {
  type AccessTokenFacts,
  accessTokenClaims,
  accountIdOf,
  practitionerOf,
  SCOPE_ALL_CLAIMS,
  userinfoOf,
} from './claims';
import {
  type CibaPending,
  type ControlState,
  controlRoute,
  NORMAL_STATE,
  type ServedGrant,
} from './control';
import { authenticateClient, type ClientSecretEntry, readForm, sendJson } from './http';
import { introspect, operatorView } from './introspection';
import { foreignKey, persistentKey, resign, signJwt, type SigningKey } from './jwt';
import { errorPage, loginPage } from './login-page';
import { MTLS_HOSTNAME, mtlsAliases, mtlsFeature, type PscMtlsOptions } from './mtls';
import { SessionLimits } from './sessions';

export const REALM_PATH = '/auth/realms/esante-wallet';
const CIBA_GRANT = 'urn:openid:params:grant-type:ciba';

export type PscGrantType = 'authorization_code' | 'refresh_token' | typeof CIBA_GRANT;

/**
 * A further confidential client registered at the stub (demos, other tools, the host's other
 * client authentication methods). It authenticates with `clientSecret` (client_secret_basic or
 * _post), or with a JWT signed by a key of `jwks` (private_key_jwt), or with a certificate whose
 * subject is `tlsClientAuthSubjectDn` (tls_client_auth, at the mTLS endpoints).
 */
export interface PscClientOptions {
  clientId: string;
  clientSecret?: string;
  /** private_key_jwt: the client's public keys (JWK). */
  jwks?: { keys: Array<webcrypto.JsonWebKey & { kid?: string }> };
  /** tls_client_auth (RFC 8705 PKI method): the subject DN its certificate must carry. */
  tlsClientAuthSubjectDn?: string;
  /** Loopback `http://127.0.0.1/<path>` URIs match on any port (RFC 8252 §7.3). */
  redirectUris?: string[];
  /** Default: authorization code, refresh and CIBA. */
  grantTypes?: PscGrantType[];
}

export interface PscStubOptions {
  port: number;
  /** Default 127.0.0.1 (loopback only). */
  host?: string;
  /** The signing key and client secrets are generated here once (never committed). */
  stateDir: string;
  /** PSC closes a session after 15 min of inactivity (default 900 s); fractions allowed for tests. */
  idleSeconds?: number;
  /** ...and after 4 h in all (default 14 400 s). */
  maxSeconds?: number;
  /** Access token lifetime (default 120 s). */
  accessTokenSeconds?: number;
  /**
   * `jwt` (default): RS256 JWTs signed by the published key, as PSC (Keycloak) issues them — about
   * 1.2 KB, so an `AUTH XOAUTH2 <initial response>` line would pass SMTP's 512 octets and Dovecot's
   * submission refuses it (see docs/sandbox.md). `opaque`: oidc-provider's random strings.
   */
  accessTokenFormat?: 'opaque' | 'jwt';
  /** Polling interval announced to CIBA clients (default 5 s). */
  cibaIntervalSeconds?: number;
  /** How long a CIBA request waits for the e-CPS app (default 120 s). */
  cibaExpiresSeconds?: number;
  clients?: PscClientOptions[];
  /** An HTTPS listener asking for client certificates; discovery then publishes mTLS aliases. */
  mtls?: PscMtlsOptions;
}

export interface PscStubInfo {
  issuer: string;
  /** Base URL of the control endpoints (POST `<control>/<action>`, loopback only). */
  control: string;
  /** For Dovecot's `oauth2` passdb (`introspection_mode = post`): the operator's view. */
  introspection: { url: string; clientId: string; clientSecret: string };
  /** The native host, PSC's "intermediate LPS server" client. */
  hostClient: { clientId: string; clientSecret: string; redirectUris: string[] };
  /** Origin of the mTLS listener (`https://psc.sandbox.mssante.test:<port>`), when enabled. */
  mtlsOrigin?: string;
}

function secret(dir: string, name: string): string {
  const file = path.join(dir, `${name}.secret`);
  if (!existsSync(file))
    writeFileSync(file, randomBytes(24).toString('base64url'), { mode: 0o600 });
  return readFileSync(file, 'utf8');
}

const epoch = () => Math.floor(Date.now() / 1000);
/** oidc-provider works in whole seconds: its lifetimes are a ceiling, PSC's rules are enforced by SessionLimits. */
const backstop = (seconds: number) => Math.ceil(seconds) + 1;

/** What the stub reads of the context oidc-provider passes with `grant.success`. */
interface GrantSuccessContext {
  oidc: {
    params: { grant_type?: unknown };
    entities: { Account?: { accountId: string }; Grant?: { accountId: string } };
  };
}

/** What the stub reads of oidc-provider's token models. */
interface TokenModel extends AccessTokenFacts {
  jti: string;
  kind: string;
  format?: string;
  expiration: number;
  isValid: boolean;
  destroy(): Promise<void>;
}

/**
 * A Pro Santé Connect stand-in on `oidc-provider` (see docs/sandbox.md): PSC's realm paths
 * and discovery documents, authorization code with PKCE S256, acr eidas1, scope
 * `openid scope_all`, PSC-like JWT access tokens (or opaque ones), rotating refresh tokens
 * bounded by PSC's idle and maximum session lengths, introspection (PSC's and the operator's
 * view for Dovecot), PSC-shaped userinfo, CIBA in poll mode, a login page with a CPS / e-CPS
 * choice, and loopback control endpoints for failure modes.
 */
export async function startPscStub(options: PscStubOptions): Promise<Started<PscStubInfo>> {
  const host = options.host ?? '127.0.0.1';
  const origin = `http://${host}:${options.port}`;
  const issuer = `${origin}${REALM_PATH}`;
  mkdirSync(options.stateDir, { recursive: true, mode: 0o700 });
  const hostClient = {
    clientId: 'open-mssante-host',
    clientSecret: secret(options.stateDir, 'host-client'),
    redirectUris: ['http://127.0.0.1/callback'],
  };
  const operator = {
    clientId: 'mssante-operator',
    clientSecret: secret(options.stateDir, 'operator-client'),
  };
  const idle = options.idleSeconds ?? 900;
  const max = options.maxSeconds ?? 4 * 3600;
  const accessTokenSeconds = options.accessTokenSeconds ?? 120;
  const cibaInterval = options.cibaIntervalSeconds ?? 5;
  const tokenFormat = options.accessTokenFormat ?? 'jwt';
  const pscKey = persistentKey(options.stateDir);
  let nonPscKey: SigningKey | undefined;
  const store: Store = new Map();
  const limits = new SessionLimits(idle * 1000, max * 1000);
  const state: ControlState = { ...NORMAL_STATE };
  const cibaPending = new Map<string, CibaPending>();

  const extraClients = options.clients ?? [];
  const secrets: ClientSecretEntry[] = [
    hostClient,
    operator,
    ...extraClients.flatMap((c) =>
      c.clientSecret ? [{ clientId: c.clientId, clientSecret: c.clientSecret }] : [],
    ),
  ];
  const allGrants: PscGrantType[] = ['authorization_code', 'refresh_token', CIBA_GRANT];
  const authOf = (c: Omit<PscClientOptions, 'clientId'>) =>
    c.jwks
      ? { token_endpoint_auth_method: 'private_key_jwt', jwks: c.jwks }
      : c.tlsClientAuthSubjectDn
        ? {
            token_endpoint_auth_method: 'tls_client_auth',
            tls_client_auth_subject_dn: c.tlsClientAuthSubjectDn,
          }
        : // client_secret_post is accepted too
          { token_endpoint_auth_method: 'client_secret_basic', client_secret: c.clientSecret };
  const loginClient = (
    c: PscClientOptions & { redirectUris: string[]; grantTypes: PscGrantType[] },
  ) => ({
    client_id: c.clientId,
    ...authOf(c),
    // Loopback redirect URIs on any port (RFC 8252 §7.3) make a native client; a server's fixed
    // HTTPS redirect URI (the intermediate LPS server's) a web one, as PSC registers them.
    application_type: c.redirectUris.every((u) => u.startsWith('http://127.0.0.1'))
      ? 'native'
      : 'web',
    redirect_uris: c.redirectUris,
    grant_types: c.grantTypes,
    response_types: c.grantTypes.includes('authorization_code') ? ['code'] : [],
    ...(c.grantTypes.includes(CIBA_GRANT) ? { backchannel_token_delivery_mode: 'poll' } : {}),
  });
  const mtlsOrigin = options.mtls
    ? `https://${options.mtls.hostname ?? MTLS_HOSTNAME}:${options.mtls.port}`
    : undefined;
  const withMtls = Boolean(options.mtls) || extraClients.some((c) => c.tlsClientAuthSubjectDn);

  const provider = new Provider(issuer, {
    adapter: adapterFor(store),
    clients: [
      loginClient({ ...hostClient, grantTypes: allGrants }),
      {
        client_id: operator.clientId,
        client_secret: operator.clientSecret,
        redirect_uris: [],
        grant_types: [],
        response_types: [],
      },
      ...extraClients.map((c) =>
        loginClient({
          ...c,
          redirectUris: c.redirectUris ?? [],
          grantTypes: c.grantTypes ?? allGrants,
        }),
      ),
    ],
    jwks: { keys: [pscKey.jwk] },
    ...(withMtls
      ? {
          clientAuthMethods: [
            'client_secret_basic',
            'client_secret_post',
            'private_key_jwt',
            'tls_client_auth',
          ],
        }
      : {}),
    ...(mtlsOrigin
      ? { discovery: { mtls_endpoint_aliases: mtlsAliases(mtlsOrigin, REALM_PATH) } }
      : {}),
    cookies: { keys: [secret(options.stateDir, 'cookie-key')] },
    pkce: { required: () => true },
    // Discovery announces eidas1 (what clients ask for); sign-ins may still assert another level
    // (eidas3 for a CPS card at real PSC) or none, through the `acr` control.
    acrValues: ['eidas1'],
    scopes: ['openid', 'scope_all'],
    // The id token carries acr (eidas1 unless the `acr` control says otherwise), auth_time and amr (cps / ecps: the means the
    // practitioner chose on the page or in CIBA), asked for or not.
    claims: {
      acr: null,
      amr: null,
      auth_time: null,
      sid: null,
      openid: ['sub', 'acr', 'amr', 'auth_time'],
      scope_all: [...SCOPE_ALL_CLAIMS],
    },
    extraParams: ['channel'],
    features: {
      devInteractions: { enabled: false },
      ...(withMtls ? { mTLS: mtlsFeature() } : {}),
      // Introspection and revocation are served by the stub itself (oidc-provider refuses to
      // introspect JWT-shaped tokens; see introspection.ts); enabled here so that discovery
      // announces them at PSC's paths.
      introspection: { enabled: true },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      rpInitiatedLogout: { enabled: true },
      // CIBA (approval in the e-CPS phone app), poll mode: `login_hint` is the national id; the
      // "phone" is the control endpoints ciba-pending / ciba-approve / ciba-deny.
      ciba: {
        enabled: true,
        deliveryModes: ['poll'],
        processLoginHint: async (_ctx: unknown, loginHint: string) => {
          const p = PRACTITIONERS.find((x) => x.nationalId === loginHint);
          if (!p) throw new errors.UnknownUserId('no practitioner with this national id');
          return accountIdOf(p.nationalId);
        },
        processLoginHintToken: async () => {
          throw new errors.InvalidRequest('login_hint_token is not supported');
        },
        validateBindingMessage: async (_ctx: unknown, message?: string) => {
          if (message !== undefined && !/^[\p{L}\p{N} .,:;!?+/#'-]{1,64}$/u.test(message)) {
            throw new errors.InvalidBindingMessage('binding_message: 1 to 64 plain characters');
          }
        },
        // ANS's reference CIBA client (ansforge/psc-edc-proxy-esante) sends `channel`: CARD or
        // MOBILE, the means the practitioner approves with.
        validateRequestContext: async (ctx: { oidc: { params: Record<string, unknown> } }) => {
          const channel = ctx.oidc.params.channel;
          if (channel !== undefined && channel !== 'CARD' && channel !== 'MOBILE')
            throw new errors.InvalidRequest('channel: CARD or MOBILE');
        },
        verifyUserCode: async () => undefined,
        triggerAuthenticationDevice: async (
          ctx: { body: Record<string, unknown> },
          request: {
            jti: string;
            accountId: string;
            clientId: string;
            expiration: number;
            params: Record<string, string>;
          },
        ) => {
          ctx.body.interval = cibaInterval;
          cibaPending.set(request.accountId, {
            authReqId: request.jti,
            bindingMessage: request.params.binding_message ?? '',
            channel: request.params.channel ?? '',
            clientId: request.clientId,
            expiresAt: Date.now() + request.expiration * 1000,
          });
        },
      },
    },
    routes: {
      authorization: '/protocol/openid-connect/auth',
      token: '/protocol/openid-connect/token',
      userinfo: '/protocol/openid-connect/userinfo',
      introspection: '/protocol/openid-connect/token/introspect',
      revocation: '/protocol/openid-connect/revoke',
      jwks: '/protocol/openid-connect/certs',
      end_session: '/protocol/openid-connect/logout',
      backchannel_authentication: '/protocol/openid-connect/ext/ciba/auth',
    },
    ttl: {
      AccessToken: accessTokenSeconds,
      AuthorizationCode: 60,
      IdToken: accessTokenSeconds,
      Interaction: 600,
      BackchannelAuthenticationRequest: options.cibaExpiresSeconds ?? 120,
      Grant: backstop(max),
      Session: backstop(max),
      RefreshToken: (_ctx: unknown, token: { grantId?: string }) =>
        Math.min(backstop(idle), limits.secondsLeft(token.grantId) ?? backstop(idle)),
    },
    // Like Keycloak with "revoke refresh token" on: each refresh returns a new refresh token
    // and the used one is refused afterwards (reuse revokes the whole grant).
    rotateRefreshToken: true,
    issueRefreshToken: async (_ctx: unknown, client: { grantTypeAllowed(t: string): boolean }) =>
      client.grantTypeAllowed('refresh_token'),
    expiresWithSession: async () => true,
    findAccount: async (_ctx: unknown, sub: string) => {
      const p = practitionerOf(sub);
      return p ? { accountId: sub, claims: async () => userinfoOf(p) } : undefined;
    },
    interactions: {
      url: (_ctx: unknown, interaction: { uid: string }) =>
        `${REALM_PATH}/interaction/${interaction.uid}`,
    },
    clientBasedCORS: () => false,
    renderError: async (
      ctx: { type: string; body: string },
      out: { error: string; error_description?: string },
    ) => {
      ctx.type = 'html';
      ctx.body = errorPage(out.error, out.error_description);
    },
  } as never);

  const claimsOfAccessToken = (token: AccessTokenFacts) => {
    const session = token.grantId ? limits.get(token.grantId) : undefined;
    return accessTokenClaims(token, issuer, session);
  };
  if (tokenFormat === 'jwt') {
    // PSC's access tokens are JWTs (Keycloak). The stub still stores them (the JWT is the storage
    // key), so userinfo, introspection, expiry and revocation work on them as on opaque ones.
    const AccessToken = provider.AccessToken as { prototype: { generateTokenId(): string } };
    AccessToken.prototype.generateTokenId = function (this: TokenModel): string {
      this.format = 'opaque';
      this.iat = epoch();
      this.exp = this.iat + this.expiration;
      return signJwt({ ...claimsOfAccessToken(this), jti: randomUUID() }, pscKey);
    };
  }

  /** Applies PSC's session rules now: sessions past a limit lose their grant and tokens. */
  const sweep = (): void => {
    for (const ended of limits.takeExpired()) forgetGrant(store, ended.grantId);
    for (const s of limits.list()) if (!store.has(`Grant:${s.grantId}`)) limits.remove(s.grantId);
  };
  const endGrant = (grantId: string): number => {
    limits.remove(grantId);
    return forgetGrant(store, grantId);
  };
  const foreign = (): SigningKey => (nonPscKey ??= foreignKey());
  // Observed, not inferred: oidc-provider emits `grant.success` once a grant handler has issued
  // tokens; the control endpoint `grants` lists them per practitioner.
  const served: ServedGrant[] = [];
  provider.on('grant.success', (ctx: GrantSuccessContext) => {
    const accountId =
      ctx.oidc.entities.Account?.accountId ?? ctx.oidc.entities.Grant?.accountId ?? '';
    served.push({ accountId, grantType: String(ctx.oidc.params.grant_type), at: Date.now() });
    if (served.length > 1000) served.splice(0, served.length - 1000);
  });

  provider.use(
    async (
      ctx: {
        status: number;
        body: unknown;
        oidc?: { route?: string; entities: { Grant?: { jti: string } } };
      },
      next: () => Promise<void>,
    ) => {
      sweep();
      await next();
      if (ctx.oidc?.route !== 'token' || ctx.status !== 200) return;
      const grant = ctx.oidc.entities.Grant;
      if (grant) limits.touch(grant.jti);
      const body = ctx.body as { access_token?: string; id_token?: string };
      if (state.foreignKey) {
        // A "non-PSC token": the same claims signed by a key PSC never published. The genuine
        // access token is withdrawn, so PSC does not know the one the client received.
        if (body.access_token) {
          store.delete(`AccessToken:${body.access_token}`);
          body.access_token =
            tokenFormat === 'jwt'
              ? resign(body.access_token, foreign())
              : randomBytes(32).toString('base64url');
        }
        if (body.id_token) body.id_token = resign(body.id_token, foreign());
      }
    },
  );

  const callback = provider.callback();
  const introspectionPath = `${REALM_PATH}/protocol/openid-connect/token/introspect`;
  const revocationPath = `${REALM_PATH}/protocol/openid-connect/revoke`;

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', origin);
    try {
      if (url.pathname.startsWith('/control/')) {
        sweep();
        return await controlRoute(url.pathname.slice('/control/'.length), req, res, {
          state,
          store,
          limits,
          cibaPending,
          provider,
          endGrant,
          served,
        });
      }
      if (state.down) return sendJson(res, 503, { error: 'temporarily_unavailable' });
      if (state.delayMs) await new Promise((r) => setTimeout(r, state.delayMs));
      if (url.pathname === '/operator/introspect' || url.pathname === introspectionPath) {
        if (req.method !== 'POST') return sendJson(res, 405, { error: 'invalid_request' });
        sweep();
        const form = await readForm(req);
        const clientId = authenticateClient(req, form, secrets);
        if (!clientId)
          return sendJson(res, 401, { error: 'invalid_client' }, { 'www-authenticate': 'Basic' });
        const answer = await introspect(provider, form.get('token') ?? '', claimsOfAccessToken);
        return sendJson(
          res,
          200,
          url.pathname === introspectionPath
            ? answer
            : operatorView(answer, url.searchParams.get('mailbox')),
        );
      }
      if (url.pathname === revocationPath) return await revoke(req, res);
      if (!url.pathname.startsWith(REALM_PATH)) return sendJson(res, 404, { error: 'not_found' });
      const inner = url.pathname.slice(REALM_PATH.length) || '/';
      if (inner.startsWith('/interaction/'))
        return await interaction(inner.split('/')[2] ?? '', req, res);
      // PSC publishes its discovery document at a path of its own.
      const rewritten =
        inner === '/.well-known/wallet-openid-configuration'
          ? '/.well-known/openid-configuration'
          : inner;
      req.url = rewritten + url.search;
      (req as { originalUrl?: string }).originalUrl = url.pathname + url.search;
      (req as { baseUrl?: string }).baseUrl = REALM_PATH;
      callback(req, res);
    } catch (error) {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(error));
    }
  };
  const server = http.createServer(handle);
  // The mTLS listener verifies client certificates against clientCa but lets the handshake
  // through without one (or with a refused one): oidc-provider then answers invalid_client.
  const mtlsServer =
    options.mtls &&
    https.createServer(
      {
        cert: options.mtls.cert,
        key: options.mtls.key,
        ca: options.mtls.clientCa,
        requestCert: true,
        rejectUnauthorized: false,
      },
      handle,
    );

  /** RFC 7009 revocation: a refresh token ends its whole grant (the PSC session), an access token only itself. */
  async function revoke(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (req.method !== 'POST') return sendJson(res, 405, { error: 'invalid_request' });
    const form = await readForm(req);
    const clientId = authenticateClient(req, form, secrets);
    if (!clientId)
      return sendJson(res, 401, { error: 'invalid_client' }, { 'www-authenticate': 'Basic' });
    const value = form.get('token') ?? '';
    const refresh = (await provider.RefreshToken.find(value)) as TokenModel | undefined;
    if (refresh?.clientId === clientId && refresh.grantId) endGrant(refresh.grantId);
    const access = (await provider.AccessToken.find(value)) as TokenModel | undefined;
    if (access?.clientId === clientId) await access.destroy();
    res.writeHead(200).end();
  }

  async function interaction(
    uid: string,
    req: http.IncomingMessage,
    res: http.ServerResponse,
  ): Promise<void> {
    const details = (await provider.interactionDetails(req, res)) as {
      uid: string;
      params: Record<string, unknown>;
    };
    if (details.uid !== uid) return sendJson(res, 400, { error: 'interaction mismatch' });
    if (req.method === 'GET') {
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy':
          "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
      });
      res.end(loginPage(uid, `${REALM_PATH}/interaction/${uid}`, PRACTITIONERS));
      return;
    }
    const form = await readForm(req);
    if (form.get('cancel') !== null) {
      await provider.interactionFinished(
        req,
        res,
        { error: 'access_denied', error_description: 'authentification annulée' },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    const p = PRACTITIONERS.find((x) => x.nationalId === form.get('nationalId'));
    if (!p) return sendJson(res, 400, { error: 'unknown practitioner' });
    const method = form.get('method') === 'cps' ? 'cps' : 'ecps';
    const accountId = accountIdOf(p.nationalId);
    const clientId = String(details.params.client_id);
    const grant = new provider.Grant({ accountId, clientId });
    grant.addOIDCScope('openid scope_all');
    const grantId = (await grant.save()) as string;
    const acr = state.acr ?? undefined;
    limits.open({ grantId, accountId, nationalId: p.nationalId, clientId, method, acr });
    await provider.interactionFinished(
      req,
      res,
      {
        login: { accountId, ...(acr !== undefined ? { acr } : {}), amr: [method] },
        consent: { grantId },
      },
      { mergeWithLastSubmission: false },
    );
  }

  const listen = (s: http.Server, port: number) =>
    new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(port, host, () => {
        s.off('error', reject);
        resolve();
      });
    });
  await listen(server, options.port);
  if (mtlsServer && options.mtls) await listen(mtlsServer, options.mtls.port);
  return {
    info: {
      issuer,
      control: `${origin}/control`,
      introspection: { url: `${origin}/operator/introspect`, ...operator },
      hostClient,
      ...(mtlsOrigin ? { mtlsOrigin } : {}),
    },
    stop: async () => {
      for (const s of mtlsServer ? [server, mtlsServer] : [server]) {
        await new Promise<void>((resolve) => {
          s.closeAllConnections();
          s.close(() => resolve());
        });
      }
    },
  };
}
