import type { ErrorCode } from '../../shared/errors/codes';
import { MssanteError } from '../../shared/errors/mssante-error';
import {
  PROTOCOL_MIN_VERSION,
  PROTOCOL_VERSION,
  requestEnvelope,
} from '../../shared/protocol/envelope';
import type { MESSAGES, MessageType, Request } from '../../shared/protocol/index';
import type * as z from '../../shared/protocol/zod';
// Every connection starts with hello: its schemas come with the host, not a chunk later.
import { hello } from '../../shared/protocol/messages/hello';

type Schemas = typeof MESSAGES;

/**
 * Where each message type's schemas live, loaded on the first request of that type. Building every
 * zod schema of the protocol at import time (results included, which the host never reads) cost
 * a sizeable part of the host's cold start; `hello` now builds only the envelope's and its own.
 * The mapped type makes a missing or mismatched entry a compile error, and
 * test/unit/native-host/parse-request.test.ts checks this map against MESSAGES type by type.
 */
const LOADERS: { [K in MessageType]: () => Promise<Schemas[K]> } = {
  hello: () => Promise.resolve(hello),
  status: () => import('../../shared/protocol/messages/status').then((m) => m.status),
  ping: () => import('../../shared/protocol/messages/ping').then((m) => m.ping),
  'psc.status': () => import('../../shared/protocol/messages/psc').then((m) => m.pscStatus),
  'psc.login': () => import('../../shared/protocol/messages/psc').then((m) => m.pscLogin),
  'psc.logout': () => import('../../shared/protocol/messages/psc').then((m) => m.pscLogout),
  'mailbox.list': () => import('../../shared/protocol/messages/mailbox').then((m) => m.mailboxList),
  'mailbox.add': () => import('../../shared/protocol/messages/mailbox').then((m) => m.mailboxAdd),
  'mailbox.remove': () =>
    import('../../shared/protocol/messages/mailbox').then((m) => m.mailboxRemove),
  'mailbox.test': () => import('../../shared/protocol/messages/mailbox').then((m) => m.mailboxTest),
  'autoconfig.lookup': () =>
    import('../../shared/protocol/messages/autoconfig').then((m) => m.autoconfigLookup),
  'audit.query': () => import('../../shared/protocol/messages/audit').then((m) => m.auditQuery),
  'conformance.report': () =>
    import('../../shared/protocol/messages/conformance').then((m) => m.conformanceReport),
  'annuaire.autocomplete': () =>
    import('../../shared/protocol/messages/annuaire').then((m) => m.annuaireAutocomplete),
  'annuaire.search': () =>
    import('../../shared/protocol/messages/annuaire').then((m) => m.annuaireSearch),
  'annuaire.import': () =>
    import('../../shared/protocol/messages/annuaire').then((m) => m.annuaireImport),
  'annuaire.status': () =>
    import('../../shared/protocol/messages/annuaire').then((m) => m.annuaireStatus),
};

/** The message types the host knows, from the same map (tests compare it with MESSAGES). */
export const HOST_MESSAGE_TYPES = Object.keys(LOADERS) as MessageType[];

/** The schemas of one message type, loaded on first use (for tests). */
export function loadMessageSchemas<K extends MessageType>(type: K): Promise<Schemas[K]> {
  return LOADERS[type]();
}

function fail(code: ErrorCode, detail: string): never {
  throw new MssanteError(code, { detail });
}

function summarize(error: z.core.$ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid';
}

/**
 * Host side: validate an incoming request fully (envelope, version, type, params), with the same
 * checks, order, codes and details as `parseRequest` in shared/protocol/index.ts, but building a
 * message type's schemas only when the first request of that type comes.
 */
export async function parseRequestLazily(raw: unknown): Promise<Request> {
  const envelope = requestEnvelope.safeParse(raw);
  if (!envelope.success) fail('E_PROTOCOL_INVALID', summarize(envelope.error));
  const { v, type } = envelope.data;
  if (v < PROTOCOL_MIN_VERSION || v > PROTOCOL_VERSION) {
    fail('E_PROTOCOL_VERSION', `got ${v}, speak ${PROTOCOL_MIN_VERSION}..${PROTOCOL_VERSION}`);
  }
  if (!Object.hasOwn(LOADERS, type)) fail('E_PROTOCOL_UNKNOWN_TYPE', type.slice(0, 64));
  const schemas = await LOADERS[type as MessageType]();
  const params = schemas.params.safeParse((raw as { params?: unknown }).params);
  if (!params.success) fail('E_PROTOCOL_INVALID', `${type}: ${summarize(params.error)}`);
  return { ...envelope.data, type, params: params.data } as Request;
}
