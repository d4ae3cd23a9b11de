import { randomBytes, generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import Provider, { errors } from 'oidc-provider';
import type { Started } from '../contracts';
import { PRACTITIONERS, type Practitioner } from '../people';
import { adapterFor, forgetAccount, type Store, tokensOf } from './adapter';
import { loginPage } from './login-page';

export const REALM_PATH = '/auth/realms/esante-wallet';

export interface PscStubOptions {
  port: number;
  host?: string;
  /** Signing keys are generated here once (never committed). */
  stateDir: string;
  /** PSC ends sessions after 15 min of inactivity and 4 h in all; seconds here for tests. */
  idleSeconds?: number;
  maxSeconds?: number;
  accessTokenSeconds?: number;
}

export interface PscStubInfo {
  issuer: string;
  control: string;
  introspection: { url: string; clientId: string; clientSecret: string };
  hostClient: { clientId: string; clientSecret: string; redirectUris: string[] };
}

function claimsOf(p: Practitioner): Record<string, unknown> {
  return {
    sub: `psc-${p.nationalId}`,
    SubjectNameID: p.nationalId,
    preferred_username: p.nationalId,
    given_name: p.firstName,
    family_name: p.lastName,
    codeCivilite: p.title,
    SubjectRefPro: {
      codeCivilite: p.title,
      exercices: [
        {
          codeProfession: p.profession.code,
          libelleProfession: p.profession.label,
          codeSavoirFaire: p.speciality?.code ?? '',
          libelleSavoirFaire: p.speciality?.label ?? '',
          activities: [
            { raisonSocialeSite: 'Hôpital Bac à Sable', identifiantStructure: '1750000000' },
          ],
        },
      ],
    },
  };
}

function secret(dir: string, name: string): string {
  const file = path.join(dir, `${name}.secret`);
  if (!existsSync(file))
    writeFileSync(file, randomBytes(24).toString('base64url'), { mode: 0o600 });
  return readFileSync(file, 'utf8');
}

function signingKey(dir: string): Record<string, unknown> {
  const file = path.join(dir, 'signing-key.jwk.json');
  if (!existsSync(file)) {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(
      file,
      JSON.stringify({
        ...privateKey.export({ format: 'jwk' }),
        kid: randomBytes(8).toString('hex'),
        use: 'sig',
        alg: 'RS256',
      }),
      { mode: 0o600 },
    );
  }
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
}

/**
 * A Pro Santé Connect stand-in on `oidc-provider`: authorization code with PKCE (S256),
 * acr eidas1, scope `openid scope_all`, refresh tokens bounded by PSC's idle and maximum session
 * lengths, introspection for the operator (Dovecot), userinfo with PSC-shaped claims, a login page
 * listing the fictitious practitioners with a CPS / e-CPS choice, and control endpoints.
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
  const dovecot = {
    clientId: 'mssante-operator',
    clientSecret: secret(options.stateDir, 'operator-client'),
  };
  const idle = options.idleSeconds ?? 900;
  const max = options.maxSeconds ?? 4 * 3600;
  const store: Store = new Map();
  const cibaPending = new Map<string, { authReqId: string; bindingMessage: string }>();
  const byAccount = (accountId: string) =>
    PRACTITIONERS.find((p) => `psc-${p.nationalId}` === accountId);

  const provider = new Provider(issuer, {
    adapter: adapterFor(store),
    clients: [
      {
        client_id: hostClient.clientId,
        client_secret: hostClient.clientSecret,
        redirect_uris: hostClient.redirectUris,
        grant_types: ['authorization_code', 'refresh_token', 'urn:openid:params:grant-type:ciba'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
        backchannel_token_delivery_mode: 'poll',
      },
      {
        client_id: dovecot.clientId,
        client_secret: dovecot.clientSecret,
        redirect_uris: [],
        grant_types: [],
        response_types: [],
      },
    ],
    jwks: { keys: [signingKey(options.stateDir)] },
    cookies: { keys: [secret(options.stateDir, 'cookie-key')] },
    pkce: { required: () => true },
    acrValues: ['eidas1'],
    scopes: ['openid', 'scope_all'],
    claims: {
      openid: ['sub'],
      scope_all: [
        'preferred_username',
        'SubjectNameID',
        'given_name',
        'family_name',
        'codeCivilite',
        'SubjectRefPro',
      ],
    },
    features: {
      devInteractions: { enabled: false },
      introspection: {
        enabled: true,
        allowedPolicy: async (
          _ctx: unknown,
          client: { clientId: string },
          token: { clientId?: string },
        ) => client.clientId === dovecot.clientId || token.clientId === client.clientId,
      },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      // CIBA (approval on the e-CPS phone app), poll mode: `login_hint` is the national id; the
      // "phone" is the control endpoints below (ciba-pending, ciba-approve, ciba-deny).
      ciba: {
        enabled: true,
        deliveryModes: ['poll'],
        processLoginHint: async (_ctx: unknown, loginHint: string) => {
          const p = PRACTITIONERS.find((x) => x.nationalId === loginHint);
          if (!p) throw new errors.UnknownUserId('no practitioner with this national id');
          return `psc-${p.nationalId}`;
        },
        processLoginHintToken: async () => {
          throw new errors.InvalidRequest('login_hint_token is not supported');
        },
        validateBindingMessage: async (_ctx: unknown, message?: string) => {
          if (message !== undefined && !/^[\w .,:;!?+/#-]{1,64}$/.test(message)) {
            throw new errors.InvalidBindingMessage('binding_message: 1 to 64 plain characters');
          }
        },
        validateRequestContext: async () => undefined,
        verifyUserCode: async () => undefined,
        triggerAuthenticationDevice: async (
          _ctx: unknown,
          request: { jti: string; accountId: string; params: Record<string, string> },
        ) => {
          cibaPending.set(request.accountId, {
            authReqId: request.jti,
            bindingMessage: request.params.binding_message ?? '',
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
      AccessToken: options.accessTokenSeconds ?? 120,
      AuthorizationCode: 60,
      IdToken: 300,
      Interaction: 600,
      Grant: max,
      Session: max,
      // The refresh token carries PSC's idle limit; rotation restarts it at each use, the
      // session caps everything at the maximum.
      RefreshToken: (_ctx: unknown, token: { iat: number; sessionUid?: string }) => idle,
    },
    rotateRefreshToken: true,
    issueRefreshToken: async (_ctx: unknown, client: { grantTypeAllowed(t: string): boolean }) =>
      client.grantTypeAllowed('refresh_token'),
    // Tokens die with the session: PSC's 4 h maximum holds for refresh tokens too.
    expiresWithSession: async () => true,
    extraTokenClaims: async (_ctx: unknown, token: { accountId?: string; kind: string }) => {
      const p = token.accountId ? byAccount(token.accountId) : undefined;
      // What the operator's introspection needs: who (national id) and which personal mailbox.
      return p ? { preferred_username: p.nationalId, email: p.mailbox } : undefined;
    },
    findAccount: async (_ctx: unknown, sub: string) => {
      const p = byAccount(sub);
      return p ? { accountId: sub, claims: async () => claimsOf(p) } : undefined;
    },
    interactions: {
      url: (_ctx: unknown, interaction: { uid: string }) =>
        `${REALM_PATH}/interaction/${interaction.uid}`,
    },
    clientBasedCORS: () => false,
  } as never);
  // Loopback redirect URIs may use any port (RFC 8252 §7.3), as a native app's do.
  const redirectUriAllowed = provider.Client.prototype.redirectUriAllowed;
  provider.Client.prototype.redirectUriAllowed = function (uri: string) {
    const u = new URL(uri);
    if (u.protocol === 'http:' && u.hostname === '127.0.0.1' && u.pathname === '/callback')
      return true;
    return redirectUriAllowed.call(this, uri);
  };

  const control = { down: false, delayMs: 0 };
  const callback = provider.callback();

  const server = http.createServer(async (req, res): Promise<void> => {
    const url = new URL(req.url ?? '/', origin);
    try {
      if (url.pathname.startsWith('/control/'))
        return await controlRoute(url.pathname.slice(9), req, res);
      if (control.down) return void res.writeHead(503).end();
      if (control.delayMs) await new Promise((r) => setTimeout(r, control.delayMs));
      if (!url.pathname.startsWith(REALM_PATH)) return void res.writeHead(404).end();
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
  });

  async function body(req: http.IncomingMessage): Promise<URLSearchParams> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    return new URLSearchParams(text);
  }

  async function interaction(
    uid: string,
    req: http.IncomingMessage,
    res: http.ServerResponse,
  ): Promise<void> {
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) return void res.writeHead(400).end();
    if (req.method === 'GET') {
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy':
          "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
      });
      res.end(loginPage(uid, `${REALM_PATH}/interaction/${uid}`, PRACTITIONERS));
      return;
    }
    const form = await body(req);
    const p = PRACTITIONERS.find((x) => x.nationalId === form.get('nationalId'));
    if (!p) return void res.writeHead(400).end('unknown practitioner');
    const accountId = `psc-${p.nationalId}`;
    const grant = new provider.Grant({ accountId, clientId: String(details.params.client_id) });
    grant.addOIDCScope('openid scope_all');
    const grantId = await grant.save();
    await provider.interactionFinished(
      req,
      res,
      {
        login: { accountId, acr: 'eidas1', amr: [form.get('method') === 'cps' ? 'cps' : 'ecps'] },
        consent: { grantId },
      },
      { mergeWithLastSubmission: false },
    );
  }

  async function controlRoute(
    action: string,
    req: http.IncomingMessage,
    res: http.ServerResponse,
  ): Promise<void> {
    if (req.method !== 'POST') return void res.writeHead(405).end();
    const form = await body(req);
    const reply = (value: unknown): void => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(value));
    };
    const accountId = `psc-${form.get('nationalId') ?? ''}`;
    switch (action) {
      case 'expire-access-tokens':
        return reply({ removed: forgetAccount(store, accountId, ['AccessToken']) });
      case 'end-session':
        return reply({
          removed: forgetAccount(store, accountId, [
            'AccessToken',
            'RefreshToken',
            'Session',
            'Grant',
          ]),
        });
      case 'tokens':
        // Test support: the tokens PSC issued to this practitioner, so a test can prove they
        // never reached the disk of the workstation (ECO.1.2.5).
        return reply({ tokens: tokensOf(store, accountId, ['AccessToken', 'RefreshToken']) });
      case 'ciba-pending':
        return reply({
          pending: [...cibaPending].map(([id, r]) => ({
            nationalId: id.replace(/^psc-/, ''),
            bindingMessage: r.bindingMessage,
          })),
        });
      case 'ciba-approve':
      case 'ciba-deny': {
        const pending = cibaPending.get(accountId);
        if (!pending) return void res.writeHead(404).end();
        cibaPending.delete(accountId);
        const request = await provider.BackchannelAuthenticationRequest.find(pending.authReqId);
        if (action === 'ciba-deny') {
          await provider.backchannelResult(
            request,
            new errors.AccessDenied('the practitioner refused on the e-CPS app'),
          );
          return reply({ denied: true });
        }
        const grant = new provider.Grant({ accountId, clientId: request.clientId });
        grant.addOIDCScope('openid scope_all');
        await grant.save();
        await provider.backchannelResult(request, grant, { acr: 'eidas1', amr: ['ecps'] });
        return reply({ approved: true });
      }
      case 'down':
        control.down = form.get('on') === 'true';
        return reply(control);
      case 'delay':
        control.delayMs = Number(form.get('ms') ?? 0);
        return reply(control);
      default:
        res.writeHead(404).end();
    }
  }

  await new Promise<void>((resolve) => server.listen(options.port, host, resolve));
  return {
    info: {
      issuer,
      control: `${origin}/control`,
      introspection: { url: `${issuer}/protocol/openid-connect/token/introspect`, ...dovecot },
      hostClient,
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
