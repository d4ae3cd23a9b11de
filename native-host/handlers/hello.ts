import { PROTOCOL_MIN_VERSION, PROTOCOL_VERSION } from '../../shared/protocol/envelope';
import type { Params, Result } from '../../shared/protocol/index';
import { HOST_PRODUCT } from '../../shared/protocol/names';
import { HOST_VERSION } from '../version';
import type { HostContext } from './context';

/** Capabilities the extension may rely on; later issues add `psc`, `bridge`, `annuaire`… */
export const CAPABILITIES = ['status', 'ping', 'psc', 'mailbox'] as const;

export async function handleHello(
  params: Params<'hello'>,
  ctx: HostContext,
): Promise<Result<'hello'>> {
  ctx.log.info('hello', { client: params.client.name, clientVersion: params.client.version });
  // Load the PSC session and bridges once the handshake is answered (configured mailboxes come back).
  setImmediate(() => void ctx.app?.().catch(() => undefined));
  return {
    host: { name: HOST_PRODUCT, version: HOST_VERSION },
    protocol: { version: PROTOCOL_VERSION, min: PROTOCOL_MIN_VERSION },
    capabilities: [...CAPABILITIES],
  };
}
