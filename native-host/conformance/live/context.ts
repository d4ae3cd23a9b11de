import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sandboxLookup } from '../../../sandbox/resolve';
import { CrlStore } from '../../trust/crl-store';
import { httpFetch } from '../../trust/http-fetch';
import { OcspClient } from '../../trust/ocsp-client';
import { RevocationChecker } from '../../trust/revocation';
import { type LiveConfig, liveTrustSet } from './config';
import type { LiveContext } from './types';

/**
 * The trust context exactly as the host builds it for its bridges (native-host/app/host-app.ts):
 * the configured IGC Santé set, a CRL store with its cache directory, an OCSP client, both over
 * the same name resolution as the mail connections.
 */
export function liveContext(
  config: LiveConfig,
  options: { crlDir?: string; prompt?: LiveContext['prompt'] } = {},
): LiveContext {
  const lookup = config.hosts ? sandboxLookup(config.hosts) : undefined;
  const fetchOptions = lookup ? { lookup } : {};
  const crlDir =
    options.crlDir ?? path.join(mkdtempSync(path.join(os.tmpdir(), 'mssante-live-')), 'crl');
  const crls = new CrlStore({ dir: crlDir, fetch: (url) => httpFetch(url, fetchOptions) });
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
  return {
    config,
    trust: { set: liveTrustSet(config), revocation: new RevocationChecker(crls, ocsp) },
    ...(lookup ? { lookup } : {}),
    crlDir,
    revocationParts: { crls, ocsp },
    prompt: options.prompt ?? (() => {}),
  };
}
