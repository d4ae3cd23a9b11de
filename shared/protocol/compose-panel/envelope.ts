import * as z from '../zod';
import { requestId, wireError } from '../envelope';

/**
 * Protocol between the compose panel (extension/ui/compose-panel) and the background
 * (extension/background/compose), over the runtime port named COMPOSE_PANEL_PORT. Versioned on
 * its own: bump COMPOSE_PANEL_VERSION on any incompatible change; either end refuses other
 * versions with E_COMPOSE_PANEL_VERSION.
 */
export const COMPOSE_PANEL_VERSION = 1;

/** The name of the runtime port the panel opens. */
export const COMPOSE_PANEL_PORT = 'compose-panel';

export const panelRequestEnvelope = z.object({
  v: z.int(),
  id: requestId,
  type: z.string().check(z.minLength(1), z.maxLength(64)),
});

export const panelReplyEnvelope = z.discriminatedUnion('ok', [
  z.object({
    v: z.literal(COMPOSE_PANEL_VERSION),
    id: requestId,
    type: z.string(),
    ok: z.literal(true),
    result: z.unknown(),
  }),
  z.object({
    v: z.literal(COMPOSE_PANEL_VERSION),
    id: z.nullable(requestId),
    type: z.nullable(z.string()),
    ok: z.literal(false),
    error: wireError,
  }),
]);

/** Pushed by the background without a request: `view` (the compose window changed). */
export const panelEventEnvelope = z.object({
  v: z.literal(COMPOSE_PANEL_VERSION),
  event: z.enum(['view']),
  data: z.unknown(),
});
