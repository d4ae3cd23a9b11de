import type { ErrorCode } from '../errors/codes';
import { MssanteError } from '../errors/mssante-error';
import {
  eventEnvelope,
  PROTOCOL_MIN_VERSION,
  PROTOCOL_VERSION,
  requestEnvelope,
  responseEnvelope,
} from './envelope';
import {
  EVENTS,
  type EventName,
  type HostEvent,
  MESSAGES,
  type MessageType,
  type Params,
  type Request,
  type Response,
} from './registry';
import type * as z from './zod';

export { PROTOCOL_MIN_VERSION, PROTOCOL_VERSION } from './envelope';
// MESSAGES, EVENTS and the types derived from them.
export * from './registry';
// In their own module so the host answers `hello` without building every message's schemas.
export { idOf, makeError, makeResult } from './replies';

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
