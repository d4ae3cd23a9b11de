import { createHash, timingSafeEqual } from 'node:crypto';
import type http from 'node:http';

/** Reads a form (`application/x-www-form-urlencoded`) or JSON object body as string pairs. */
export async function readForm(req: http.IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 64 * 1024) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (/^application\/json/i.test(req.headers['content-type'] ?? '') && text.trim()) {
    const value = JSON.parse(text) as unknown;
    const form = new URLSearchParams();
    if (value && typeof value === 'object')
      for (const [k, v] of Object.entries(value)) form.set(k, String(v));
    return form;
  }
  return new URLSearchParams(text);
}

export function sendJson(
  res: http.ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): void {
  res
    .writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      ...headers,
    })
    .end(JSON.stringify(value));
}

export function isLoopback(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

export interface ClientSecretEntry {
  clientId: string;
  clientSecret: string;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

function decode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}

/**
 * Client authentication for the endpoints the stub serves itself (introspection, revocation):
 * `client_secret_basic` or `client_secret_post`, as Keycloak accepts both for a confidential
 * client. Returns the client id, or undefined when authentication fails.
 */
export function authenticateClient(
  req: http.IncomingMessage,
  form: URLSearchParams,
  clients: readonly ClientSecretEntry[],
): string | undefined {
  let clientId: string | null = null;
  let secret: string | null = null;
  const header = req.headers.authorization;
  if (header?.toLowerCase().startsWith('basic ')) {
    const basic = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
    const colon = basic.indexOf(':');
    if (colon < 0) return undefined;
    clientId = decode(basic.slice(0, colon));
    secret = decode(basic.slice(colon + 1));
  } else {
    clientId = form.get('client_id');
    secret = form.get('client_secret');
  }
  const client = clients.find((c) => c.clientId === clientId);
  if (!client || secret === null) return undefined;
  return timingSafeEqual(digest(client.clientSecret), digest(secret)) ? client.clientId : undefined;
}
