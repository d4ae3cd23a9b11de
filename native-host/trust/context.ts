import type { LookupFunction } from 'node:net';
import { CrlStore } from './crl-store';
import { httpFetch } from './http-fetch';
import { OcspClient } from './ocsp-client';
import { RevocationChecker } from './revocation';
import type { TrustSet } from './trust-sets';
import type { TrustContext } from './verify';

/**
 * The trust context of every upstream connection (bridge, autoconfig, live checks): a trust set,
 * and revocation through the CRL cache in `cacheDir` and OCSP, fetched over plain HTTP as PKIs
 * publish them (their answers are signed; `lookup` resolves the sandbox's names).
 */
export function trustContext(
  set: TrustSet,
  options: { cacheDir: string; lookup?: LookupFunction },
): TrustContext {
  const fetchOptions = options.lookup ? { lookup: options.lookup } : {};
  const crls = new CrlStore({
    dir: options.cacheDir,
    fetch: (url) => httpFetch(url, fetchOptions),
  });
  const ocsp = new OcspClient({
    post: (url, body) =>
      httpFetch(url, {
        ...fetchOptions,
        method: 'POST',
        body,
        contentType: 'application/ocsp-request',
        maxBytes: 1024 * 1024,
      }),
  });
  return { set, revocation: new RevocationChecker(crls, ocsp) };
}
