import type { ErrorCode } from '../../errors/codes';
import { MssanteError, type WireError } from '../../errors/mssante-error';
import type * as z from '../zod';
import {
  COMPOSE_PANEL_VERSION,
  panelEventEnvelope,
  panelReplyEnvelope,
  panelRequestEnvelope,
} from './envelope';
import { panelAttach } from './messages/panel';
import { patientAdd, patientConfirmNir, patientResolveConflict } from './messages/patients';
import { pdfAttachEmbedded, pdfAttachPdfA, pdfRename } from './messages/pdf';
import { receiptsSaveDefaults, receiptsToggle } from './messages/receipts';
import { senderFixLabel, senderSetAppContact, senderSetNil } from './messages/sender';
import { panelView } from './view';

export { COMPOSE_PANEL_PORT, COMPOSE_PANEL_VERSION } from './envelope';

/** Every message the panel sends, by type; each has its params, result and deadline. */
export const PANEL_MESSAGES = {
  'panel.attach': panelAttach,
  'receipts.toggle': receiptsToggle,
  'receipts.saveDefaults': receiptsSaveDefaults,
  'patient.add': patientAdd,
  'patient.confirmNir': patientConfirmNir,
  'patient.resolveConflict': patientResolveConflict,
  'pdf.rename': pdfRename,
  'pdf.attachEmbedded': pdfAttachEmbedded,
  'pdf.attachPdfA': pdfAttachPdfA,
  'sender.fixLabel': senderFixLabel,
  'sender.setNil': senderSetNil,
  'sender.setAppContact': senderSetAppContact,
} as const;

export type PanelMessageType = keyof typeof PANEL_MESSAGES;
export type PanelParams<T extends PanelMessageType> = z.infer<(typeof PANEL_MESSAGES)[T]['params']>;
export type PanelResult<T extends PanelMessageType> = z.infer<(typeof PANEL_MESSAGES)[T]['result']>;
export type PanelView = z.infer<typeof panelView>;
export type Toggles = NonNullable<PanelView['toggles']>;

export type PanelRequest<T extends PanelMessageType = PanelMessageType> = {
  [K in T]: { v: number; id: string; type: K; params: PanelParams<K> };
}[T];

export type PanelReply<T extends PanelMessageType = PanelMessageType> =
  | { v: typeof COMPOSE_PANEL_VERSION; id: string; type: T; ok: true; result: PanelResult<T> }
  | {
      v: typeof COMPOSE_PANEL_VERSION;
      id: string | null;
      type: T | null;
      ok: false;
      error: WireError;
    };

export type PanelEvent = { v: typeof COMPOSE_PANEL_VERSION; event: 'view'; data: PanelView };

export function isPanelMessageType(type: string): type is PanelMessageType {
  return Object.hasOwn(PANEL_MESSAGES, type);
}

/** How long the panel waits for the answer to a message of this type. */
export function panelDeadline(type: PanelMessageType): number {
  return PANEL_MESSAGES[type].deadlineMs;
}

export function makePanelRequest<T extends PanelMessageType>(
  type: T,
  id: string,
  params: PanelParams<T>,
): PanelRequest<T> {
  return { v: COMPOSE_PANEL_VERSION, id, type, params } as PanelRequest<T>;
}

export function makePanelResult<T extends PanelMessageType>(
  type: T,
  id: string,
  result: PanelResult<T>,
): PanelReply<T> {
  return { v: COMPOSE_PANEL_VERSION, id, type, ok: true, result };
}

export function makePanelError(id: string | null, type: string | null, error: WireError) {
  return {
    v: COMPOSE_PANEL_VERSION,
    id,
    type: type !== null && isPanelMessageType(type) ? type : null,
    ok: false,
    error,
  } satisfies PanelReply;
}

export function makePanelEvent(view: PanelView): PanelEvent {
  return { v: COMPOSE_PANEL_VERSION, event: 'view', data: view };
}

/** The id and type of something that may be a request, for the error reply that refuses it. */
export function panelRequestIdOf(raw: unknown): { id: string | null; type: string | null } {
  const r = raw as { id?: unknown; type?: unknown } | null;
  const id = panelRequestEnvelope.shape.id.safeParse(r?.id);
  const type = panelRequestEnvelope.shape.type.safeParse(r?.type);
  return { id: id.success ? id.data : null, type: type.success ? type.data : null };
}

function fail(code: ErrorCode, detail: string): never {
  throw new MssanteError(code, { detail });
}

function summarize(error: z.core.$ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid';
}

/** Background side: a panel message, fully validated (envelope, version, type, params). */
export function parsePanelRequest(raw: unknown): PanelRequest {
  const envelope = panelRequestEnvelope.safeParse(raw);
  if (!envelope.success) fail('E_COMPOSE_PANEL_INVALID', summarize(envelope.error));
  const { v, type } = envelope.data;
  if (v !== COMPOSE_PANEL_VERSION)
    fail('E_COMPOSE_PANEL_VERSION', `got ${v}, speak ${COMPOSE_PANEL_VERSION}`);
  if (!isPanelMessageType(type)) fail('E_COMPOSE_PANEL_UNKNOWN_TYPE', type);
  const params = PANEL_MESSAGES[type].params.safeParse((raw as { params?: unknown }).params);
  if (!params.success) fail('E_COMPOSE_PANEL_INVALID', `${type}: ${summarize(params.error)}`);
  return { ...envelope.data, type, params: params.data } as PanelRequest;
}

/**
 * Panel side: a reply (its result validated against its type's schema) or a pushed view. A
 * message that is neither, or whose content breaks the protocol, throws a coded error.
 */
export function parsePanelMessage(
  raw: unknown,
): { kind: 'event'; event: PanelEvent } | { kind: 'reply'; reply: PanelReply } {
  if (typeof raw === 'object' && raw !== null && 'event' in raw) {
    const envelope = panelEventEnvelope.safeParse(raw);
    if (!envelope.success) fail(versionOr(raw), summarize(envelope.error));
    const view = panelView.safeParse(envelope.data.data);
    if (!view.success) fail('E_COMPOSE_PANEL_INVALID', `view: ${summarize(view.error)}`);
    return { kind: 'event', event: { ...envelope.data, data: view.data } };
  }
  const envelope = panelReplyEnvelope.safeParse(raw);
  if (!envelope.success) fail(versionOr(raw), summarize(envelope.error));
  const reply = envelope.data;
  if (!reply.ok) return { kind: 'reply', reply: reply as PanelReply };
  if (!isPanelMessageType(reply.type)) fail('E_COMPOSE_PANEL_UNKNOWN_TYPE', reply.type);
  const result = PANEL_MESSAGES[reply.type].result.safeParse(reply.result);
  if (!result.success) fail('E_COMPOSE_PANEL_INVALID', `${reply.type}: ${summarize(result.error)}`);
  return { kind: 'reply', reply: { ...reply, type: reply.type, result: result.data } };
}

/** E_COMPOSE_PANEL_VERSION when the message names another version, else E_COMPOSE_PANEL_INVALID. */
function versionOr(raw: unknown): ErrorCode {
  const v = (raw as { v?: unknown }).v;
  return typeof v === 'number' && v !== COMPOSE_PANEL_VERSION
    ? 'E_COMPOSE_PANEL_VERSION'
    : 'E_COMPOSE_PANEL_INVALID';
}
