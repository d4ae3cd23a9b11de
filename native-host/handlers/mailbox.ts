import type { Params, Result } from '../../shared/protocol/index';
import type { HostContext } from './context';
import { appOf } from './psc';

export async function handleMailboxList(
  _params: Params<'mailbox.list'>,
  ctx: HostContext,
): Promise<Result<'mailbox.list'>> {
  return (await appOf(ctx)).list();
}

export async function handleMailboxAdd(
  params: Params<'mailbox.add'>,
  ctx: HostContext,
): Promise<Result<'mailbox.add'>> {
  return (await appOf(ctx)).add(params);
}

export async function handleMailboxRemove(
  params: Params<'mailbox.remove'>,
  ctx: HostContext,
): Promise<Result<'mailbox.remove'>> {
  return (await appOf(ctx)).remove(params.address);
}

export async function handleMailboxTest(
  params: Params<'mailbox.test'>,
  ctx: HostContext,
): Promise<Result<'mailbox.test'>> {
  return (await appOf(ctx)).test(params.address);
}
