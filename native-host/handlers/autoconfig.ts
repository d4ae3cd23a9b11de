import type { Params, Result } from '../../shared/protocol/index';
import type { HostContext } from './context';
import { appOf } from './psc';

export async function handleAutoconfigLookup(
  params: Params<'autoconfig.lookup'>,
  ctx: HostContext,
): Promise<Result<'autoconfig.lookup'>> {
  return (await appOf(ctx)).autoconfig(params.address, params.type);
}
