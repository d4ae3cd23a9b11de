import { MssanteError } from '../../../shared/errors/mssante-error';
import {
  makePanelRequest,
  panelDeadline,
  type PanelMessageType,
  type PanelParams,
  type PanelResult,
  type PanelView,
  parsePanelMessage,
} from '../../../shared/protocol/compose-panel/index';
import type { PanelPort } from '../../background/compose/port';
import { PendingRequests, type Timers } from '../../background/pending-requests';

export interface PanelClientDeps {
  readonly timers: Timers;
  readonly newId: () => string;
  /** A view the background pushed (the compose window changed). */
  readonly onView: (view: PanelView) => void;
  /** What no pending request can carry: a message that breaks the protocol, a stray refusal. */
  readonly onProblem: (error: MssanteError) => void;
}

/**
 * The panel's end of the compose panel port: typed requests, each with its message type's
 * deadline (E_COMPOSE_PANEL_TIMEOUT; a reply that comes later is dropped), replies and pushed
 * views validated against the protocol, everything pending rejected when the port closes.
 */
export class PanelClient {
  private readonly pending: PendingRequests;
  private closed: MssanteError | null = null;

  constructor(
    private readonly port: PanelPort,
    private readonly deps: PanelClientDeps,
  ) {
    this.pending = new PendingRequests(deps.timers);
    port.onMessage.addListener((message) => this.receive(message));
    port.onDisconnect.addListener(() =>
      this.close(new MssanteError('E_COMPOSE_PANEL_DISCONNECTED')),
    );
  }

  request<T extends PanelMessageType>(
    type: T,
    params: PanelParams<T>,
    timeoutMs = panelDeadline(type),
  ): Promise<PanelResult<T>> {
    if (this.closed) return Promise.reject(this.closed);
    const id = this.deps.newId();
    return this.pending.wait<PanelResult<T>>(
      id,
      timeoutMs,
      () => this.port.postMessage(makePanelRequest(type, id, params)),
      () =>
        new MssanteError('E_COMPOSE_PANEL_TIMEOUT', { detail: `${type} after ${timeoutMs} ms` }),
      (cause) => new MssanteError('E_COMPOSE_PANEL_DISCONNECTED', { cause }),
    );
  }

  private close(reason: MssanteError): void {
    if (this.closed) return;
    this.closed = reason;
    this.pending.rejectAll(reason);
  }

  private receive(message: unknown): void {
    let parsed;
    try {
      parsed = parsePanelMessage(message);
    } catch (error) {
      const coded =
        error instanceof MssanteError ? error : new MssanteError('E_COMPOSE_PANEL_INVALID');
      // A broken reply still fails its own request rather than waiting for the deadline.
      const id = (message as { id?: unknown } | null)?.id;
      const entry = typeof id === 'string' ? this.pending.settle(id) : undefined;
      if (entry) entry.reject(coded);
      else this.deps.onProblem(coded);
      return;
    }
    if (parsed.kind === 'event') return this.deps.onView(parsed.event.data);
    const reply = parsed.reply;
    const entry = reply.id === null ? undefined : this.pending.settle(reply.id);
    if (entry) {
      if (reply.ok) entry.resolve(reply.result);
      else entry.reject(MssanteError.fromWire(reply.error));
    } else if (!reply.ok && reply.id === null) {
      this.deps.onProblem(MssanteError.fromWire(reply.error));
    }
    // Otherwise a late reply: its request already failed with E_COMPOSE_PANEL_TIMEOUT.
  }
}
