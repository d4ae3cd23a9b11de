import type { Params, Result } from '../../shared/protocol/index';
import { queryJournal } from '../audit/journal-query';
import type { HostContext } from './context';
import { appOf } from './psc';

/** The journal viewer's page of entries (ECO.4.1.1, 4.1.2), read from the host's journal. */
export async function handleAuditQuery(
  params: Params<'audit.query'>,
  ctx: HostContext,
): Promise<Result<'audit.query'>> {
  return queryJournal((await appOf(ctx)).audit.dir, params);
}
