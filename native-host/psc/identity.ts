import * as client from 'openid-client';
import { eidasLevel } from '../../shared/domain/identity/eidas';
import { pscTitleCode } from '../../shared/domain/identity/psc-title';
import { MssanteError } from '../../shared/errors/mssante-error';

export interface PscIdentity {
  nationalId: string;
  subject: string;
  givenName: string;
  familyName: string;
  /** The title before the name: the exercise title (DR, PR) when there is one, else the civil one. */
  civility: string | undefined;
  /** The ID token's `acr` as received (`none` when it had none), for the journal. */
  acr: string;
}

function stringClaim(claims: Record<string, unknown>, name: string): string | undefined {
  const value = claims[name];
  return typeof value === 'string' && value ? value : undefined;
}

/**
 * Who signed in, from a login's tokens: the ID token's acr must be an eIDAS level ≥ 1 (a missing
 * acr counts as eidas1), and the national id comes from userinfo (preferred_username, or
 * SubjectNameID); the title follows `pscTitleCode` (shared/domain/identity/psc-title.ts).
 */
export async function loginIdentity(
  config: client.Configuration,
  tokens: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers,
): Promise<PscIdentity> {
  const claims = (tokens.claims() ?? {}) as Record<string, unknown>;
  const acr = claims.acr === undefined ? 'none' : String(claims.acr).slice(0, 64);
  if (eidasLevel(claims.acr) === undefined) throw new MssanteError('E_PSC_ACR', { detail: acr });
  const subject = stringClaim(claims, 'sub') ?? '';
  const info = (await client.fetchUserInfo(config, tokens.access_token, subject)) as Record<
    string,
    unknown
  >;
  const nationalId = stringClaim(info, 'preferred_username') ?? stringClaim(info, 'SubjectNameID');
  if (!nationalId)
    throw new MssanteError('E_PSC_LOGIN_FAILED', { detail: 'no national id in userinfo' });
  return {
    nationalId,
    subject,
    givenName: stringClaim(info, 'given_name') ?? '',
    familyName: stringClaim(info, 'family_name') ?? '',
    civility: pscTitleCode(info),
    acr,
  };
}
