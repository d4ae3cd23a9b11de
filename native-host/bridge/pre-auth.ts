import type { ErrorCode } from '../../shared/errors/codes';
import { MssanteError } from '../../shared/errors/mssante-error';
import type { LineReaderOptions } from '../upstream/line-reader';

/**
 * Limits on what a loopback client may do before it logged in with the local secret (any local
 * process, or a web page posting to 127.0.0.1, can reach a bridge's port). The reasons for
 * each number are in docs/security.md, "Pre-authentication input and frames".
 */

/** Longest line accepted before login, CRLF excluded (Thunderbird's longest is AUTH PLAIN). */
export const PRE_AUTH_MAX_LINE = 4096;
/** Time a client has to send each line before login. */
export const PRE_AUTH_LINE_TIMEOUT_MS = 5 * 60_000;
/** Connections one bridge (one mailbox, one protocol) serves at once. */
export const MAX_CONNECTIONS = 32;
/** Of which not yet logged in (their operator connection is not open yet). */
export const MAX_PRE_AUTH_CONNECTIONS = 8;

/**
 * Time a loopback client has to finish the TLS handshake (19.1) before its socket is closed;
 * Thunderbird takes milliseconds. Handshakes under way count against MAX_CONNECTIONS.
 */
export const HANDSHAKE_TIMEOUT_MS = 10_000;

/** How long a refused client's late bytes are read and dropped before its socket is destroyed. */
export const LINGER_MS = 1000;

/** How the bridges read a client before login: bounded lines, socket paused while not read. */
export const PRE_AUTH_READER: LineReaderOptions = {
  maxLine: PRE_AUTH_MAX_LINE,
  tooLong: 'E_BRIDGE_LINE_TOO_LONG',
  pauseWhenIdle: true,
};

/** The refusals that end a client's connection before login, with a sentence and a journal line. */
export const INPUT_REFUSALS: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'E_BRIDGE_LINE_TOO_LONG',
  'E_BRIDGE_NOT_MAIL',
  'E_BRIDGE_LITERAL_REFUSED',
]);

const HTTP_METHOD = /^(?:GET|POST|PUT|HEAD|OPTIONS|DELETE|PATCH|CONNECT|TRACE) /;
const HTTP_HEADER = /^(?:Host|Origin|Content-Type|Content-Length|User-Agent):/i;
const HTTP_VERSION = / HTTP\/\d(?:\.\d)?$/;

/**
 * True for a line a web browser (or any HTTP client) would send: a request line or a header.
 * No IMAP or SMTP command starts so (IMAP tags are the client's: Thunderbird's are numbers).
 */
export function looksLikeHttp(line: string): boolean {
  return HTTP_METHOD.test(line) || HTTP_HEADER.test(line) || HTTP_VERSION.test(line);
}

/** Throws E_BRIDGE_NOT_MAIL for an HTTP-looking line: the connection is then closed. */
export function refuseHttp(line: string): void {
  if (looksLikeHttp(line))
    throw new MssanteError('E_BRIDGE_NOT_MAIL', { detail: 'HTTP request on a mail port' });
}
