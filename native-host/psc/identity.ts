import * as client from 'openid-client';
import { MssanteError } from '../../shared/errors/mssante-error';
import { PSC_ACR } from './presets';

export interface PscIdentity {
  nationalId: string;
  subject: string;
  givenName: string;
  familyName: string;
  civility: string | undefined;
}

function stringClaim(claims: Record<string, unknown>, name: string): string | undefined {
  const value = claims[name];
  return typeof value === 'string' && value ? value : undefined;
}

/**
 * Who signed in, from a login's tokens: the ID token must carry acr=eidas1, and the national id
 * comes from userinfo (preferred_username, or SubjectNameID).
 */
export async function loginIdentity(
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
  const nationalId = stringClaim(info, 'preferred_username') ?? stringClaim(info, 'SubjectNameID');
  if (!nationalId)
    throw new MssanteError('E_PSC_LOGIN_FAILED', { detail: 'no national id in userinfo' });
  return {
    nationalId,
    subject,
    givenName: stringClaim(info, 'given_name') ?? '',
    familyName: stringClaim(info, 'family_name') ?? '',
    civility:
      stringClaim(info, 'codeCivilite') ??
      stringClaim((info.SubjectRefPro ?? {}) as Record<string, unknown>, 'codeCivilite'),
  };
}
