import { readFileSync } from 'node:fs';
import type { ErrorCode } from '../../shared/errors/codes';
import { MssanteError } from '../../shared/errors/mssante-error';

/**
 * A text file a configuration names (a CA, a trust anchor, a TLS key): one that cannot be read is
 * `code`, its detail `[field: ]cannot read <file>`, never a raw ENOENT.
 */
export function readNamedFile(file: string, code: ErrorCode, field?: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (cause) {
    throw new MssanteError(code, {
      detail: `${field ? `${field}: ` : ''}cannot read ${file}`,
      cause,
    });
  }
}
