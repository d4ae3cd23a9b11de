import { MssanteError } from '../../shared/errors/mssante-error';
import { scrubCredentials } from '../audit/scrub';

/** TLS alerts a server sends when it will not take the client's certificate. */
const CERTIFICATE_ALERT =
  /alert[ _](bad[ _]certificate|unknown[ _]ca|certificate[ _]required|access[ _]denied|certificate[ _]unknown|unsupported[ _]certificate|certificate[ _]expired|certificate[ _]revoked)/i;

function texts(error: unknown): string {
  const out: string[] = [];
  for (let e = error, depth = 0; e && depth < 5; depth += 1) {
    const { code, message, detail, cause } = e as {
      code?: string;
      message?: string;
      detail?: string;
      cause?: unknown;
    };
    out.push(code ?? '', message ?? '', detail ?? '');
    e = cause;
  }
  return out.join(' ');
}

/**
 * ECO.1.3.1: for an APP mailbox, a TLS alert about certificates (on the first read after the
 * handshake: APP connections are TLS 1.3 only, see verify.ts) means the operator refused the ORG AUTH_CLI
 * certificate: say so, rather than a generic handshake or network failure.
 */
export function appCertificateRefusal(error: unknown): unknown {
  if (!(error instanceof MssanteError) || error.code.startsWith('E_TRUST_')) return error;
  const text = texts(error);
  const alert = CERTIFICATE_ALERT.exec(text);
  return alert
    ? new MssanteError('E_APP_CERT_REFUSED', {
        detail: `${error.detail ?? ''} (${alert[0]})`.trim().slice(0, 300),
        cause: error,
      })
    : error;
}

/** The operator's answer to PLAIN for an APP mailbox, as a coded refusal. */
export function appLoginRefused(detail: string): MssanteError {
  return new MssanteError('E_APP_LOGIN_REFUSED', {
    detail: scrubCredentials(detail).slice(0, 300),
  });
}
