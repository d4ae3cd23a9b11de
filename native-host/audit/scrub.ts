/**
 * Operators' words about a refused login (an IMAP `NO`, an SMTP `535`, the XOAUTH2 error
 * challenge) are journaled and shown, but an operator may echo what it was sent: a bearer token,
 * a JWT, a base64 SASL response. Before such a text goes anywhere, every credential-looking
 * string in it is replaced by `[redacted]` (docs/security.md, 19.11):
 * - `Bearer <anything>` and `Basic <anything>` (an Authorization value);
 * - `auth=Bearer …` inside a decoded XOAUTH2 string, `access_token=`, `token=`, `password=`,
 *   `secret=` values (query-string or JSON-ish `"access_token":"…"`);
 * - a JWT (`eyJ….….…`);
 * - any run of 16 or more base64 / base64url characters that ends in `=` padding, or mixes
 *   upper and lower case with a digit (or is 32 characters or more): status words such as
 *   AUTHENTICATIONFAILED, host names and paths such as auth/realms/esante-wallet stay.
 */
const REDACTED = '[redacted]';

const RULES: ReadonlyArray<[RegExp, string]> = [
  [/\b(Bearer|Basic)\s+[^\s"',;]+/gi, `$1 ${REDACTED}`],
  [
    /\b(access_token|refresh_token|id_token|token|password|passwd|secret|client_secret)("?\s*[:=]\s*"?)[^\s"',;&]+/gi,
    `$1$2${REDACTED}`,
  ],
  [/\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*\.?[A-Za-z0-9_-]*/g, REDACTED],
];

const BASE64_RUN = /[A-Za-z0-9+/_-]{16,}={0,2}/g;

/** Random base64 mixes cases (and, over 16 characters, almost always digits); words do not. */
function looksEncoded(run: string): boolean {
  const cases = /[A-Z]/.test(run) && /[a-z]/.test(run);
  return run.endsWith('=') || (cases && (/[0-9]/.test(run) || run.length >= 32));
}

/** `text` with every bearer-, JWT- or base64-looking string replaced by `[redacted]`. */
export function scrubCredentials(text: string): string {
  let out = text;
  for (const [pattern, replacement] of RULES) out = out.replace(pattern, replacement);
  return out.replace(BASE64_RUN, (run) => (looksEncoded(run) ? REDACTED : run));
}
