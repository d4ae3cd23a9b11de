import type { LookupFunction } from 'node:net';
import { CrlStore } from './crl-store';
import { httpFetch } from '../net/http-fetch';
import { OcspClient } from './ocsp-client';
import { RevocationChecker } from './revocation';
import type { TrustSet } from './trust-sets';
import type { TrustContext } from './verify';

export interface TrustContextOptions {
  /** Where verified CRLs are kept (ECO.1.1.7). */
  cacheDir: string;
  /** Name resolution of the mail connections (the sandbox's names), for CRL and OCSP too. */
  lookup?: LookupFunction;
}

/** The CRL store and OCSP client behind a trust context's revocation checks. */
export function revocationParts(options: TrustContextOptions): {
  crls: CrlStore;
  ocsp: OcspClient;
} {
  const fetchOptions = options.lookup ? { lookup: options.lookup } : {};
  return {
    crls: new CrlStore({ dir: options.cacheDir, fetch: (url) => httpFetch(url, fetchOptions) }),
    ocsp: new OcspClient({
      post: (url, body) =>
        httpFetch(url, {
          ...fetchOptions,
          method: 'POST',
          body,
          contentType: 'application/ocsp-request',
          maxBytes: 1024 * 1024,
        }),
    }),
  };
}

/**
 * The trust context of every upstream connection (bridge, autoconfig, Annuaire, live checks): a
 * trust set, and revocation through the CRL cache in `cacheDir` and OCSP, fetched over plain HTTP
 * as PKIs publish them (their answers are signed; `lookup` resolves the sandbox's names).
 */
export function trustContext(set: TrustSet, options: TrustContextOptions): TrustContext {
  const { crls, ocsp } = revocationParts(options);
  return { set, revocation: new RevocationChecker(crls, ocsp) };
}
