import type { X509Certificate as NodeCertificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { normalizeSerial } from './certificate-info';
import { type IndexedCrl, indexCrl } from './crl-index';
import { CrlIndexCache, crlCacheBaseName } from './crl-index-cache';

export { type IndexedCrl, indexCrl };

export type CrlAnswer =
  | { status: 'good' | 'revoked'; source: 'download' | 'memory' | 'disk'; crl: IndexedCrl }
  | { status: 'unavailable'; reason: string };

export interface CrlStoreOptions {
  /** Cache directory (verified CRLs, DER, and their index files: crl-index-cache.ts). */
  dir: string;
  fetch: (url: string) => Promise<Uint8Array>;
  now?: () => Date;
  /** Download again when the copy in hand is older than this, even before nextUpdate. */
  refreshAfterMs?: number;
  /** After a failed download, use the copy in hand without retrying for this long. */
  retryAfterFailureMs?: number;
}

/**
 * CRLs from certificates' distribution points (ECO.1.1.6), with the last valid one kept on disk
 * so that a failed download does not break connections while it has not expired (ECO.1.1.7).
 */
export class CrlStore {
  private readonly memory = new Map<string, IndexedCrl>();
  private readonly failedAt = new Map<string, number>();
  private readonly now: () => Date;
  private readonly refreshAfterMs: number;
  private readonly retryAfterFailureMs: number;
  private readonly indexCache: CrlIndexCache;

  constructor(private readonly options: CrlStoreOptions) {
    this.indexCache = new CrlIndexCache(options.dir);
    this.now = options.now ?? (() => new Date());
    this.refreshAfterMs = options.refreshAfterMs ?? 60 * 60 * 1000;
    this.retryAfterFailureMs = options.retryAfterFailureMs ?? 60 * 1000;
  }

  async check(cert: NodeCertificate, issuer: NodeCertificate, url: string): Promise<CrlAnswer> {
    const serial = normalizeSerial(cert.serialNumber);
    const answer = (crl: IndexedCrl, source: 'download' | 'memory' | 'disk'): CrlAnswer => ({
      status: crl.revoked.has(serial) ? 'revoked' : 'good',
      source,
      crl,
    });
    const now = this.now().getTime();
    const held = this.memory.get(url);
    if (held && held.nextUpdate.getTime() > now) {
      const fresh = now - held.fetchedAt < this.refreshAfterMs;
      const justFailed = now - (this.failedAt.get(url) ?? -Infinity) < this.retryAfterFailureMs;
      if (fresh || justFailed) return answer(held, 'memory');
    }
    let failure: string;
    try {
      const der = await this.options.fetch(url);
      const crl = await indexCrl(der, issuer, url, now, this.indexCache);
      if (crl.nextUpdate.getTime() <= now)
        throw new Error(`downloaded CRL expired at ${crl.nextUpdate.toISOString()}`);
      if (held && crl.thisUpdate < held.thisUpdate)
        throw new Error('downloaded CRL is older than the one in hand');
      this.memory.set(url, crl);
      this.failedAt.delete(url);
      this.save(url, der);
      return answer(crl, 'download');
    } catch (error) {
      failure = error instanceof Error ? error.message : String(error);
      this.failedAt.set(url, now);
    }
    // ECO.1.1.7: the last CRL that has not expired.
    const fallback = held ?? (await this.load(url, issuer, now));
    if (fallback && fallback.nextUpdate.getTime() > now) {
      this.memory.set(url, fallback);
      return answer(fallback, held ? 'memory' : 'disk');
    }
    return { status: 'unavailable', reason: `${failure}; no unexpired CRL in cache` };
  }

  private file(url: string): string {
    return path.join(this.options.dir, `${crlCacheBaseName(url)}.crl`);
  }

  private save(url: string, der: Uint8Array): void {
    mkdirSync(this.options.dir, { recursive: true, mode: 0o700 });
    const file = this.file(url);
    writeFileSync(`${file}.tmp`, der);
    renameSync(`${file}.tmp`, file);
  }

  private async load(
    url: string,
    issuer: NodeCertificate,
    now: number,
  ): Promise<IndexedCrl | null> {
    const file = this.file(url);
    if (!existsSync(file)) return null;
    try {
      // Verified again (the disk is not trusted); the index file only spares the entry walk.
      return await indexCrl(readFileSync(file), issuer, url, now, this.indexCache);
    } catch {
      return null;
    }
  }
}
