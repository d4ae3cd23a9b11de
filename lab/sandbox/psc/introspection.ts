import { type AccessTokenFacts, mailboxesOf, personalMailboxOf, practitionerOf } from './claims';
import { decodeJwt } from './jwt';

/** What introspection reads of oidc-provider's models: a token's claims, and its kind and state. */
interface Introspectable extends AccessTokenFacts {
  kind: string;
  jti: string;
  isValid: boolean;
}

interface ProviderModels {
  AccessToken: { find(value: string): Promise<unknown> };
  RefreshToken: { find(value: string): Promise<unknown> };
  Grant: { find(id: string): Promise<unknown> };
}

export type IntrospectionAnswer = { active: false } | ({ active: true } & Record<string, unknown>);

async function grantHolds(provider: ProviderModels, token: Introspectable): Promise<boolean> {
  if (!token.grantId) return true;
  const grant = (await provider.Grant.find(token.grantId)) as
    { isExpired: boolean; accountId?: string; clientId?: string } | undefined;
  return (
    !!grant &&
    !grant.isExpired &&
    grant.accountId === token.accountId &&
    grant.clientId === token.clientId
  );
}

/**
 * RFC 7662 introspection as PSC (Keycloak) answers it: an active access token returns its own
 * claims (iss, sub, exp, iat, auth_time, jti, typ, azp, sid, acr, scope, preferred_username =
 * national id) plus `client_id`, `username` (the national id) and `token_type`; an active
 * refresh token returns `typ: "Refresh"`. Anything unknown, expired, revoked, or cut by PSC's
 * session rules is `{ active: false }`. A token signed by a foreign key is unknown by definition.
 */
export async function introspect(
  provider: ProviderModels,
  value: string,
  claimsOf: (token: Introspectable) => Record<string, unknown>,
): Promise<IntrospectionAnswer> {
  if (!value) return { active: false };
  const access = (await provider.AccessToken.find(value)) as Introspectable | undefined;
  if (access?.isValid && (await grantHolds(provider, access))) {
    // A JWT access token answers with its own claims (its jti included), an opaque one with the same claims rebuilt.
    const claims = { ...claimsOf(access), ...decodeJwt(value)?.payload };
    const nationalId = practitionerOf(access.accountId)?.nationalId;
    return {
      ...claims,
      active: true,
      client_id: access.clientId,
      ...(nationalId ? { username: nationalId } : {}),
      token_type: 'Bearer',
    };
  }
  const refresh = (await provider.RefreshToken.find(value)) as Introspectable | undefined;
  if (refresh?.isValid && (await grantHolds(provider, refresh))) {
    const nationalId = practitionerOf(refresh.accountId)?.nationalId;
    return {
      active: true,
      typ: 'Refresh',
      client_id: refresh.clientId,
      ...(refresh.accountId ? { sub: refresh.accountId } : {}),
      ...(nationalId ? { username: nationalId, preferred_username: nationalId } : {}),
      ...(refresh.scope ? { scope: refresh.scope } : {}),
      ...(refresh.sid ? { sid: refresh.sid } : {}),
      iat: refresh.iat,
      exp: refresh.exp,
    };
  }
  return { active: false };
}

/**
 * The operator's view of a PSC introspection, for Dovecot's `oauth2` passdb. PSC knows people
 * (national ids), not mailboxes: mapping a national id to the BALs it may open is the
 * operator's job (its own directory). The sandbox's operator has no directory service of its
 * own, so this endpoint adds what it would find there:
 *
 * - `email`: the mailbox this login may open: the `mailbox` asked for in the URL (one Dovecot
 *   passdb per ORG mailbox, see docs/sandbox.md) when the national id is one of its owners,
 *   otherwise the practitioner's personal (PER) mailbox — so a token opens its owner's BAL and
 *   nobody else's (Dovecot compares `email` with the XOAUTH2 `user=`).
 * - `mailboxes`: every BAL the national id may open, space-separated (for logs and tests).
 *
 * `username` and `preferred_username` stay the national id, as PSC answers.
 */
export function operatorView(
  answer: IntrospectionAnswer,
  requestedMailbox: string | null,
): IntrospectionAnswer {
  if (!answer.active || answer.typ === 'Refresh') return { active: false };
  const nationalId = typeof answer.username === 'string' ? answer.username : undefined;
  if (!nationalId) return answer;
  const allowed = mailboxesOf(nationalId);
  const requested = requestedMailbox?.toLowerCase();
  const email =
    requested && allowed.includes(requested) ? requested : personalMailboxOf(nationalId);
  return { ...answer, ...(email ? { email } : {}), mailboxes: allowed.join(' ') };
}
