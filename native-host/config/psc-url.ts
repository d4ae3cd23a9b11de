import { isIP } from 'node:net';

/**
 * The rules for PSC's issuer and discovery URLs in a configuration (docs/security.md, 19.7),
 * checked by URL parsing, never by a pattern on the text (`http://127.0.0.1:1@evil.example/`
 * starts like a loopback URL and is not one):
 * - HTTPS, with no user or password in the URL, no query and no fragment (OpenID Connect
 *   Discovery §3 for the issuer);
 * - plain HTTP only on a loopback IP literal, 127.0.0.0/8 or [::1] (RFC 8252 §8.3 prefers the
 *   literal to `localhost`, a name that a `hosts` map or resolver could send elsewhere): the
 *   lab's PSC stub serves HTTP there, and nothing leaves the machine;
 * - the discovery document on the issuer's own origin, so an HTTPS issuer cannot be paired with
 *   a plain-HTTP or foreign discovery URL.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[(.*)\]$/, '$1');
  if (isIP(host) === 4) return host.split('.')[0] === '127';
  return isIP(host) === 6 && host === '::1';
}

/** Why `value` is not an acceptable PSC URL, or undefined when it is. */
export function pscUrlFault(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'not a URL';
  }
  if (url.username || url.password) return 'no user or password in the URL';
  if (url.search || url.hash) return 'no query or fragment';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:')
    return isLoopbackHost(url.hostname)
      ? undefined
      : 'https required (plain http only on a loopback address, 127.0.0.1 or [::1])';
  return 'https required';
}

/** True when the issuer is plain HTTP on a loopback address (the lab's PSC stub). */
export function allowsPlainHttp(issuer: string | undefined): boolean {
  if (!issuer || pscUrlFault(issuer)) return false;
  return new URL(issuer).protocol === 'http:';
}

/** Why a discovery URL does not go with its issuer (not on the issuer's origin), or undefined. */
export function discoveryFault(issuer: string, discovery: string): string | undefined {
  if (pscUrlFault(issuer) || pscUrlFault(discovery)) return undefined; // reported on their own
  return new URL(discovery).origin === new URL(issuer).origin
    ? undefined
    : `not on the issuer's origin (${new URL(issuer).origin})`;
}

/**
 * What is wrong with a configuration's PSC endpoints (`field: why`), if anything: a custom
 * issuer is required, each URL obeys pscUrlFault, and discovery is on the issuer's origin.
 */
export function pscEndpointsFault(psc: {
  preset: string;
  issuer?: string | undefined;
  discovery?: string | undefined;
}): string | undefined {
  if (psc.preset === 'custom' && !psc.issuer) return 'psc.issuer: required with "custom"';
  for (const field of ['issuer', 'discovery'] as const) {
    const value = psc[field];
    const fault = value === undefined ? undefined : pscUrlFault(value);
    if (fault) return `psc.${field}: ${fault}`;
  }
  const wrong = psc.issuer && psc.discovery && discoveryFault(psc.issuer, psc.discovery);
  return wrong ? `psc.discovery: ${wrong}` : undefined;
}
