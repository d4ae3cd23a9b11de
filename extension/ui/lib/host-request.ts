import { MssanteError, type WireError } from '../../../shared/errors/mssante-error';
import type { MessageType, Params, Result } from '../../../shared/protocol/index';

type Reply<T> = { ok: true; result: T } | { ok: false; error: WireError };

/**
 * A request to the native host from an add-on page, through the background (which validates it
 * and owns the native port). A refusal comes back as the MssanteError the host or background
 * gave, with its sentence in the user's language.
 */
export async function hostRequest<T extends MessageType>(
  type: T,
  params: Params<T>,
): Promise<Result<T>> {
  const reply = (await browser.runtime.sendMessage({ kind: 'host', type, params })) as Reply<
    Result<T>
  >;
  if (!reply.ok) throw MssanteError.fromWire(reply.error);
  return reply.result;
}
