import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { staticLookup } from '../../net/static-lookup';
import { revocationParts } from '../../trust/context';
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
  options: {
    crlDir?: string;
    prompt?: LiveContext['prompt'];
    completeLoginPage?: LiveContext['completeLoginPage'];
  } = {},
): LiveContext {
  const lookup = config.hosts ? staticLookup(config.hosts) : undefined;
  const crlDir =
    options.crlDir ?? path.join(mkdtempSync(path.join(os.tmpdir(), 'mssante-live-')), 'crl');
  const { crls, ocsp } = revocationParts({ cacheDir: crlDir, ...(lookup ? { lookup } : {}) });
  return {
    config,
    trust: { set: liveTrustSet(config), revocation: new RevocationChecker(crls, ocsp) },
    ...(lookup ? { lookup } : {}),
    crlDir,
    revocationParts: { crls, ocsp },
    prompt: options.prompt ?? (() => {}),
    ...(options.completeLoginPage ? { completeLoginPage: options.completeLoginPage } : {}),
  };
}
