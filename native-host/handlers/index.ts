import { type MessageType, type Params, type Result } from '../../shared/protocol/index';
import { type HostContext } from './context';
import { handleHello } from './hello';
import { handlePing } from './ping';
import { handleStatus } from './status';

export type Handler<T extends MessageType> = (
  params: Params<T>,
  ctx: HostContext,
) => Promise<Result<T>>;

/** One handler per message type; the mapped type makes a missing handler a compile error. */
export const HANDLERS: { [K in MessageType]: Handler<K> } = {
  hello: handleHello,
  status: handleStatus,
  ping: handlePing,
};
