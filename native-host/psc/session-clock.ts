/**
 * A session's timers: one-shot deadlines that are replaced together, and one periodic check.
 * None of them keeps the process alive.
 */
export class SessionClock {
  #deadlines: NodeJS.Timeout[] = [];
  #check: NodeJS.Timeout | null = null;

  /** Replaces the pending deadlines: each action runs once after its delay (ms, at least 0). */
  set(deadlines: ReadonlyArray<readonly [delayMs: number, run: () => void]>): void {
    for (const timer of this.#deadlines) clearTimeout(timer);
    this.#deadlines = deadlines.map(([delay, run]) => setTimeout(run, Math.max(0, delay)));
    for (const timer of this.#deadlines) timer.unref();
  }

  /** Runs `check` every `ms` until `stop`; while one is running, a new call changes nothing. */
  every(ms: number, check: () => void): void {
    if (this.#check) return;
    this.#check = setInterval(check, ms);
    this.#check.unref();
  }

  stop(): void {
    for (const timer of this.#deadlines) clearTimeout(timer);
    this.#deadlines = [];
    if (this.#check) clearInterval(this.#check);
    this.#check = null;
  }
}
