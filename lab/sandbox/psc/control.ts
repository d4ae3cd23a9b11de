import type http from 'node:http';
import { errors } from 'oidc-provider';
import { forgetAccount, type Store, tokensOf } from './adapter';
import { accountIdOf } from './claims';
import { isLoopback, readForm, sendJson } from './http';
import type { SessionLimits } from './sessions';

/** Failure modes the tests switch on and off. */
export interface ControlState {
  /** Every PSC endpoint answers 503. */
  down: boolean;
  /** Every PSC endpoint answers this many milliseconds late. */
  delayMs: number;
  /** The token endpoint answers with tokens signed by a key PSC never published. */
  foreignKey: boolean;
  /**
   * The acr of sign-ins from now on (ID token and access tokens): `eidas1` by default, another
   * eIDAS level such as `eidas3` (a CPS card at real PSC), any other text, or null for none.
   */
  acr: string | null;
}

/** The state `reset` returns to. */
export const NORMAL_STATE: ControlState = {
  down: false,
  delayMs: 0,
  foreignKey: false,
  acr: 'eidas1',
};

export interface CibaPending {
  authReqId: string;
  bindingMessage: string;
  /** ANS's CIBA parameter: CARD or MOBILE (empty when the client sent none). */
  channel: string;
  clientId: string;
  expiresAt: number;
}

interface CibaProvider {
  BackchannelAuthenticationRequest: {
    find(id: string): Promise<{ clientId: string } | undefined>;
  };
  Grant: new (init: { accountId: string; clientId: string }) => {
    addOIDCScope(scope: string): void;
    save(): Promise<string>;
  };
  backchannelResult(request: unknown, result: unknown, options?: unknown): Promise<void>;
}

/** A token request PSC answered with tokens, as oidc-provider reports it (`grant.success`). */
export interface ServedGrant {
  accountId: string;
  /** `authorization_code`, `refresh_token` or CIBA's grant type. */
  grantType: string;
  at: number;
}

export interface ControlContext {
  state: ControlState;
  /** The grants served, oldest first (bounded): tests read them to see a refresh happened. */
  served: readonly ServedGrant[];
  store: Store;
  limits: SessionLimits;
  cibaPending: Map<string, CibaPending>;
  provider: CibaProvider;
  endGrant(grantId: string): number;
}

const on = (form: URLSearchParams) => /^(true|1|on|yes)$/i.test(form.get('on') ?? 'true');

/**
 * `POST <control>/<action>` (form or JSON body), loopback callers only. The actions and their
 * answers are listed in docs/sandbox.md ("PSC stub control endpoints").
 */
export async function controlRoute(
  action: string,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  ctx: ControlContext,
): Promise<void> {
  if (!isLoopback(req.socket.remoteAddress)) return sendJson(res, 403, { error: 'loopback only' });
  if (req.method !== 'POST' && !(req.method === 'GET' && action === 'state'))
    return sendJson(res, 405, { error: 'POST only' });
  const form = await readForm(req);
  const reply = (value: unknown) => sendJson(res, 200, value);
  const nationalId = form.get('nationalId') ?? '';
  const accountId = accountIdOf(nationalId);
  const { state, store, limits, cibaPending, provider } = ctx;
  for (const [id, pending] of cibaPending)
    if (pending.expiresAt <= Date.now()) cibaPending.delete(id);

  switch (action) {
    case 'state':
      return reply({
        ...state,
        sessions: limits.list(),
        cibaPending: [...cibaPending].map(([id, r]) => ({
          nationalId: id.replace(/^psc-/, ''),
          bindingMessage: r.bindingMessage,
          channel: r.channel,
          clientId: r.clientId,
          expiresAt: r.expiresAt,
        })),
      });
    case 'expire-access-tokens':
      return reply({ removed: forgetAccount(store, accountId, ['AccessToken']) });
    case 'revoke-refresh-tokens':
      return reply({ removed: forgetAccount(store, accountId, ['RefreshToken']) });
    case 'end-session': {
      let removed = 0;
      for (const s of limits.list())
        if (s.accountId === accountId) removed += ctx.endGrant(s.grantId);
      removed += forgetAccount(store, accountId, [
        'AccessToken',
        'RefreshToken',
        'Session',
        'Grant',
      ]);
      return reply({ removed });
    }
    case 'grants':
      // What the token endpoint served this practitioner (ECO.1.2.7: a refresh happened).
      return reply({
        grants: ctx.served
          .filter((g) => g.accountId === accountId)
          .map((g) => ({ grantType: g.grantType, at: g.at })),
      });
    case 'tokens':
      // The tokens PSC issued to this practitioner, so a test can prove they never reached the
      // disk of the workstation (ECO.1.2.5).
      return reply({ tokens: tokensOf(store, accountId, ['AccessToken', 'RefreshToken']) });
    case 'foreign-key':
      state.foreignKey = on(form);
      return reply(state);
    case 'down':
      state.down = on(form);
      return reply(state);
    case 'delay':
      state.delayMs = Math.max(0, Number(form.get('ms') ?? 0) || 0);
      return reply(state);
    case 'acr': {
      // `value`: the acr of the next sign-ins; `none` (or empty) for an ID token without one.
      const value = (form.get('value') ?? '').trim();
      state.acr = value === '' || value === 'none' ? null : value.slice(0, 64);
      return reply(state);
    }
    case 'reset':
      Object.assign(state, NORMAL_STATE);
      return reply(state);
    case 'ciba-pending':
      return reply({
        pending: [...cibaPending].map(([id, r]) => ({
          nationalId: id.replace(/^psc-/, ''),
          bindingMessage: r.bindingMessage,
          channel: r.channel,
        })),
      });
    case 'ciba-approve':
    case 'ciba-deny': {
      const pending = cibaPending.get(accountId);
      if (!pending)
        return sendJson(res, 404, { error: 'no pending CIBA request for this national id' });
      cibaPending.delete(accountId);
      const request = await provider.BackchannelAuthenticationRequest.find(pending.authReqId);
      if (!request) return sendJson(res, 404, { error: 'the CIBA request has expired' });
      if (action === 'ciba-deny') {
        await provider.backchannelResult(
          request,
          new errors.AccessDenied('the practitioner refused on the e-CPS app'),
        );
        return reply({ denied: true });
      }
      const grant = new provider.Grant({ accountId, clientId: request.clientId });
      grant.addOIDCScope('openid scope_all');
      const grantId = await grant.save();
      // CARD: the practitioner approved with the CPS card (on a reader), MOBILE: the e-CPS app.
      const method = pending.channel === 'CARD' ? 'cps' : 'ecps';
      const acr = state.acr ?? undefined;
      limits.open({ grantId, accountId, nationalId, clientId: request.clientId, method, acr });
      await provider.backchannelResult(request, grant, {
        ...(acr !== undefined ? { acr } : {}),
        amr: [method],
      });
      return reply({ approved: true });
    }
    default:
      return sendJson(res, 404, { error: `unknown control action ${action}` });
  }
}
