import type { Params, Result } from '../../shared/protocol/index';
import type { HostContext } from './context';

export async function handleStatus(
  _params: Params<'status'>,
  ctx: HostContext,
): Promise<Result<'status'>> {
  return {
    state: 'ready',
    pid: process.pid,
    uptimeMs: ctx.now() - ctx.startedAt,
    node: process.version,
    requestsServed: ctx.counters.requestsServed,
    frameErrors: ctx.counters.frameErrors,
  };
}
