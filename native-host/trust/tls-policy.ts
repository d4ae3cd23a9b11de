import type { ConnectionOptions, TLSSocket } from 'node:tls';
import { MssanteError } from '../../shared/errors/mssante-error';

/**
 * ECO.1.1.3: with TLS 1.2, exactly these six suites (IANA C030, C02F, C028, C027, 009F, 009E),
 * OpenSSL names. TLS 1.3 (ECO.1.1.2) keeps OpenSSL's default TLS 1.3 suites (all AEAD).
 */
export const TLS12_SUITES = [
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES256-SHA384',
  'ECDHE-RSA-AES128-SHA256',
  'DHE-RSA-AES256-GCM-SHA384',
  'DHE-RSA-AES128-GCM-SHA256',
] as const;

/** Same suites by their RFC names (what `getCipher().standardName` reports). */
export const TLS12_STANDARD_NAMES = [
  'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384',
  'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256',
  'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384',
  'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256',
] as const;

export const MIN_DH_BITS = 2048;
/**
 * "ECDHE curve ≥ 256 bits" read strictly: P-256, P-384, P-521. X25519 (253-bit field) is not
 * offered, so an operator cannot pick it (decision recorded in docs/trust.md).
 */
export const ECDH_CURVES = 'P-256:P-384:P-521';
export const MIN_ECDH_BITS = 256;

/** The client side of the policy, as tls.connect options. */
export function policyOptions(): ConnectionOptions {
  return {
    minVersion: 'TLSv1.2',
    maxVersion: 'TLSv1.3',
    ciphers: TLS12_SUITES.join(':'),
    ecdhCurve: ECDH_CURVES,
    minDHSize: MIN_DH_BITS,
    honorCipherOrder: false,
  };
}

export interface NegotiatedSession {
  protocol: string;
  cipher: string;
  keyExchange: string;
}

/**
 * Checks the negotiated session against ECO.1.1.1–1.1.3 before anything is sent on it. The
 * options above should make a violation impossible; this is the belt to their braces.
 */
export function checkNegotiated(socket: TLSSocket): NegotiatedSession {
  const protocol = socket.getProtocol() ?? 'unknown';
  const cipher = socket.getCipher();
  const key = socket.getEphemeralKeyInfo();
  const keyExchange =
    key && 'type' in key && key.type
      ? `${key.type}${'name' in key && key.name ? ` ${key.name}` : ''} ${key.size ?? '?'} bits`
      : 'none';
  if (protocol !== 'TLSv1.2' && protocol !== 'TLSv1.3') {
    throw new MssanteError('E_TLS_VERSION', { detail: protocol });
  }
  if (protocol === 'TLSv1.2') {
    const allowed =
      (TLS12_SUITES as readonly string[]).includes(cipher.name) ||
      (TLS12_STANDARD_NAMES as readonly string[]).includes(cipher.standardName);
    if (!allowed) throw new MssanteError('E_TLS_SUITE', { detail: cipher.name });
    if (!key || !('type' in key) || !key.type)
      throw new MssanteError('E_TLS_SUITE', { detail: 'no ephemeral key' });
  }
  if (key && 'type' in key) {
    if (key.type === 'DH' && (key.size ?? 0) < MIN_DH_BITS) {
      throw new MssanteError('E_TLS_DH_TOO_SMALL', { detail: `${key.size} bits` });
    }
    if (key.type === 'ECDH' && (key.size ?? 0) < MIN_ECDH_BITS) {
      throw new MssanteError('E_TLS_ECDH_TOO_SMALL', { detail: `${key.name} ${key.size} bits` });
    }
  }
  return { protocol, cipher: cipher.standardName || cipher.name, keyExchange };
}

/** Maps an OpenSSL/Node handshake error to the rule it breaks. */
export function handshakeError(error: unknown): MssanteError {
  const code = (error as { code?: string } | null)?.code ?? '';
  const message = error instanceof Error ? error.message : String(error);
  const text = `${code} ${message}`;
  if (
    /UNSUPPORTED_PROTOCOL|WRONG_VERSION_NUMBER|TLSV1_ALERT_PROTOCOL_VERSION|NO_PROTOCOLS_AVAILABLE/i.test(
      text,
    )
  ) {
    return new MssanteError('E_TLS_VERSION', { detail: code || message, cause: error });
  }
  if (/DH_PARAM_SIZE|DH_KEY_TOO_SMALL|dh key too small/i.test(text)) {
    return new MssanteError('E_TLS_DH_TOO_SMALL', { detail: code || message, cause: error });
  }
  if (
    /HANDSHAKE_FAILURE|NO_SHARED_CIPHER|NO_CIPHERS|INSUFFICIENT_SECURITY|NO_SUITABLE_KEY_SHARE|WRONG_CURVE|BAD_ECPOINT/i.test(
      text,
    )
  ) {
    return new MssanteError('E_TLS_SUITE', { detail: code || message, cause: error });
  }
  return new MssanteError('E_TLS_HANDSHAKE', { detail: code || message, cause: error });
}
