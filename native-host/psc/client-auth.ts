import { KeyObject, webcrypto } from 'node:crypto';
import * as client from 'openid-client';
import { mtlsFetch, type ClientTls } from './mtls-fetch';

export type { ClientTls } from './mtls-fetch';

export type PrivateKeyJwtAlg = 'RS256' | 'PS256' | 'ES256';

/**
 * How the host (PSC's "intermediate LPS server") authenticates itself at PSC's token and CIBA
 * endpoints. Read from the host's configuration file only: the secret, the private key and the
 * client certificate's key stay in the host process, never reach the extension, a log or a
 * message (ECO.1.2.5).
 */
export type ClientAuthConfig =
  | { method: 'client_secret_basic' | 'client_secret_post'; secret: string }
  | {
      method: 'private_key_jwt';
      /** A signing key (CryptoKey, or a Node KeyObject from a PEM file). */
      privateKey: webcrypto.CryptoKey | KeyObject;
      /** Default: RS256 for an RSA key, ES256 for a P-256 key. */
      alg?: PrivateKeyJwtAlg;
      /** `kid` header of the client assertion, when PSC registered several keys. */
      kid?: string;
    }
  | { method: 'tls_client_auth'; tls: ClientTls };

export interface ClientAuthSetup {
  clientAuth: client.ClientAuth;
  metadata: Partial<client.ClientMetadata>;
  /** For tls_client_auth: every openid-client request presents the client certificate. */
  fetch?: client.CustomFetch;
}

const ALGORITHMS: Record<
  PrivateKeyJwtAlg,
  webcrypto.RsaHashedImportParams | webcrypto.EcKeyImportParams
> = {
  RS256: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
  PS256: { name: 'RSA-PSS', hash: 'SHA-256' },
  ES256: { name: 'ECDSA', namedCurve: 'P-256' },
};

/** The JWS algorithm a key signs with when none is configured. */
export function defaultAlg(key: KeyObject): PrivateKeyJwtAlg | undefined {
  if (key.asymmetricKeyType === 'rsa') return 'RS256';
  if (key.asymmetricKeyType === 'rsa-pss') return 'PS256';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1')
    return 'ES256';
  return undefined;
}

/**
 * A non-extractable WebCrypto signing key for openid-client (which derives the assertion's
 * `alg` from the key's algorithm: RSASSA-PKCS1-v1_5 → RS256, RSA-PSS → PS256, ECDSA → ES256).
 */
async function signingKey(
  key: webcrypto.CryptoKey | KeyObject,
  alg: PrivateKeyJwtAlg | undefined,
): Promise<webcrypto.CryptoKey> {
  if (!(key instanceof KeyObject)) return key;
  const chosen = alg ?? defaultAlg(key) ?? 'RS256';
  const der = key.export({ type: 'pkcs8', format: 'der' });
  return webcrypto.subtle.importKey('pkcs8', der, ALGORITHMS[chosen], false, ['sign']);
}

/** openid-client's client authentication for a configured method. */
export async function clientAuthSetup(auth: ClientAuthConfig): Promise<ClientAuthSetup> {
  switch (auth.method) {
    case 'client_secret_basic':
      return { clientAuth: client.ClientSecretBasic(auth.secret), metadata: {} };
    case 'client_secret_post':
      return { clientAuth: client.ClientSecretPost(auth.secret), metadata: {} };
    case 'private_key_jwt': {
      const key = await signingKey(auth.privateKey, auth.alg);
      return {
        clientAuth: client.PrivateKeyJwt(auth.kid ? { key, kid: auth.kid } : key),
        metadata: {},
      };
    }
    case 'tls_client_auth':
      // RFC 8705: the certificate is presented in the TLS handshake of every call to the
      // authorization server (token, CIBA, userinfo), at the mTLS aliases when PSC publishes them.
      return {
        clientAuth: client.TlsClientAuth(),
        metadata: { use_mtls_endpoint_aliases: true },
        fetch: mtlsFetch(auth.tls),
      };
  }
}
