import { type ErrorCode, type Locale, errorMessage, isErrorCode } from './codes';

/** What crosses the wire and reaches the audit journal: a code and one sentence, nothing else. */
export interface WireError {
  code: ErrorCode;
  message: string;
}

export interface MssanteErrorOptions {
  /** A short technical precision appended to the sentence; never secrets or health data. */
  detail?: string;
  cause?: unknown;
  /** The sentence as received from the other side of the wire, kept verbatim. */
  wireMessage?: string;
}

/** The one error class of the project: a code from the closed list, an optional detail, a cause. */
export class MssanteError extends Error {
  readonly code: ErrorCode;
  readonly detail: string | undefined;
  private readonly wireMessage: string | undefined;

  constructor(code: ErrorCode, options: MssanteErrorOptions = {}) {
    const detail = options.detail;
    super(options.wireMessage ?? errorMessage(code, 'en') + (detail ? ` (${detail})` : ''), {
      cause: options.cause,
    });
    this.name = 'MssanteError';
    this.code = code;
    this.detail = detail;
    this.wireMessage = options.wireMessage;
  }

  /**
   * `instanceof` by shape rather than by class identity: where a second copy of this module is
   * loaded (under tsx, a module reached both by `require` and by a lazy `import()` is evaluated
   * twice — the dual-package hazard), a coded error from the other copy must keep its code instead
   * of becoming E_INTERNAL. The built host and add-on hold one copy; the rule is the same there.
   */
  static [Symbol.hasInstance](value: unknown): boolean {
    return (
      value instanceof Error &&
      value.name === 'MssanteError' &&
      isErrorCode((value as { code?: unknown }).code) &&
      typeof (value as { toWire?: unknown }).toWire === 'function'
    );
  }

  /** Rebuilds an error received as `{code, message}`; an unknown code becomes E_INTERNAL. */
  static fromWire(wire: { code: string; message: string }): MssanteError {
    return new MssanteError(isErrorCode(wire.code) ? wire.code : 'E_INTERNAL', {
      wireMessage: wire.message,
    });
  }

  /** Only the code and the user sentence (plus the detail, which must never hold secrets). */
  toWire(locale: Locale = 'fr'): WireError {
    if (this.wireMessage !== undefined) return { code: this.code, message: this.wireMessage };
    const base = errorMessage(this.code, locale);
    return { code: this.code, message: this.detail ? `${base} (${this.detail})` : base };
  }
}

/** Translates anything thrown into a MssanteError, in one place. */
export function toMssanteError(error: unknown): MssanteError {
  if (error instanceof MssanteError) return error;
  return new MssanteError('E_INTERNAL', { cause: error });
}
