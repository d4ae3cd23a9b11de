import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { MssanteError } from '../../shared/errors/mssante-error';
import { HOST_WAITS_MS } from '../../shared/protocol/deadlines';
import {
  errorReply,
  LPS_API_VERSION,
  lpsEvent,
  type LpsEvent,
} from '../../shared/protocol/lps/index';
import type * as z from '../../shared/protocol/zod';
import { readBoundedBody } from '../net/bounded-body';

/** How the host reaches its intermediate LPS server (config.json `lps`). */
export interface LpsTarget {
  /** `https://…`, no trailing slash. */
  url: string;
  /** PEM of the CA(s) to trust for the server; Node's default roots when absent. */
  ca?: string;
  lookup?: LookupFunction;
  /** Per request (the events stream excepted); default 10 s. */
  timeoutMs?: number;
}

const MAX_ANSWER_BYTES = 64 * 1024;
const MAX_EVENT_LINE = 32 * 1024;

function options(target: LpsTarget, path: string, auth?: string): https.RequestOptions {
  const url = new URL(path, target.url + '/');
  return {
    protocol: 'https:',
    hostname: url.hostname,
    port: url.port || 443,
    path: url.pathname,
    ...(target.ca ? { ca: target.ca } : {}),
    ...(target.lookup ? { lookup: target.lookup } : {}),
    minVersion: 'TLSv1.2',
    headers: {
      accept: 'application/json',
      ...(auth ? { authorization: auth } : {}),
    },
  };
}

const unreachable = (target: LpsTarget, cause: unknown) =>
  new MssanteError('E_LPS_UNREACHABLE', { detail: new URL(target.url).host, cause });

/**
 * One JSON request to the server, its answer checked against `schema` (or, for an error status,
 * the protocol's error shape: its code is thrown as it is when it is one of ours).
 */
export function lpsRequest<T>(
  target: LpsTarget,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  schema: z.ZodMiniType<T>,
  { auth, body }: { auth?: string; body?: unknown } = {},
): Promise<T> {
  const timeoutMs = target.timeoutMs ?? HOST_WAITS_MS.lpsRequest;
  let total: NodeJS.Timeout | undefined;
  const answer = new Promise<T>((resolve, reject) => {
    const text = body === undefined ? undefined : JSON.stringify({ v: LPS_API_VERSION, ...body });
    const request = https.request({ ...options(target, path, auth), method, timeout: timeoutMs });
    // The socket's idle timeout does not bound a server that answers a byte at a time: the whole
    // exchange has the same bound (shared/protocol/deadlines.ts).
    total = setTimeout(() => request.destroy(new Error('no answer in time')), timeoutMs);
    if (text) {
      request.setHeader('content-type', 'application/json');
      request.setHeader('content-length', Buffer.byteLength(text));
    }
    request.on('timeout', () => request.destroy(new Error('no answer in time')));
    request.on('error', (error) => reject(unreachable(target, error)));
    request.on('response', (response) => {
      readBoundedBody(response, MAX_ANSWER_BYTES, () => new MssanteError('E_LPS_PROTOCOL')).then(
        (bytes) => {
          try {
            resolve(decode(response.statusCode ?? 0, bytes, schema));
          } catch (error) {
            reject(error); // an error answer, or one that breaks the protocol
          }
        },
        (error: unknown) => {
          request.destroy();
          reject(error instanceof MssanteError ? error : unreachable(target, error));
        },
      );
    });
    request.end(text);
  });
  return answer.finally(() => clearTimeout(total));
}

function decode<T>(status: number, bytes: Buffer, schema: z.ZodMiniType<T>): T {
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new MssanteError('E_LPS_PROTOCOL', { detail: `HTTP ${status}, not JSON` });
  }
  if (status >= 400) {
    const error = errorReply.safeParse(raw);
    const code = error.success ? error.data.error.code : '';
    if (/^E_(LPS|PSC)_[A-Z_]+$/.test(code)) throw new MssanteError(code as never);
    throw new MssanteError('E_LPS_PROTOCOL', { detail: `HTTP ${status}` });
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new MssanteError('E_LPS_PROTOCOL', { detail: `HTTP ${status}` });
  return parsed.data;
}

/**
 * The session's server-sent events: each valid event to `onEvent`; `onClose` once the stream
 * ends, with the error status when the server refused it (401: the session is unknown there).
 * A line longer than 32 KiB or an event that does not parse ends the stream.
 */
export function lpsEvents(
  target: LpsTarget,
  path: string,
  auth: string,
  onEvent: (event: LpsEvent) => void,
  onClose: (status: number | null) => void,
): () => void {
  const request = https.request({ ...options(target, path, auth), method: 'GET' });
  request.setHeader('accept', 'text/event-stream');
  let closed = false;
  const close = (status: number | null) => {
    if (closed) return;
    closed = true;
    request.destroy();
    onClose(status);
  };
  request.on('error', () => close(null));
  request.on('response', (response) => {
    if (response.statusCode !== 200) {
      response.resume();
      close(response.statusCode ?? null);
      return;
    }
    let buffer = '';
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      buffer += chunk;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = block
          .split('\n')
          .filter((line) => line.startsWith('data: '))
          .map((line) => line.slice(6))
          .join('\n');
        if (!data) continue;
        let event: unknown;
        try {
          event = JSON.parse(data);
        } catch {
          return close(null);
        }
        const parsed = lpsEvent.safeParse(event);
        if (!parsed.success) return close(null);
        onEvent(parsed.data);
      }
      if (buffer.length > MAX_EVENT_LINE) close(null);
    });
    response.on('end', () => close(null));
    response.on('error', () => close(null));
  });
  request.end();
  return () => close(null);
}
