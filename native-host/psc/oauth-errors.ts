import type { ErrorCode } from '../../shared/errors/codes';
import { MssanteError } from '../../shared/errors/mssante-error';

/** The OAuth error code of an openid-client failure (response body or WWW-Authenticate challenge). */
export function oauthError(error: unknown): string | undefined {
  const value = error as { error?: unknown; cause?: unknown } | null;
  if (typeof value?.error === 'string') return value.error;
  if (Array.isArray(value?.cause)) {
    for (const challenge of value.cause as Array<{ parameters?: { error?: unknown } }>) {
      if (typeof challenge.parameters?.error === 'string') return challenge.parameters.error;
    }
  }
  return undefined;
}

/** PSC refusing the host itself (secret, key or certificate) is told apart from a user's failure. */
export function failureCode(error: unknown, fallback: ErrorCode): ErrorCode {
  if (error instanceof MssanteError) return error.code;
  return oauthError(error) === 'invalid_client' ? 'E_PSC_CLIENT_AUTH' : fallback;
}

/** The error a failed login ends with: its cause itself when that already carries the code. */
export function loginError(code: ErrorCode, cause?: unknown): MssanteError {
  return cause instanceof MssanteError && cause.code === code
    ? cause
    : new MssanteError(code, { cause });
}
