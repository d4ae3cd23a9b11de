import type { PortLike } from '../../../extension/background/host-client';
import type { Timers } from '../../../extension/background/pending-requests';

/** A native port whose other end is the test. */
export class FakePort implements PortLike {
  sent: any[] = [];
  error: { message?: string } | null = null;
  disconnected = false;
  private messageListeners: Array<(m: unknown) => void> = [];
  private disconnectListeners: Array<(p: PortLike) => void> = [];
  onMessage = { addListener: (l: (m: unknown) => void) => void this.messageListeners.push(l) };
  onDisconnect = {
    addListener: (l: (p: PortLike) => void) => void this.disconnectListeners.push(l),
  };
  postMessage(message: unknown): void {
    if (this.disconnected) throw new Error('Attempt to postMessage on disconnected port');
    this.sent.push(JSON.parse(JSON.stringify(message)));
  }
  disconnect(): void {
    this.disconnected = true;
  }
  /** The host replies. */
  reply(message: unknown): void {
    for (const l of this.messageListeners) l(message);
  }
  /** The host goes away (Thunderbird fires onDisconnect with port.error set). */
  die(message?: string): void {
    this.error = message ? { message } : null;
    this.disconnected = true;
    for (const l of this.disconnectListeners) l(this);
  }
}

/** Manual clock and timers: time moves only when the test says so. */
export class FakeTimers implements Timers {
  now = 0;
  private queue: Array<{ at: number; fn: () => void; handle: number }> = [];
  private nextHandle = 1;
  setTimeout(fn: () => void, ms: number): unknown {
    const handle = this.nextHandle++;
    this.queue.push({ at: this.now + ms, fn, handle });
    return handle;
  }
  clearTimeout(handle: unknown): void {
    this.queue = this.queue.filter((t) => t.handle !== handle);
  }
  pending(): number[] {
    return this.queue.map((t) => t.at - this.now).sort((a, b) => a - b);
  }
  advance(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      this.queue.sort((a, b) => a.at - b.at);
      const next = this.queue[0];
      if (!next || next.at > until) break;
      this.queue.shift();
      this.now = next.at;
      next.fn();
    }
    this.now = until;
  }
}

export const tick = () => new Promise((r) => setImmediate(r));
