import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type * as client from 'openid-client';

/** The client certificate the host presents to PSC (tls_client_auth, RFC 8705 §2.1). */
export interface ClientTls {
  /** PEM certificate chain and PEM private key... */
  cert?: string;
  key?: string;
  /** ...or a PKCS#12 bundle and its passphrase. */
  pfx?: Buffer;
  passphrase?: string;
  /** CAs for PSC's server certificate on the mTLS endpoints; default: Node's bundled CAs. */
  ca?: string[];
  /** Name resolution without DNS (the configuration's `hosts`). */
  lookup?: LookupFunction;
}

/** Bigger answers from PSC's token, CIBA or userinfo endpoints are refused. */
const MAX_BODY = 1024 * 1024;

function bodyOf(body: client.CustomFetchOptions['body']): Buffer | string | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return body;
  if (body instanceof URLSearchParams) return body.toString();
  if (body instanceof Uint8Array) return Buffer.from(body);
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  throw new TypeError('streamed request bodies are not supported');
}

/**
 * A `fetch` for openid-client's `customFetch` that presents the client certificate in every
 * TLS handshake with PSC (node:https with cert/key or pfx). Plain-HTTP URLs — the local
 * sandbox's endpoints that have no mTLS alias — go through the global fetch, without
 * certificate: a server requiring tls_client_auth there refuses the client, as it should.
 */
export function mtlsFetch(tls: ClientTls): client.CustomFetch {
  const agent = new https.Agent({
    ...(tls.cert ? { cert: tls.cert } : {}),
    ...(tls.key ? { key: tls.key } : {}),
    ...(tls.pfx ? { pfx: tls.pfx } : {}),
    ...(tls.passphrase !== undefined ? { passphrase: tls.passphrase } : {}),
    ...(tls.ca ? { ca: tls.ca } : {}),
    ...(tls.lookup ? { lookup: tls.lookup } : {}),
    keepAlive: false,
  });
  return (url, options) => {
    const target = new URL(url);
    if (target.protocol !== 'https:') return fetch(url, options as RequestInit);
    const body = bodyOf(options.body);
    const headers: Record<string, string> = { ...options.headers };
    if (options.body instanceof URLSearchParams && !hasHeader(headers, 'content-type'))
      headers['content-type'] = 'application/x-www-form-urlencoded;charset=UTF-8';
    return new Promise<Response>((resolve, reject) => {
      const request = https.request(
        target,
        {
          method: options.method,
          headers,
          agent,
          ...(options.signal ? { signal: options.signal } : {}),
        },
        (response) => {
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_BODY) {
              response.destroy(new Error('PSC answer too large'));
              return;
            }
            chunks.push(chunk);
          });
          response.on('error', reject);
          response.on('end', () => {
            const status = response.statusCode ?? 502;
            const answer = new Headers();
            for (const [name, value] of Object.entries(response.headers)) {
              if (value === undefined) continue;
              for (const one of Array.isArray(value) ? value : [value]) answer.append(name, one);
            }
            const nullBody = status === 204 || status === 304 || options.method === 'HEAD';
            resolve(
              new Response(nullBody ? null : Buffer.concat(chunks), { status, headers: answer }),
            );
          });
        },
      );
      request.on('error', reject);
      request.end(body);
    });
  };
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((key) => key.toLowerCase() === name);
}
