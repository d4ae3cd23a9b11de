import { MssanteError } from '../../shared/errors/mssante-error';
import type { Params, Result } from '../../shared/protocol/index';
import type { HostApp } from '../service/host-app';
import type { HostContext } from './context';

export function appOf(ctx: HostContext): Promise<HostApp> {
  if (!ctx.app) throw new MssanteError('E_CONFIG_MISSING');
  return ctx.app();
}

export async function handlePscStatus(
  _params: Params<'psc.status'>,
  ctx: HostContext,
): Promise<Result<'psc.status'>> {
  return (await appOf(ctx)).pscFacts();
}

export async function handlePscLogin(
  params: Params<'psc.login'>,
  ctx: HostContext,
): Promise<Result<'psc.login'>> {
  return (await appOf(ctx)).login(params);
}

export async function handlePscLogout(
  _params: Params<'psc.logout'>,
  ctx: HostContext,
): Promise<Result<'psc.logout'>> {
  return (await appOf(ctx)).logout();
}
