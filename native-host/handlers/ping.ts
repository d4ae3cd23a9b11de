import type { Params, Result } from '../../shared/protocol/index';

export async function handlePing(params: Params<'ping'>): Promise<Result<'ping'>> {
  return { payload: params.payload };
}
