import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type tls from 'node:tls';
import { ECDH_CURVES, TLS12_SUITES } from '../../../native-host/trust/tls-policy';
import { DOMAIN, type Endpoint, HOST_NAMES, type Started } from '../contracts';
import { configXml, type MailConfig } from './config-xml';

export { configXml, type MailConfig } from './config-xml';

export const AUTOCONFIG_PATH = '/mail/config-v1.1.xml';

/** What the server answers instead of the configuration (tests of the client's refusals). */
export interface AutoconfigOverride {
  status?: number;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** Send the body without Content-Length (chunked), so the client cannot refuse it up front. */
  chunked?: boolean;
  /** Accept the request and never answer (timeouts). */
  stall?: boolean;
}

export interface AutoconfigOptions {
  port: number;
  host?: string;
  /** PEM: the server certificate for autoconfig.<domain> followed by its issuing CA. */
  cert: string;
  key: string;
  config: MailConfig;
  override?: AutoconfigOverride;
  /** Tests only: TLS settings over the operator's (e.g. a banned suite, TLS 1.1). */
  tls?: tls.TlsOptions;
}

export interface AutoconfigInfo {
  url: string;
}

export interface AutoconfigServer extends Started<AutoconfigInfo> {
  /** HTTP requests that reached the server (after a TLS handshake), every path. */
  requests(): number;
  /** What the next requests get (undefined: the configuration again). */
  override: AutoconfigOverride | undefined;
}

/**
 * The operator's autoconfiguration server (issue 5 part 5, ECO.1.1.9): HTTPS with the certificate
 * of `autoconfig.<domain>` it is given (the sandbox's: from its test "commercial" CA), TLS 1.2 limited to the six suites of ECO.1.1.3 (and
 * TLS 1.3), serving Mozilla's ConfigFileFormat at /mail/config-v1.1.xml and 404 elsewhere.
 */
export async function startAutoconfig(options: AutoconfigOptions): Promise<AutoconfigServer> {
  const host = options.host ?? '127.0.0.1';
  const xml = configXml(options.config);
  let requests = 0;
  const server = https.createServer(
    {
      cert: options.cert,
      key: options.key,
      minVersion: 'TLSv1.2',
      ciphers: TLS12_SUITES.join(':'),
      ecdhCurve: ECDH_CURVES,
      dhparam: 'auto',
      honorCipherOrder: true,
      ...options.tls,
    },
    (req, res) => {
      requests += 1;
      const override = handle.override;
      if (override?.stall) return;
      if (override) {
        const body = override.body === undefined ? undefined : Buffer.from(override.body);
        res.writeHead(override.status ?? 200, {
          'content-type': 'text/xml; charset=utf-8',
          ...(body && !override.chunked ? { 'content-length': String(body.length) } : {}),
          ...override.headers,
        });
        if (body && override.chunked) {
          for (let at = 0; at < body.length; at += 16_384)
            res.write(body.subarray(at, at + 16_384));
          res.end();
        } else res.end(body);
        return;
      }
      const path = new URL(req.url ?? '/', 'https://x').pathname;
      if (req.method !== 'GET' || path !== AUTOCONFIG_PATH) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
        return;
      }
      res
        .writeHead(200, {
          'content-type': 'text/xml; charset=utf-8',
          'content-length': String(Buffer.byteLength(xml)),
          'cache-control': 'no-cache',
        })
        .end(xml);
    },
  );
  server.on('tlsClientError', () => {}); // refused clients and bad-suite probes are expected
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const name = `autoconfig.${options.config.domain}`;
  const handle: AutoconfigServer = {
    info: { url: `https://${name}:${port}${AUTOCONFIG_PATH}` },
    requests: () => requests,
    override: options.override,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return handle;
}

/**
 * The sandbox's own configuration: seed 001's sample layout, the PSC front (`imap.`/`smtp.`,
 * OAuth2) and the AUTH_CLI front (`authcli.`, TLS-client-cert), both served by the one Dovecot.
 */
export function sandboxMailConfig(imap: Endpoint, smtp: Endpoint): MailConfig {
  return {
    domain: DOMAIN,
    imap: { host: HOST_NAMES.imap, port: imap.port },
    smtp: { host: HOST_NAMES.smtp, port: smtp.port },
    app: {
      imap: { host: HOST_NAMES.authcli, port: imap.port },
      smtp: { host: HOST_NAMES.authcli, port: smtp.port },
    },
  };
}
