import type { Params, Result } from '../../shared/protocol/index';
import { AnnuaireService } from '../annuaire/annuaire-service';
import { stateDir } from '../state-dir';
import { annuaireServices } from './annuaire-registry';
import type { HostContext } from './context';

export function annuaireOf(ctx: HostContext): AnnuaireService {
  let service = annuaireServices.get(ctx) as AnnuaireService | undefined;
  if (!service) {
    service = new AnnuaireService({
      stateDir: stateDir(),
      log: ctx.log,
      notify: (event) => ctx.notify?.(event),
      ...(ctx.app ? { tls: async () => (await ctx.app!()).upstreamTls() } : {}),
    });
    annuaireServices.set(ctx, service);
  }
  return service;
}

export { closeAnnuaire } from './annuaire-registry';

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
