/**
 * PSC's session rules (slides, seed 003): a session closes after 15 minutes of inactivity and
 * lasts 4 hours at most. One record per grant (one sign-in of one practitioner at one client),
 * checked to the millisecond so tests can use limits of a second or two. Activity is what
 * Keycloak counts: the sign-in and every token issued (code exchange, refresh, CIBA).
 */
export interface PscSessionRecord {
  grantId: string;
  accountId: string;
  nationalId: string;
  clientId: string;
  /** How the practitioner authenticated: CPS card or e-CPS app (redirect flow or CIBA). */
  method: 'cps' | 'ecps';
  /** The acr asserted at sign-in (undefined: the ID token and access tokens carry none). */
  acr?: string | undefined;
  startedAt: number;
  lastActivity: number;
}

export interface PscSessionView extends PscSessionRecord {
  idleExpiresAt: number;
  maxExpiresAt: number;
}

export class SessionLimits {
  readonly #records = new Map<string, PscSessionRecord>();

  constructor(
    private readonly idleMs: number,
    private readonly maxMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  open(record: Omit<PscSessionRecord, 'startedAt' | 'lastActivity'>): PscSessionRecord {
    const at = this.now();
    const opened = { ...record, startedAt: at, lastActivity: at };
    this.#records.set(record.grantId, opened);
    return opened;
  }

  get(grantId: string): PscSessionRecord | undefined {
    return this.#records.get(grantId);
  }

  touch(grantId: string): void {
    const record = this.#records.get(grantId);
    if (record) record.lastActivity = this.now();
  }

  remove(grantId: string): void {
    this.#records.delete(grantId);
  }

  /** Removes and returns the sessions that have reached either limit. */
  takeExpired(): PscSessionRecord[] {
    const now = this.now();
    const out: PscSessionRecord[] = [];
    for (const record of this.#records.values()) {
      const { idleExpiresAt, maxExpiresAt } = this.deadlines(record);
      if (now >= idleExpiresAt || now >= maxExpiresAt) {
        this.#records.delete(record.grantId);
        out.push(record);
      }
    }
    return out;
  }

  list(): PscSessionView[] {
    return [...this.#records.values()].map((r) => ({ ...r, ...this.deadlines(r) }));
  }

  /** Seconds left before the maximum length, for token lifetimes (at least 1). */
  secondsLeft(grantId: string | undefined): number | undefined {
    const record = grantId ? this.#records.get(grantId) : undefined;
    if (!record) return undefined;
    return Math.max(1, Math.ceil((this.deadlines(record).maxExpiresAt - this.now()) / 1000));
  }

  private deadlines(record: PscSessionRecord): { idleExpiresAt: number; maxExpiresAt: number } {
    return {
      idleExpiresAt: record.lastActivity + this.idleMs,
      maxExpiresAt: record.startedAt + this.maxMs,
    };
  }
}
