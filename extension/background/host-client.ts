import { MssanteError, type WireError } from '../../shared/errors/mssante-error';
import {
  type MessageType,
  type Params,
  type Result,
  makeRequest,
  parseEvent,
  parseResponse,
  type HostEvent,
} from '../../shared/protocol/index';
import { requestDeadlineMs } from '../../shared/protocol/deadlines';
import { PendingRequests, type Timers } from './pending-requests';

/** The part of runtime.Port the client uses (so unit tests can hand it a fake). */
export interface PortLike {
  postMessage(message: unknown): void;
  disconnect(): void;
  onMessage: { addListener(listener: (message: unknown) => void): void };
  onDisconnect: { addListener(listener: (port: PortLike) => void): void };
  error?: { message?: string } | null;
}

/**
 * The one typed client of the native host over one port: requests with deadlines, replies
 * validated against the protocol, everything pending rejected when the port closes.
 */
export class HostClient {
  private readonly pending: PendingRequests;
  private closed: MssanteError | null = null;

  constructor(
    private readonly port: PortLike,
    private readonly deps: {
      timers: Timers;
      newId: () => string;
      onClose: (reason: MssanteError) => void;
      /** A reply that matches no request (e.g. a refused frame whose id could not be read). */
      onStray?: (error: WireError) => void;
      /** Something the host pushed without a request (PSC session facts, notices). */
      onEvent?: (event: HostEvent) => void;
    },
  ) {
    this.pending = new PendingRequests(deps.timers);
    port.onMessage.addListener((message) => this.receive(message));
    port.onDisconnect.addListener((p) => {
      const detail = p.error?.message ?? this.port.error?.message ?? undefined;
      const code =
        detail && /no such native application/i.test(detail)
          ? 'E_HOST_NOT_FOUND'
          : 'E_HOST_DISCONNECTED';
      this.close(new MssanteError(code, detail ? { detail } : {}));
    });
  }

  get isOpen(): boolean {
    return this.closed === null;
  }

  request<T extends MessageType>(
    type: T,
    params: Params<T>,
    timeoutMs = requestDeadlineMs(type),
  ): Promise<Result<T>> {
    if (this.closed) return Promise.reject(this.closed);
    const id = this.deps.newId();
    return this.pending.wait<Result<T>>(
      id,
      timeoutMs,
      () => this.port.postMessage(makeRequest(type, id, params)),
      () => new MssanteError('E_HOST_TIMEOUT', { detail: `${type} after ${timeoutMs} ms` }),
      (cause) => new MssanteError('E_HOST_DISCONNECTED', { cause }),
    );
  }

  /** Closes the port and rejects what is pending with `reason`. */
  close(reason: MssanteError = new MssanteError('E_HOST_DISCONNECTED')): void {
    if (this.closed) return;
    this.closed = reason;
    this.pending.rejectAll(reason);
    try {
      this.port.disconnect();
    } catch {
      // Already disconnected by the other side.
    }
    this.deps.onClose(reason);
  }

  private receive(message: unknown): void {
    let response;
    try {
      const event = parseEvent(message);
      if (event) {
        this.deps.onEvent?.(event);
        return;
      }
      response = parseResponse(message);
    } catch (error) {
      // A host that breaks the protocol is not to be trusted with the next requests either.
      this.close(error instanceof MssanteError ? error : new MssanteError('E_PROTOCOL_INVALID'));
      return;
    }
    const entry = response.id === null ? undefined : this.pending.settle(response.id);
    if (!entry) {
      if (!response.ok) this.deps.onStray?.(response.error);
      return;
    }
    if (response.ok) entry.resolve(response.result);
    else entry.reject(MssanteError.fromWire(response.error));
  }
}
