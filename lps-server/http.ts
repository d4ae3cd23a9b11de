import type { IncomingMessage, ServerResponse } from 'node:http';
import { MssanteError, toMssanteError } from '../shared/errors/mssante-error';
import {
  LPS_API_VERSION,
  loginRequest,
  MAX_REQUEST_BYTES,
  openSessionRequest,
  sessionId as sessionIdSchema,
  sessionSecret,
} from '../shared/protocol/lps/index';
import type * as z from '../shared/protocol/zod';
import { readBoundedBody } from '../native-host/net/bounded-body';
import type { CallbackRegistry } from './callbacks';
import { type LpsLog, shortId } from './log';
import { type ServerSession, type SessionTable, wire } from './sessions';

const v = LPS_API_VERSION;

/** HTTP status of each error code the API answers with. */
const STATUS: Partial<Record<string, number>> = {
  E_LPS_REQUEST_INVALID: 400,
  E_LPS_SESSION_LOST: 401,
  E_LPS_REQUEST_TOO_LARGE: 413,
  E_LPS_BUSY: 503,
  E_PSC_NOT_SIGNED_IN: 409,
  E_PSC_UNREACHABLE: 502,
};

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

function fail(res: ServerResponse, error: unknown): void {
  const failure = toMssanteError(error);
  const wireError = failure.toWire('en');
  send(res, STATUS[failure.code] ?? 500, {
    v,
    error: { code: wireError.code, message: wireError.message },
  });
}

const invalid = (detail: string) => new MssanteError('E_LPS_REQUEST_INVALID', { detail });

async function body<T>(req: IncomingMessage, schema: z.ZodMiniType<T>): Promise<T> {
  if (!/^application\/json\b/.test(req.headers['content-type'] ?? ''))
    throw invalid('content-type');
  const bytes = await readBoundedBody(
    req,
    MAX_REQUEST_BYTES,
    () => new MssanteError('E_LPS_REQUEST_TOO_LARGE'),
  );
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw invalid('not JSON');
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw invalid(parsed.error.issues[0]?.path.join('.') ?? 'body');
  return parsed.data;
}

/** `Authorization: MSS-Session <id>.<secret>` for the session named in the path. */
function bound(req: IncomingMessage, id: string, sessions: SessionTable): ServerSession {
  const match = /^MSS-Session ([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/.exec(
    req.headers.authorization ?? '',
  );
  if (!match || match[1] !== id || !sessionSecret.safeParse(match[2]).success)
    throw new MssanteError('E_LPS_SESSION_LOST');
  return sessions.get(id, match[2]!);
}

/** Server-sent events: the session's facts (and token when signed in) now, then every change. */
function events(req: IncomingMessage, res: ServerResponse, session: ServerSession): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-store',
    connection: 'keep-alive',
  });
  const write = (event: { type: string }) =>
    res.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
  write({ v, type: 'facts', facts: wire(session.psc.facts) } as never);
  const token = session.token;
  if (token) write({ v, type: 'token', ...token } as never);
  session.listeners.add(write);
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
  heartbeat.unref();
  req.on('close', () => {
    clearInterval(heartbeat);
    session.listeners.delete(write);
  });
}

export interface RouteDeps {
  sessions: SessionTable;
  callbacks: CallbackRegistry;
  log: LpsLog;
}

/** One request of the API (shared/protocol/lps/index.ts lists them). */
export async function route(req: IncomingMessage, res: ServerResponse, deps: RouteDeps) {
  const { sessions, callbacks } = deps;
  const url = new URL(req.url ?? '/', 'https://lps.invalid');
  const method = req.method ?? 'GET';
  try {
    if (method === 'GET' && url.pathname === '/v1/psc/callback') {
      const known = callbacks.handle(req, res);
      if (!known) deps.log.warn('callback.unknown-state');
      return;
    }
    if (method === 'POST' && url.pathname === '/v1/sessions') {
      const request = await body(req, openSessionRequest);
      send(res, 201, { v, sessionId: sessions.open(request.secret).id });
      return;
    }
    const match = /^\/v1\/sessions\/([^/]+)(\/[a-z]+)?$/.exec(url.pathname);
    if (!match || !sessionIdSchema.safeParse(match[1]).success) {
      send(res, 404, { v, error: { code: 'E_LPS_REQUEST_INVALID', message: 'no such route' } });
      return;
    }
    const session = bound(req, match[1]!, sessions);
    await sessionRoute(req, res, `${method} ${match[2] ?? ''}`, session, deps);
  } catch (error) {
    if (!res.headersSent) fail(res, error);
    else res.destroy();
  }
}

async function sessionRoute(
  req: IncomingMessage,
  res: ServerResponse,
  what: string,
  session: ServerSession,
  deps: RouteDeps,
): Promise<void> {
  switch (what) {
    case 'GET ':
      return send(res, 200, { v, facts: wire(session.psc.facts) });
    case 'GET /events':
      return events(req, res, session);
    case 'GET /token': {
      const token = session.token;
      if (!token) throw new MssanteError('E_PSC_NOT_SIGNED_IN');
      return send(res, 200, { v, ...token });
    }
    case 'POST /refresh': {
      await session.psc.refresh();
      const token = session.token;
      if (!token) throw new MssanteError('E_PSC_NOT_SIGNED_IN');
      return send(res, 200, { v, ...token });
    }
    case 'POST /activity':
      session.psc.touch();
      return send(res, 200, { v });
    case 'POST /login': {
      const request = await body(req, loginRequest);
      deps.log.info('session.login', { session: shortId(session.id), method: request.method });
      if (request.method === 'browser') {
        const start = await session.psc.beginBrowserLogin();
        start.completion.catch(() => undefined); // told through the events
        return send(res, 200, { v, url: start.url });
      }
      const start = await session.psc.beginCiba(request.nationalId, request.bindingMessage);
      start.completion.catch(() => undefined);
      return send(res, 200, { v, expiresIn: start.expiresIn });
    }
    case 'DELETE ':
      deps.sessions.close(session.id);
      return send(res, 200, { v });
    default:
      send(res, 404, { v, error: { code: 'E_LPS_REQUEST_INVALID', message: 'no such route' } });
  }
}
