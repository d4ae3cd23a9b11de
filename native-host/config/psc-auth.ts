import { createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import type { LookupFunction } from 'node:net';
import path from 'node:path';
import { createSecureContext } from 'node:tls';
import { MssanteError } from '../../shared/errors/mssante-error';
import { type ClientAuthConfig, defaultAlg, type PrivateKeyJwtAlg } from '../psc/client-auth';
import { configFault, type KeyJwtAuthFile, PscAuthSchema, type TlsAuthFile } from './schema';

/**
 * `psc.auth` in the host's config.json (its schema: schema.ts): how the host authenticates itself
 * at PSC, with the key files it names read and checked.
 *
 *   { "method": "client_secret_basic" | "client_secret_post", "clientSecret": "…" }
 *   { "method": "private_key_jwt", "keyFile": "<PEM PKCS#8>", "alg"?: "RS256"|"PS256"|"ES256", "kid"?: "…" }
 *   { "method": "tls_client_auth", "certFile": "<PEM>", "keyFile": "<PEM>", "caFile"?: "<PEM>" }
 *   { "method": "tls_client_auth", "pkcs12File": "<.p12>", "passphrase"?: "…", "caFile"?: "<PEM>" }
 *
 * The older flat `psc.clientSecret` still means client_secret_basic. Relative file names are
 * read from the configuration's folder. Files holding a private key must be readable by their
 * owner only (E_CONFIG_INSECURE); every other fault is E_CONFIG_INVALID naming the field.
 */

const invalid = (field: string, why: string) =>
  new MssanteError('E_CONFIG_INVALID', { detail: `psc.${field}: ${why}` });

/** Reads a file named by `field`; a private key file must not be open to group or others. */
function readConfigFile(baseDir: string, file: string, field: string, secret: boolean): Buffer {
  const full = path.resolve(baseDir, file);
  let mode: number;
  try {
    mode = statSync(full).mode;
  } catch {
    throw invalid(field, `cannot read ${full}`);
  }
  if (secret && (mode & 0o077) !== 0) {
    throw new MssanteError('E_CONFIG_INSECURE', {
      detail: `psc.${field} ${full} mode ${(mode & 0o777).toString(8)}`,
    });
  }
  try {
    return readFileSync(full);
  } catch {
    throw invalid(field, `cannot read ${full}`);
  }
}

function fitsAlg(key: KeyObject, alg: PrivateKeyJwtAlg): boolean {
  if (alg === 'ES256') return defaultAlg(key) === 'ES256';
  return (
    key.asymmetricKeyType === 'rsa' || (alg === 'PS256' && key.asymmetricKeyType === 'rsa-pss')
  );
}

function keyJwt(auth: KeyJwtAuthFile, baseDir: string): ClientAuthConfig {
  const pem = readConfigFile(baseDir, auth.keyFile, 'auth.keyFile', true);
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw invalid('auth.keyFile', 'not a PEM private key');
  }
  const alg = auth.alg ?? defaultAlg(key);
  if (!alg || !fitsAlg(key, alg))
    throw invalid(
      'auth.alg',
      `${auth.alg ?? 'default'} does not fit a ${key.asymmetricKeyType} key`,
    );
  return {
    method: 'private_key_jwt',
    privateKey: key,
    alg,
    ...(auth.kid ? { kid: auth.kid } : {}),
  };
}

function tlsClient(
  auth: TlsAuthFile,
  baseDir: string,
  lookup: LookupFunction | undefined,
): ClientAuthConfig {
  const ca = auth.caFile
    ? [readConfigFile(baseDir, auth.caFile, 'auth.caFile', false).toString('utf8')]
    : undefined;
  const extra = { ...(ca ? { ca } : {}), ...(lookup ? { lookup } : {}) };
  if (auth.pkcs12File) {
    if (auth.certFile || auth.keyFile)
      throw invalid('auth.pkcs12File', 'either pkcs12File or certFile and keyFile');
    const pfx = readConfigFile(baseDir, auth.pkcs12File, 'auth.pkcs12File', true);
    try {
      createSecureContext({
        pfx,
        ...(auth.passphrase !== undefined ? { passphrase: auth.passphrase } : {}),
      });
    } catch {
      throw invalid('auth.passphrase', 'does not open the PKCS#12 file');
    }
    return {
      method: 'tls_client_auth',
      tls: {
        pfx,
        ...(auth.passphrase !== undefined ? { passphrase: auth.passphrase } : {}),
        ...extra,
      },
    };
  }
  if (!auth.certFile) throw invalid('auth.certFile', 'required (or pkcs12File)');
  if (!auth.keyFile) throw invalid('auth.keyFile', 'required with certFile');
  const cert = readConfigFile(baseDir, auth.certFile, 'auth.certFile', false).toString('utf8');
  const key = readConfigFile(baseDir, auth.keyFile, 'auth.keyFile', true).toString('utf8');
  try {
    createSecureContext({ cert, key });
  } catch {
    throw invalid('auth.keyFile', 'not the private key of certFile');
  }
  return { method: 'tls_client_auth', tls: { cert, key, ...extra } };
}

export function resolvePscAuth(
  psc: { auth?: unknown; clientSecret?: unknown },
  baseDir: string,
  lookup?: LookupFunction,
): ClientAuthConfig {
  if (psc.auth === undefined) {
    if (typeof psc.clientSecret !== 'string' || !psc.clientSecret)
      throw invalid('auth', 'required (or the older psc.clientSecret)');
    return { method: 'client_secret_basic', secret: psc.clientSecret };
  }
  if (psc.clientSecret !== undefined) throw invalid('clientSecret', 'give it inside psc.auth');
  const parsed = PscAuthSchema.safeParse(psc.auth);
  if (!parsed.success)
    throw new MssanteError('E_CONFIG_INVALID', {
      detail: configFault(parsed.error.issues, ['psc', 'auth']),
    });
  const auth = parsed.data;
  switch (auth.method) {
    case 'client_secret_basic':
    case 'client_secret_post':
      return { method: auth.method, secret: auth.clientSecret };
    case 'private_key_jwt':
      return keyJwt(auth, baseDir);
    case 'tls_client_auth':
      return tlsClient(auth, baseDir, lookup);
  }
}
