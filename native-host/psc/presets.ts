/**
 * Where Pro Santé Connect lives. A lab completes a preset with its own client id and secret (or
 * key), in the host's configuration file: the secret stays on the host (the "intermediate LPS
 * server" of seed 001 §2.1.1.3), never in the extension.
 */
export interface PscEndpoints {
  issuer: string;
  /** PSC publishes its discovery document at this non-standard path. */
  discovery: string;
  /** The login page users see (PSC's wallet), when it differs from the issuer's host. */
  wallet?: string;
}

export const PSC_PRESETS = {
  /** PSC "BAS" (bac à sable), ANS's public test platform. */
  bas: {
    issuer: 'https://auth.bas.psc.esante.gouv.fr/auth/realms/esante-wallet',
    discovery:
      'https://auth.bas.psc.esante.gouv.fr/auth/realms/esante-wallet/.well-known/wallet-openid-configuration',
    wallet: 'https://wallet.bas.psc.esante.gouv.fr',
  },
  production: {
    issuer: 'https://auth.esw.esante.gouv.fr/auth/realms/esante-wallet',
    discovery:
      'https://auth.esw.esante.gouv.fr/auth/realms/esante-wallet/.well-known/wallet-openid-configuration',
    wallet: 'https://wallet.esw.esante.gouv.fr',
  },
} as const satisfies Record<string, PscEndpoints>;

/** The local sandbox's PSC stub (issuer from `mssante sandbox status`). */
export function sandboxEndpoints(issuer: string): PscEndpoints {
  return { issuer, discovery: `${issuer}/.well-known/wallet-openid-configuration` };
}

export const PSC_SCOPE = 'openid scope_all';
export const PSC_ACR = 'eidas1';
/**
 * CIBA, as ANS's reference client sends it (ansforge/psc-edc-proxy-esante, PSCSessionService):
 * `channel` says how the practitioner approves, `CARD` (CPS card) or `MOBILE` (the e-CPS app, what
 * the popup offers); the binding message is a two-digit number, 00 to 99, shown to the user.
 */
export const PSC_CIBA_CHANNEL = 'MOBILE';
