import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { LookupFunction } from 'node:net';
import { Worker } from 'node:worker_threads';
import { isErrorCode } from '../../shared/errors/codes';
import { MssanteError } from '../../shared/errors/mssante-error';
import { type HostEvent, makeEvent, type Params, type Result } from '../../shared/protocol/index';
import type { Logger } from '../log';
import type { TrustContext } from '../trust/verify';
import { type AnnuaireConfig, resolveAnnuaireConfig } from '../config/load';
import { criteriaOf, shapeResult, wireReport } from './annuaire-shape';
import type { ImportJob, WorkerMessage } from './import-worker';
import { AnnuaireLdapClient, type AnnuaireSearchResult } from './ldap-client';
import { OfflineAnnuaire, offlineIndexDir } from './offline-index';

type Progress = Result<'annuaire.status'>['importing'] & {};
type Found = { found: AnnuaireSearchResult; source: 'ldap' | 'offline' };

export interface AnnuaireServiceOptions {
  stateDir: string;
  log: Logger;
  notify: (event: HostEvent) => void;
  /** Read at each query (default: config.json's `annuaire`, see annuaire-config.ts). */
  config?: () => AnnuaireConfig;
  /** LDAP operation timeout (tests use a short one). */
  ldapTimeoutMs?: number;
  /** The host's trust context and name lookup: an `ldaps://` Annuaire is checked with them. */
  tls?: () => Promise<{ trust: TrustContext; lookup?: LookupFunction }>;
}

/** LDAP failures after which the offline index, when there is one, answers instead. */
const FALL_BACK = new Set(['E_ANNUAIRE_UNREACHABLE', 'E_ANNUAIRE_TIMEOUT']);

/**
 * The worker's module: beside this one in the built host (dist/host/annuaire-import-worker.mjs),
 * the TypeScript source when the host runs from sources under tsx (tests, `npm start`), whose
 * loader a worker does not inherit: it registers it first.
 */
function startWorker(job: ImportJob): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts'))
    return new Worker(new URL('./annuaire-import-worker.mjs', here), { workerData: job });
  const source = new URL('./import-worker.ts', here).href;
  return new Worker(
    `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(source)}); });`,
    { eval: true, workerData: job },
  );
}

/**
 * The host's Annuaire Santé (ECO.3.1.4): LDAP or the offline index as configured, shaped for the
 * protocol (patients left out, the 100 cap said), and imports of the extraction file in a worker
 * thread with progress pushed as `annuaire-progress` events.
 */
export class AnnuaireService {
  private ldap: AnnuaireLdapClient | null = null;
  private readonly offline: OfflineAnnuaire;
  private running: { worker: Worker; progress: Progress } | null = null;

  constructor(private readonly options: AnnuaireServiceOptions) {
    this.offline = new OfflineAnnuaire(offlineIndexDir(options.stateDir));
  }

  private config(): AnnuaireConfig {
    return (this.options.config ?? (() => resolveAnnuaireConfig(this.options.stateDir)))();
  }

  private async client(config: AnnuaireConfig & { source: 'ldap' }): Promise<AnnuaireLdapClient> {
    if (this.ldap && (this.ldap.url !== config.url || this.ldap.base !== config.base)) {
      void this.ldap.close();
      this.ldap = null;
    }
    // Over TLS the directory is checked like every upstream (IGC Santé only, never the system
    // store); without the host's trust context the client refuses `ldaps://`.
    const tls = /^ldaps:/i.test(config.url) && this.options.tls ? await this.options.tls() : {};
    this.ldap ??= new AnnuaireLdapClient({
      url: config.url,
      base: config.base,
      ...tls,
      ...(this.options.ldapTimeoutMs ? { timeoutMs: this.options.ldapTimeoutMs } : {}),
    });
    return this.ldap;
  }

  /** LDAP first when configured; the offline index when LDAP cannot be reached and one exists. */
  private async query(
    ldap: (c: AnnuaireLdapClient) => Promise<AnnuaireSearchResult>,
    offline: (o: OfflineAnnuaire) => AnnuaireSearchResult,
  ): Promise<Found> {
    const config = this.config();
    if (config.source === 'offline') return { found: offline(this.offline), source: 'offline' };
    try {
      return { found: await ldap(await this.client(config)), source: 'ldap' };
    } catch (error) {
      if (!(error instanceof MssanteError) || !FALL_BACK.has(error.code) || !this.offline.open())
        throw error;
      this.options.log.warn('annuaire.offline-fallback', { code: error.code });
      return { found: offline(this.offline), source: 'offline' };
    }
  }

  async autocomplete(params: Params<'annuaire.autocomplete'>): Promise<Result<'annuaire.search'>> {
    const { found, source } = await this.query(
      (c) => c.autocomplete(params.query),
      // One more than asked: the patients left out must not hide that there are more.
      (o) => o.autocomplete(params.query, Math.min(params.limit + 1, 100)),
    );
    return shapeResult(found, source, params.limit);
  }

  async search(params: Params<'annuaire.search'>): Promise<Result<'annuaire.search'>> {
    const { found, source } = await this.query(
      (c) => c.search(criteriaOf(params.criteria)),
      (o) => o.search(criteriaOf(params.criteria)),
    );
    return shapeResult(found, source, 100);
  }

  status(): Result<'annuaire.status'> {
    const config = this.config();
    const report = this.offline.info();
    return {
      source: config.source,
      ...(config.source === 'ldap' ? { ldap: { url: config.url, base: config.base } } : {}),
      ...(report ? { offline: wireReport(report) } : {}),
      ...(this.running ? { importing: this.running.progress } : {}),
    };
  }

  /** Starts an import in a worker thread; its progress and end come as events. */
  startImport(params: Params<'annuaire.import'>): Result<'annuaire.import'> {
    if (this.running)
      throw new MssanteError('E_ANNUAIRE_IMPORT_FAILED', { detail: 'an import is running' });
    if (!existsSync(params.path)) throw new MssanteError('E_FILE_UNREADABLE');
    const importId = randomUUID();
    const progress: Progress = {
      importId,
      phase: 'reading',
      rowsRead: 0,
      bytesRead: 0,
      totalBytes: 0,
    };
    const worker = startWorker({ file: params.path, dir: this.offline.dir });
    // The host exits when Thunderbird closes the port, even in the middle of an import (the
    // temporary files are then left to the next import's cleanup of its own).
    worker.unref();
    const running = { worker, progress };
    this.running = running;
    let shown = -1;
    const push = (next: Progress) => {
      running.progress = next;
      // At most one event per percent read, and one per phase.
      const step =
        next.phase === 'reading' && next.totalBytes > 0
          ? Math.floor((next.bytesRead / next.totalBytes) * 100)
          : 1000 + ['reading', 'indexing', 'done', 'failed'].indexOf(next.phase);
      if (step === shown) return;
      shown = step;
      this.options.notify(makeEvent('annuaire-progress', next));
    };
    const end = (next: Progress) => {
      if (this.running !== running) return;
      this.running = null;
      // The worker swapped a new file in: read from it from now on.
      this.offline.close();
      push(next);
    };
    worker.on('message', (message: WorkerMessage) => {
      const counts = (p: { rowsRead: number; bytesRead: number; totalBytes: number }) => ({
        importId,
        rowsRead: p.rowsRead,
        bytesRead: p.bytesRead,
        totalBytes: p.totalBytes,
      });
      switch (message.kind) {
        case 'progress':
          if (message.progress.phase !== 'done')
            push({ ...counts(message.progress), phase: message.progress.phase });
          return;
        case 'done':
          this.options.log.info('annuaire.import.done', { entries: message.report.entries });
          end({
            ...counts(running.progress),
            bytesRead: running.progress.totalBytes,
            phase: 'done',
            report: wireReport(message.report),
          });
          return;
        case 'failed': {
          const code = isErrorCode(message.code) ? message.code : 'E_INTERNAL';
          this.options.log.warn('annuaire.import.failed', { code });
          const wire = new MssanteError(code, {
            ...(message.detail ? { detail: message.detail } : {}),
          }).toWire();
          end({ ...counts(running.progress), phase: 'failed', error: wire });
          return;
        }
      }
    });
    worker.on('error', (error) => {
      this.options.log.error('annuaire.import.worker', { message: error.message });
      end({
        ...running.progress,
        phase: 'failed',
        error: new MssanteError('E_ANNUAIRE_IMPORT_FAILED').toWire(),
      });
    });
    worker.on('exit', () =>
      end({
        ...running.progress,
        phase: 'failed',
        error: new MssanteError('E_ANNUAIRE_IMPORT_FAILED').toWire(),
      }),
    );
    this.options.notify(makeEvent('annuaire-progress', progress));
    shown = 1000;
    return { importId };
  }

  async close(): Promise<void> {
    await this.running?.worker.terminate();
    this.running = null;
    this.offline.close();
    await this.ldap?.close();
    this.ldap = null;
  }
}
