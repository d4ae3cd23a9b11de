import { timingSafeEqual } from 'node:crypto';

/** Constant-time check of the local credentials Thunderbird presents to the bridge. */
export function localCredentialsMatch(
  expectedUser: string,
  expectedSecret: string,
  user: string,
  secret: string,
): boolean {
  const a = Buffer.from(secret, 'utf8');
  const b = Buffer.from(expectedSecret, 'utf8');
  const sameSecret = a.length === b.length && timingSafeEqual(a, b);
  return sameSecret && user.trim().toLowerCase() === expectedUser.toLowerCase();
}

/** SASL PLAIN message: [authzid] NUL authcid NUL passwd. */
export function decodeSaslPlain(base64: string): { user: string; secret: string } | null {
  const parts = Buffer.from(base64, 'base64').toString('utf8').split('\u0000');
  if (parts.length !== 3) return null;
  return { user: parts[1]!, secret: parts[2]! };
}
