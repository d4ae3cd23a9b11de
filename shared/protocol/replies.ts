import type { WireError } from '../errors/mssante-error';
import { PROTOCOL_VERSION, requestEnvelope } from './envelope';
import type { MessageType, Response, Result } from './registry';

// Replies' shapes, apart from index.ts: importing a value from index.ts builds every message's
// schemas, and the host's `hello` path needs only these (native-host/server.ts). Their types come
// from registry.ts, type-only.

export function makeResult<T extends MessageType>(
  type: T,
  id: string,
  result: Result<T>,
): Response<T> {
  return { v: PROTOCOL_VERSION, id, type, ok: true, result };
}

export function makeError(id: string | null, type: string | null, error: WireError): Response {
  return { v: PROTOCOL_VERSION, id, type: type as MessageType | null, ok: false, error };
}

/** The id of something that may be a request, for error replies to messages we refuse. */
export function idOf(raw: unknown): string | null {
  const parsed = requestEnvelope.shape.id.safeParse((raw as { id?: unknown } | null)?.id);
  return parsed.success ? parsed.data : null;
}
