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

export type Handler<T extends MessageType> = (
  params: Params<T>,
  ctx: HostContext,
) => Promise<Result<T>>;

/**
 * A handler whose module, and the libraries behind it (the Annuaire's LDAP client and SQLite, the
 * journal reader, the report), loads on first use: `host serve` answers `hello` without them.
 */
function lazy<K extends MessageType>(load: () => Promise<Handler<K>>): Handler<K> {
  return async (params, ctx) => (await load())(params, ctx);
}

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
  'audit.query': lazy(() => import('./audit').then((m) => m.handleAuditQuery)),
  'conformance.report': lazy(() => import('./conformance').then((m) => m.handleConformanceReport)),
  'annuaire.autocomplete': lazy(() =>
    import('./annuaire').then((m) => m.handleAnnuaireAutocomplete),
  ),
  'annuaire.search': lazy(() => import('./annuaire').then((m) => m.handleAnnuaireSearch)),
  'annuaire.import': lazy(() => import('./annuaire').then((m) => m.handleAnnuaireImport)),
  'annuaire.status': lazy(() => import('./annuaire').then((m) => m.handleAnnuaireStatus)),
};
