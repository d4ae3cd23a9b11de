import type { Locale } from '../../../shared/errors/codes';
import { toMssanteError } from '../../../shared/errors/mssante-error';
import {
  makePanelError,
  makePanelResult,
  panelRequestIdOf,
  type PanelRequest,
  parsePanelRequest,
} from '../../../shared/protocol/compose-panel/index';

export { COMPOSE_PANEL_PORT } from '../../../shared/protocol/compose-panel/index';

/** The part of runtime.Port either end of the panel port uses (so unit tests can hand it a fake). */
export interface PanelPort {
  postMessage(message: unknown): void;
  onMessage: { addListener(listener: (message: unknown) => void): void };
  onDisconnect: { addListener(listener: () => void): void };
}

export interface PanelServerOptions {
  readonly locale: Locale;
  /** Answers a validated request with its result (throws a coded error to refuse it). */
  readonly handle: (request: PanelRequest) => Promise<unknown>;
  readonly onDisconnect?: () => void;
}

/**
 * The background's end of one compose panel port: every message is validated against the panel
 * protocol; each gets exactly one reply, its result or a coded error (an invalid message, an
 * unknown type or version, a failed action), never an exception left to the runtime.
 */
export function servePanelPort(port: PanelPort, options: PanelServerOptions): void {
  port.onMessage.addListener((raw) => void answer(port, raw, options));
  port.onDisconnect.addListener(() => options.onDisconnect?.());
}

async function answer(port: PanelPort, raw: unknown, options: PanelServerOptions): Promise<void> {
  let reply;
  try {
    const request = parsePanelRequest(raw);
    const result = await options.handle(request);
    reply = makePanelResult(request.type, request.id, result as never);
  } catch (error) {
    const { id, type } = panelRequestIdOf(raw);
    reply = makePanelError(id, type, toMssanteError(error).toWire(options.locale));
  }
  try {
    port.postMessage(reply);
  } catch {
    // The panel closed while its request ran: nobody is left to answer.
  }
}
