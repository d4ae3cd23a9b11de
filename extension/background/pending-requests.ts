import type { MssanteError } from '../../shared/errors/mssante-error';

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: MssanteError) => void;
  timer: unknown;
}

/**
 * The requests a port client waits on, by id, each with its deadline: the host client and the
 * compose panel's client share it. A reply settles its request once; a late one finds nothing.
 */
export class PendingRequests {
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly timers: Timers) {}

  /**
   * Waits for request `id`: `send` posts it (a throw becomes `sendFailed`'s error), and it
   * fails with `timedOut()` after `timeoutMs` unless a reply settles it first.
   */
  wait<T>(
    id: string,
    timeoutMs: number,
    send: () => void,
    timedOut: () => MssanteError,
    sendFailed: (cause: unknown) => MssanteError,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = this.timers.setTimeout(() => {
        this.pending.delete(id);
        reject(timedOut());
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject, timer });
      try {
        send();
      } catch (error) {
        this.settle(id)?.reject(sendFailed(error));
      }
    });
  }

  /** The request `id`, taken out with its deadline cleared; undefined when none waits. */
  settle(id: string): Pick<Pending, 'resolve' | 'reject'> | undefined {
    const entry = this.pending.get(id);
    if (!entry) return undefined;
    this.pending.delete(id);
    this.timers.clearTimeout(entry.timer);
    return entry;
  }

  /** Fails everything still waiting with `reason`. */
  rejectAll(reason: MssanteError): void {
    for (const id of [...this.pending.keys()]) this.settle(id)?.reject(reason);
  }
}
