import http from 'node:http';
import type { LookupFunction } from 'node:net';
import { readBoundedBody } from './bounded-body';

export interface FetchOptions {
  method?: 'GET' | 'POST';
  body?: Uint8Array;
  contentType?: string;
  timeoutMs?: number;
  maxBytes?: number;
  lookup?: LookupFunction;
}

/**
 * Plain HTTP for CRL distribution points and OCSP responders (both are plain HTTP by design:
 * their answers are signed). Bounded in time and size.
 */
export function httpFetch(url: string, options: FetchOptions = {}): Promise<Uint8Array> {
  const {
    method = 'GET',
    body,
    contentType,
    timeoutMs = 10_000,
    maxBytes = 64 * 1024 * 1024,
    lookup,
  } = options;
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    if (target.protocol !== 'http:')
      return reject(new Error(`unsupported URL scheme ${target.protocol}`));
    const request = http.request(
      target,
      {
        method,
        timeout: timeoutMs,
        ...(lookup ? { lookup } : {}),
        headers: {
          ...(contentType ? { 'content-type': contentType } : {}),
          ...(body ? { 'content-length': String(body.length) } : {}),
        },
      },
      (response) => {
        if (response.statusCode !== 200) {
          response.resume();
          reject(new Error(`HTTP ${response.statusCode} from ${target.host}`));
          return;
        }
        readBoundedBody(
          response,
          maxBytes,
          () => new Error(`answer larger than ${maxBytes} bytes`),
        ).then(
          (bytes) => resolve(new Uint8Array(bytes)),
          (error: Error) => {
            request.destroy();
            reject(error);
          },
        );
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on('error', reject);
    request.end(body ? Buffer.from(body) : undefined);
  });
}
