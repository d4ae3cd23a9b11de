import type { ErrorCode } from '../../../shared/errors/codes';

/** Which requirement a trust or TLS refusal code says the platform breaks. */
export const RULE_OF_CODE: Partial<Record<ErrorCode, string>> = {
  E_TLS_VERSION: 'ECO.1.1.1',
  E_TLS_SUITE: 'ECO.1.1.3',
  E_TLS_DH_TOO_SMALL: 'ECO.1.1.3',
  E_TLS_ECDH_TOO_SMALL: 'ECO.1.1.3',
  E_TRUST_EXPIRED: 'ECO.1.1.5',
  E_TRUST_NOT_YET_VALID: 'ECO.1.1.5',
  E_TRUST_UNKNOWN_CA: 'ECO.1.1.10',
  E_TRUST_AUTOCONFIG_UNKNOWN_CA: 'ECO.1.1.9',
  E_TRUST_NOT_ORGANISATIONS_CA: 'ECO.1.1.10',
  E_TRUST_HOSTNAME: 'ECO.1.1.10',
  E_TRUST_KEY_USAGE: 'ECO.1.1.10',
  E_TRUST_REVOKED: 'ECO.1.1.6',
  E_TRUST_REVOCATION_UNKNOWN: 'ECO.1.1.6',
};
