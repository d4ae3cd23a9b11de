import type { WireError } from '../errors/mssante-error';
import { type PROTOCOL_VERSION, wireError } from './envelope';
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

// The messages and events with their schemas, and the types derived from them: what index.ts
// (parsing, building) and replies.ts (the host's replies) both use, so neither imports the other.

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

export type MessageType = keyof typeof MESSAGES;
export type Params<T extends MessageType> = z.infer<(typeof MESSAGES)[T]['params']>;
export type Result<T extends MessageType> = z.infer<(typeof MESSAGES)[T]['result']>;

export type Request<T extends MessageType = MessageType> = {
  [K in T]: { v: number; id: string; type: K; params: Params<K> };
}[T];

export type Response<T extends MessageType = MessageType> =
  | { v: typeof PROTOCOL_VERSION; id: string | null; type: T; ok: true; result: Result<T> }
  | { v: typeof PROTOCOL_VERSION; id: string | null; type: T | null; ok: false; error: WireError };
