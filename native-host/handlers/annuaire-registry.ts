import type { HostContext } from './context';

/**
 * The Annuaire service of each served port (made on first use by handlers/annuaire.ts). Kept in
 * this module, which loads nothing, so `host serve` can close it on exit without loading the
 * Annuaire (LDAP client, SQLite) at start.
 */
export const annuaireServices = new WeakMap<HostContext, { close(): Promise<void> }>();

/** Closes the port's Annuaire service (LDAP connection, offline index, running import). */
export async function closeAnnuaire(ctx: HostContext): Promise<void> {
  await annuaireServices.get(ctx)?.close();
  annuaireServices.delete(ctx);
}
