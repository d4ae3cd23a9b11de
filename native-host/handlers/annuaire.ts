import type { Params, Result } from '../../shared/protocol/index';
import { AnnuaireService } from '../annuaire/annuaire-service';
import { stateDir } from '../state-dir';
import type { HostContext } from './context';

/** One Annuaire service per served port, made on first use. */
const services = new WeakMap<HostContext, AnnuaireService>();

export function annuaireOf(ctx: HostContext): AnnuaireService {
  let service = services.get(ctx);
  if (!service) {
    service = new AnnuaireService({
      stateDir: stateDir(),
      log: ctx.log,
      notify: (event) => ctx.notify?.(event),
      ...(ctx.app ? { tls: async () => (await ctx.app!()).upstreamTls() } : {}),
    });
    services.set(ctx, service);
  }
  return service;
}

/** Closes the port's Annuaire service (LDAP connection, offline index, running import). */
export async function closeAnnuaire(ctx: HostContext): Promise<void> {
  await services.get(ctx)?.close();
  services.delete(ctx);
}

export function handleAnnuaireAutocomplete(
  params: Params<'annuaire.autocomplete'>,
  ctx: HostContext,
): Promise<Result<'annuaire.autocomplete'>> {
  return annuaireOf(ctx).autocomplete(params);
}

export function handleAnnuaireSearch(
  params: Params<'annuaire.search'>,
  ctx: HostContext,
): Promise<Result<'annuaire.search'>> {
  return annuaireOf(ctx).search(params);
}

export async function handleAnnuaireImport(
  params: Params<'annuaire.import'>,
  ctx: HostContext,
): Promise<Result<'annuaire.import'>> {
  return annuaireOf(ctx).startImport(params);
}

export async function handleAnnuaireStatus(
  _params: Params<'annuaire.status'>,
  ctx: HostContext,
): Promise<Result<'annuaire.status'>> {
  return annuaireOf(ctx).status();
}
