import { parentPort, workerData } from 'node:worker_threads';
import { toMssanteError } from '../../shared/errors/mssante-error';
import { OfflineAnnuaire } from './offline-index';
import type { ImportProgress, ImportReport } from './offline-import';

/**
 * Worker thread of an offline Annuaire import (started by annuaire-service.ts): the import's
 * SQLite work (sorted copy, FTS5, indexes) runs for seconds in single synchronous calls, so it
 * runs here and the host's thread keeps answering the extension.
 */
export interface ImportJob {
  file: string;
  dir: string;
}

export type WorkerMessage =
  | { kind: 'progress'; progress: ImportProgress }
  | { kind: 'done'; report: ImportReport }
  | { kind: 'failed'; code: string; detail?: string };

const port = parentPort;
if (port) {
  const job = workerData as ImportJob;
  const post = (message: WorkerMessage) => port.postMessage(message);
  const index = new OfflineAnnuaire(job.dir);
  index
    .import(job.file, { onProgress: (progress) => post({ kind: 'progress', progress }) })
    .then(
      (report) => post({ kind: 'done', report }),
      (error: unknown) => {
        const failure = toMssanteError(error);
        post({
          kind: 'failed',
          code: failure.code,
          ...(failure.detail ? { detail: failure.detail } : {}),
        });
      },
    )
    .finally(() => index.close());
}
