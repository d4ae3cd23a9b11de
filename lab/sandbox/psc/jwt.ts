import {
  createPrivateKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  sign,
} from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** An RS256 signing key and the `kid` it is published (or not) under. */
export interface SigningKey {
  kid: string;
  key: KeyObject;
  /** The private JWK, as oidc-provider's `jwks` option wants it. */
  jwk: Record<string, unknown>;
}

function fromJwk(jwk: Record<string, unknown>): SigningKey {
  return {
    kid: String(jwk.kid),
    key: createPrivateKey({ key: jwk as never, format: 'jwk' }),
    jwk,
  };
}

function newJwk(): Record<string, unknown> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    ...privateKey.export({ format: 'jwk' }),
    kid: randomBytes(8).toString('hex'),
    use: 'sig',
    alg: 'RS256',
  };
}

/** The stub's PSC signing key: generated once in the state directory (never committed), then reused. */
export function persistentKey(stateDir: string): SigningKey {
  const file = path.join(stateDir, 'signing-key.jwk.json');
  if (!existsSync(file)) writeFileSync(file, JSON.stringify(newJwk()), { mode: 0o600 });
  return fromJwk(JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>);
}

/** A key PSC never published: what a "non-PSC token" is signed with. Kept in memory only. */
export function foreignKey(): SigningKey {
  return fromJwk(newJwk());
}

const b64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

export function signJwt(payload: Record<string, unknown>, key: SigningKey, typ = 'JWT'): string {
  const header = b64url(JSON.stringify({ alg: 'RS256', typ, kid: key.kid }));
  const body = b64url(JSON.stringify(payload));
  const signature = sign('sha256', Buffer.from(`${header}.${body}`), key.key);
  return `${header}.${body}.${b64url(signature)}`;
}

export function decodeJwt(
  token: string,
): { header: Record<string, unknown>; payload: Record<string, unknown> } | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const [header, payload] = parts
      .slice(0, 2)
      .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown);
    if (!header || typeof header !== 'object' || !payload || typeof payload !== 'object')
      return undefined;
    return {
      header: header as Record<string, unknown>,
      payload: payload as Record<string, unknown>,
    };
  } catch {
    return undefined;
  }
}

/** The same claims, signed again by another key (the header's `typ` is kept). */
export function resign(token: string, key: SigningKey): string {
  const decoded = decodeJwt(token);
  if (!decoded) throw new Error('not a JWT');
  return signJwt(decoded.payload, key, String(decoded.header.typ ?? 'JWT'));
}
