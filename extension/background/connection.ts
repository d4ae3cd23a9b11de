import { MssanteError, type WireError } from '../../shared/errors/mssante-error';
import { type HostEvent, type Result, PROTOCOL_VERSION } from '../../shared/protocol/index';
import { HostClient, type PortLike } from './host-client';
import type { Timers } from './pending-requests';

export type HostStatus = 'connecting' | 'connected' | 'disconnected';

/** What the UI shows about the native host. Serializable: it is sent to pages as is. */
export interface HostState {
  status: HostStatus;
  since: number;
  attempts: number;
  host?: Result<'hello'>['host'];
  protocol?: Result<'hello'>['protocol'];
  capabilities?: string[];
  reason?: WireError;
  retryAt?: number;
}

/** Reconnection delays after consecutive failures; the last one repeats. */
export const BACKOFF_MS = [500, 1_000, 2_000, 4_000, 8_000, 15_000, 30_000] as const;

export interface ConnectionDeps {
  connectNative: () => PortLike;
  timers: Timers;
  now: () => number;
  newId: () => string;
  client: { name: string; version: string };
  locale: 'fr' | 'en';
  /** Events the host pushes (PSC session facts, notices). */
  onEvent?: (event: HostEvent) => void;
}

/**
 * Keeps one live, handshaken port to the native host: connect, `hello`, and on any loss
 * reconnect with backoff. State changes are pushed to listeners (the popup, later the UI).
 */
export class HostConnection {
  private client: HostClient | null = null;
  private retryTimer: unknown = null;
  private listeners = new Set<(state: HostState) => void>();
  private current: HostState;

  constructor(private readonly deps: ConnectionDeps) {
    this.current = { status: 'disconnected', since: deps.now(), attempts: 0 };
  }

  get state(): HostState {
    return this.current;
  }

  onChange(listener: (state: HostState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The live client, or a coded refusal when the host is not connected. */
  get ready(): HostClient {
    if (this.current.status !== 'connected' || !this.client?.isOpen) {
      throw new MssanteError('E_HOST_DISCONNECTED');
    }
    return this.client;
  }

  start(): void {
    if (this.current.status === 'connecting' || this.current.status === 'connected') return;
    this.cancelRetry();
    const attempts = this.current.attempts;
    this.set({ status: 'connecting', since: this.deps.now(), attempts });
    let client: HostClient;
    try {
      client = new HostClient(this.deps.connectNative(), {
        timers: this.deps.timers,
        newId: this.deps.newId,
        onClose: (reason) => this.lost(client, reason),
        ...(this.deps.onEvent ? { onEvent: this.deps.onEvent } : {}),
      });
    } catch (error) {
      this.failed(new MssanteError('E_HOST_NOT_FOUND', { cause: error }));
      return;
    }
    this.client = client;
    client.request('hello', { client: this.deps.client }).then(
      (hello) => {
        if (this.client !== client) return;
        if (PROTOCOL_VERSION < hello.protocol.min || PROTOCOL_VERSION > hello.protocol.version) {
          client.close(
            new MssanteError('E_PROTOCOL_VERSION', {
              detail: `add-on ${PROTOCOL_VERSION}, host ${hello.protocol.min}..${hello.protocol.version}`,
            }),
          );
          return;
        }
        this.set({
          status: 'connected',
          since: this.deps.now(),
          attempts: 0,
          host: hello.host,
          protocol: hello.protocol,
          capabilities: hello.capabilities,
        });
      },
      (error: unknown) => {
        if (this.client === client)
          client.close(error instanceof MssanteError ? error : new MssanteError('E_INTERNAL'));
      },
    );
  }

  /** User asked to reconnect now: drop any wait and try at once. */
  reconnectNow(): void {
    if (this.current.status === 'connected') return;
    this.cancelRetry();
    if (this.current.status === 'disconnected') this.start();
  }

  private lost(client: HostClient, reason: MssanteError): void {
    if (this.client !== client) return;
    this.client = null;
    this.failed(reason);
  }

  private failed(reason: MssanteError): void {
    const attempts = this.current.attempts + 1;
    const delay = BACKOFF_MS[Math.min(attempts - 1, BACKOFF_MS.length - 1)] ?? 30_000;
    this.set({
      status: 'disconnected',
      since: this.deps.now(),
      attempts,
      reason: reason.toWire(this.deps.locale),
      retryAt: this.deps.now() + delay,
    });
    this.retryTimer = this.deps.timers.setTimeout(() => {
      this.retryTimer = null;
      this.start();
    }, delay);
  }

  private cancelRetry(): void {
    if (this.retryTimer !== null) this.deps.timers.clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private set(state: HostState): void {
    this.current = state;
    for (const listener of this.listeners) listener(state);
  }
}
