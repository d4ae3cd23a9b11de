import * as client from 'openid-client';
import { MssanteError } from '../../shared/errors/mssante-error';
import { HOST_WAITS_MS } from '../../shared/protocol/deadlines';
import { pscEndpointsFault } from '../config/psc-url';
import { type ClientAuthConfig, clientAuthSetup } from './client-auth';
import type { PscEndpoints } from './presets';

/** How the host reaches PSC as a registered client. */
export interface PscClientOptions {
  endpoints: PscEndpoints;
  clientId: string;
  auth: ClientAuthConfig;
  /** Plain-HTTP issuer and discovery: on a loopback IP literal only (config/psc-url.ts). */
  allowHttp?: boolean;
}

/**
 * PSC's metadata, fetched from the discovery URL (no redirect), its issuer checked against the
 * configured one, and the client's authentication (secret, private_key_jwt or mTLS) set up on it.
 */
export async function discoverPsc(options: PscClientOptions): Promise<client.Configuration> {
  const { endpoints, clientId, auth } = options;
  // The configuration was checked (config/psc-url.ts); this holds whoever builds the endpoints.
  const fault = pscEndpointsFault({ preset: 'custom', ...endpoints });
  const plain = new URL(endpoints.discovery).protocol === 'http:';
  if (fault || (plain && !options.allowHttp))
    throw new MssanteError('E_PSC_DISCOVERY', {
      detail: fault ?? `psc.discovery: https required (${endpoints.discovery})`,
    });
  let metadata: client.ServerMetadata;
  try {
    const response = await fetch(endpoints.discovery, {
      headers: { accept: 'application/json' },
      redirect: 'error',
      signal: AbortSignal.timeout(HOST_WAITS_MS.pscRequest),
    });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    metadata = (await response.json()) as client.ServerMetadata;
  } catch (error) {
    throw new MssanteError('E_PSC_UNREACHABLE', {
      detail: new URL(endpoints.discovery).host,
      cause: error,
    });
  }
  if (metadata.issuer !== endpoints.issuer) {
    throw new MssanteError('E_PSC_DISCOVERY', { detail: `issuer ${String(metadata.issuer)}` });
  }
  const setup = await clientAuthSetup(auth);
  const config = new client.Configuration(metadata, clientId, setup.metadata, setup.clientAuth);
  if (setup.fetch) config[client.customFetch] = setup.fetch;
  config.timeout = HOST_WAITS_MS.pscRequest / 1000; // each request to PSC (openid-client: seconds)
  if (options.allowHttp) client.allowInsecureRequests(config);
  return config;
}
