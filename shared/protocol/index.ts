import type { ErrorCode } from '../errors/codes';
import { MssanteError, type WireError } from '../errors/mssante-error';
import {
  eventEnvelope,
  PROTOCOL_MIN_VERSION,
  PROTOCOL_VERSION,
  requestEnvelope,
  responseEnvelope,
  wireError,
} from './envelope';
import { hello } from './messages/hello';
import { ping } from './messages/ping';
import { status } from './messages/status';
import { mailboxAdd, mailboxList, mailboxRemove, mailboxTest } from './messages/mailbox';
import { pscFacts, pscLogin, pscLogout, pscStatus } from './messages/psc';
import { autoconfigLookup } from './messages/autoconfig';
import { auditQuery } from './messages/audit';
import { conformanceReport } from './messages/conformance';
import {
  annuaireAutocomplete,
  annuaireImport,
  annuaireProgress,
  annuaireSearch,
  annuaireStatus,
} from './messages/annuaire';
import type * as z from './zod';

export { PROTOCOL_MIN_VERSION, PROTOCOL_VERSION } from './envelope';
// In their own module so the host answers `hello` without building every message's schemas.
export { idOf, makeError, makeResult } from './replies';

/** Every message type, one file each under messages/. */
export const MESSAGES = {
  hello,
  status,
  ping,
  'psc.status': pscStatus,
  'psc.login': pscLogin,
  'psc.logout': pscLogout,
  'mailbox.list': mailboxList,
  'mailbox.add': mailboxAdd,
  'mailbox.remove': mailboxRemove,
  'mailbox.test': mailboxTest,
  'autoconfig.lookup': autoconfigLookup,
  'audit.query': auditQuery,
  'conformance.report': conformanceReport,
  'annuaire.autocomplete': annuaireAutocomplete,
  'annuaire.search': annuaireSearch,
  'annuaire.import': annuaireImport,
  'annuaire.status': annuaireStatus,
} as const;

/** Events the host pushes (see envelope.ts), with their data schemas. */
export const EVENTS = {
  psc: pscFacts,
  notice: wireError,
  'annuaire-progress': annuaireProgress,
} as const;
export type EventName = keyof typeof EVENTS;
export type HostEvent = {
  [K in EventName]: { v: typeof PROTOCOL_VERSION; event: K; data: z.infer<(typeof EVENTS)[K]> };
}[EventName];

export function makeEvent<K extends EventName>(
  event: K,
  data: z.infer<(typeof EVENTS)[K]>,
): HostEvent {
  return { v: PROTOCOL_VERSION, event, data } as HostEvent;
}

/** Extension side: an event, validated, or null when the message is not an event. */
export function parseEvent(raw: unknown): HostEvent | null {
  if (typeof raw !== 'object' || raw === null || !('event' in raw)) return null;
  const envelope = eventEnvelope.safeParse(raw);
  if (!envelope.success) fail('E_PROTOCOL_INVALID', summarize(envelope.error));
  const data = EVENTS[envelope.data.event].safeParse(envelope.data.data);
  if (!data.success) fail('E_PROTOCOL_INVALID', `${envelope.data.event}: ${summarize(data.error)}`);
  return { ...envelope.data, data: data.data } as HostEvent;
}

export type MessageType = keyof typeof MESSAGES;
export type Params<T extends MessageType> = z.infer<(typeof MESSAGES)[T]['params']>;
export type Result<T extends MessageType> = z.infer<(typeof MESSAGES)[T]['result']>;

export type Request<T extends MessageType = MessageType> = {
  [K in T]: { v: number; id: string; type: K; params: Params<K> };
}[T];

export type Response<T extends MessageType = MessageType> =
  | { v: typeof PROTOCOL_VERSION; id: string | null; type: T; ok: true; result: Result<T> }
  | { v: typeof PROTOCOL_VERSION; id: string | null; type: T | null; ok: false; error: WireError };

export function isMessageType(type: string): type is MessageType {
  return Object.hasOwn(MESSAGES, type);
}

export function makeRequest<T extends MessageType>(
  type: T,
  id: string,
  params: Params<T>,
): Request<T> {
  // Envelope fields first: the host reads the id of an oversized frame from its first bytes.
  return { v: PROTOCOL_VERSION, id, type, params } as Request<T>;
}

function fail(code: ErrorCode, detail: string): never {
  throw new MssanteError(code, { detail });
}

/** Host side: validate an incoming request fully (envelope, version, type, params). */
export function parseRequest(raw: unknown): Request {
  const envelope = requestEnvelope.safeParse(raw);
  if (!envelope.success) fail('E_PROTOCOL_INVALID', summarize(envelope.error));
  const { v, type } = envelope.data;
  if (v < PROTOCOL_MIN_VERSION || v > PROTOCOL_VERSION) {
    fail('E_PROTOCOL_VERSION', `got ${v}, speak ${PROTOCOL_MIN_VERSION}..${PROTOCOL_VERSION}`);
  }
  if (!isMessageType(type)) fail('E_PROTOCOL_UNKNOWN_TYPE', type.slice(0, 64));
  const params = MESSAGES[type].params.safeParse((raw as { params?: unknown }).params);
  if (!params.success) fail('E_PROTOCOL_INVALID', `${type}: ${summarize(params.error)}`);
  return { ...envelope.data, type, params: params.data } as Request;
}

/** Extension side: validate a reply, including its result against the type's schema. */
export function parseResponse(raw: unknown): Response {
  const envelope = responseEnvelope.safeParse(raw);
  if (!envelope.success) fail('E_PROTOCOL_INVALID', summarize(envelope.error));
  const response = envelope.data;
  if (!response.ok) return response as Response;
  if (!isMessageType(response.type)) fail('E_PROTOCOL_UNKNOWN_TYPE', response.type.slice(0, 64));
  const result = MESSAGES[response.type].result.safeParse(response.result);
  if (!result.success) fail('E_PROTOCOL_INVALID', `${response.type}: ${summarize(result.error)}`);
  return { ...response, type: response.type, result: result.data } as Response;
}

function summarize(error: z.core.$ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid';
}
