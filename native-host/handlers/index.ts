import type { MessageType, Params, Result } from '../../shared/protocol/index';
import type { HostContext } from './context';
import { handleHello } from './hello';
import { handlePing } from './ping';
import { handleStatus } from './status';
import {
  handleMailboxAdd,
  handleMailboxList,
  handleMailboxRemove,
  handleMailboxTest,
} from './mailbox';
import { handlePscLogin, handlePscLogout, handlePscStatus } from './psc';
import { handleAutoconfigLookup } from './autoconfig';
import { handleAuditQuery } from './audit';
import { handleConformanceReport } from './conformance';
import {
  handleAnnuaireAutocomplete,
  handleAnnuaireImport,
  handleAnnuaireSearch,
  handleAnnuaireStatus,
} from './annuaire';

export type Handler<T extends MessageType> = (
  params: Params<T>,
  ctx: HostContext,
) => Promise<Result<T>>;

/** One handler per message type; the mapped type makes a missing handler a compile error. */
export const HANDLERS: { [K in MessageType]: Handler<K> } = {
  hello: handleHello,
  status: handleStatus,
  ping: handlePing,
  'psc.status': handlePscStatus,
  'psc.login': handlePscLogin,
  'psc.logout': handlePscLogout,
  'mailbox.list': handleMailboxList,
  'mailbox.add': handleMailboxAdd,
  'mailbox.remove': handleMailboxRemove,
  'mailbox.test': handleMailboxTest,
  'autoconfig.lookup': handleAutoconfigLookup,
  'audit.query': handleAuditQuery,
  'conformance.report': handleConformanceReport,
  'annuaire.autocomplete': handleAnnuaireAutocomplete,
  'annuaire.search': handleAnnuaireSearch,
  'annuaire.import': handleAnnuaireImport,
  'annuaire.status': handleAnnuaireStatus,
};
