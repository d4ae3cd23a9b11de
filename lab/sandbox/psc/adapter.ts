/**
 * oidc-provider storage in memory, indexed by account so the control endpoints can expire or
 * revoke everything a practitioner holds (what PSC does on logout or at its session limits).
 */
type Payload = Record<string, unknown> & {
  accountId?: string;
  grantId?: string;
  uid?: string;
  userCode?: string;
  consumed?: number;
  authorizations?: unknown;
};

export type Store = Map<string, { payload: Payload; expiresAt: number }>;

/** An adapter class over one stub's own store (oidc-provider instantiates it per model). */
export function adapterFor(store: Store) {
  return class MemoryAdapter {
    constructor(private readonly model: string) {}

    private key(id: string): string {
      return `${this.model}:${id}`;
    }

    async upsert(id: string, payload: Payload, expiresIn: number): Promise<void> {
      store.set(this.key(id), { payload, expiresAt: Date.now() + expiresIn * 1000 });
    }

    async find(id: string): Promise<Payload | undefined> {
      const entry = store.get(this.key(id));
      if (!entry || entry.expiresAt < Date.now()) return undefined;
      return entry.payload;
    }

    async findByUid(uid: string): Promise<Payload | undefined> {
      for (const [key, entry] of store)
        if (key.startsWith(`${this.model}:`) && entry.payload.uid === uid) return entry.payload;
      return undefined;
    }

    async findByUserCode(userCode: string): Promise<Payload | undefined> {
      for (const [key, entry] of store)
        if (key.startsWith(`${this.model}:`) && entry.payload.userCode === userCode)
          return entry.payload;
      return undefined;
    }

    async consume(id: string): Promise<void> {
      const entry = store.get(this.key(id));
      if (entry) entry.payload.consumed = Math.floor(Date.now() / 1000);
    }

    async destroy(id: string): Promise<void> {
      store.delete(this.key(id));
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      for (const [key, entry] of store) if (entry.payload.grantId === grantId) store.delete(key);
    }
  };
}

/** Deletes every token, grant and session of an account; returns how many records went. */
export function forgetAccount(store: Store, accountId: string, models: string[]): number {
  let count = 0;
  for (const [key, entry] of store) {
    const model = key.slice(0, key.indexOf(':'));
    if (models.includes(model) && entry.payload.accountId === accountId) {
      store.delete(key);
      count += 1;
    }
  }
  return count;
}

/**
 * Deletes everything issued under one grant (tokens, the grant itself) and the login sessions
 * that reference it: what PSC does when a session reaches its idle or maximum length.
 */
export function forgetGrant(store: Store, grantId: string): number {
  let count = 0;
  for (const [key, entry] of store) {
    const authorizations = (entry.payload.authorizations ?? {}) as Record<
      string,
      { grantId?: string }
    >;
    if (
      key === `Grant:${grantId}` ||
      entry.payload.grantId === grantId ||
      Object.values(authorizations).some((a) => a.grantId === grantId)
    ) {
      store.delete(key);
      count += 1;
    }
  }
  return count;
}

/** Ids of the tokens an account holds (opaque tokens: the id is the token), for leak scans. */
export function tokensOf(store: Store, accountId: string, models: string[]): string[] {
  const out: string[] = [];
  for (const [key, entry] of store) {
    const i = key.indexOf(':');
    if (models.includes(key.slice(0, i)) && entry.payload.accountId === accountId)
      out.push(key.slice(i + 1));
  }
  return out;
}
