// Runs the reading of an attachment's XDM archive in a dedicated Worker with a time budget: a
// hostile archive can neither freeze the background (its main thread serves every other part of
// the add-on) nor run for ever — the worker is terminated and the banner shows a coded warning.
import type { XdmInspection } from '../../../shared/domain/xdm/reader';
import { MssanteError } from '../../../shared/errors/mssante-error';
import { type WorkerReply, type WorkerRequest, isWorkerReply } from './xdm-worker-protocol';

/** The worker's script in the built add-on (scripts/build.mjs). */
export const XDM_WORKER_SCRIPT = 'background/xdm-worker.js';

/**
 * Time given to reading one attachment for the banner: the worst archive within the readers'
 * limits takes well under a second (bench/xdm-hostile.ts); the rest is room for a busy machine.
 */
export const XDM_INSPECTION_BUDGET_MS = 5_000;

/**
 * Time given to all the attachments of one displayed message together: a message with many
 * hostile archives costs at most this much worker time; the attachments left get the timeout's
 * warning without a worker being started.
 */
export const XDM_MESSAGE_BUDGET_MS = 10_000;

/** Time given to decoding an N1 document's PDF the user asked for (up to ~90 MiB of base64). */
export const XDM_PDF_BUDGET_MS = 30_000;

/** The part of a Worker this module uses (a fake one in unit tests). */
export interface WorkerLike {
  onmessage: ((event: { data: unknown }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  postMessage(message: unknown): void;
  terminate(): void;
}

export interface WorkerRunOptions {
  readonly budgetMs: number;
  /** Starts the worker (xdm.ts: the add-on's XDM_WORKER_SCRIPT; unit tests: a fake). */
  readonly createWorker: () => WorkerLike;
}

/** One request in a fresh worker, terminated once it answered, failed or ran out of time. */
export function runInWorker(
  request: WorkerRequest,
  options: WorkerRunOptions,
): Promise<WorkerReply & { ok: true }> {
  if (options.budgetMs <= 0)
    return Promise.reject(
      new MssanteError('E_RECEIVE_INSPECTION_TIMEOUT', { detail: 'no time left' }),
    );
  const worker = options.createWorker();
  return new Promise<WorkerReply & { ok: true }>((resolve, reject) => {
    const timer = setTimeout(() => {
      done();
      reject(
        new MssanteError('E_RECEIVE_INSPECTION_TIMEOUT', { detail: `${options.budgetMs} ms` }),
      );
    }, options.budgetMs);
    function done(): void {
      clearTimeout(timer);
      worker.onmessage = null;
      worker.onerror = null;
      worker.terminate();
    }
    worker.onmessage = (event) => {
      done();
      const reply = event.data;
      if (!isWorkerReply(reply))
        reject(new MssanteError('E_INTERNAL', { detail: 'unexpected worker reply' }));
      else if (!reply.ok)
        reject(new MssanteError(reply.code, reply.detail ? { detail: reply.detail } : {}));
      else resolve(reply);
    };
    worker.onerror = () => {
      done();
      reject(new MssanteError('E_INTERNAL', { detail: 'XDM worker failed' }));
    };
    worker.postMessage(request);
  });
}

/** The inspection of an attachment's archive, read in a worker within the banner's budget. */
export async function inspectInWorker(
  file: Blob,
  options: Pick<WorkerRunOptions, 'createWorker'> & Partial<WorkerRunOptions>,
): Promise<XdmInspection> {
  const reply = await runInWorker(
    { kind: 'inspect', file },
    { budgetMs: XDM_INSPECTION_BUDGET_MS, ...options },
  );
  if (reply.kind !== 'inspect') throw new MssanteError('E_INTERNAL', { detail: 'worker reply' });
  return reply.inspection;
}

/** The PDF embedded in document `index` of an attachment's archive, decoded in a worker. */
export async function embeddedPdfInWorker(
  file: Blob,
  index: number,
  options: Pick<WorkerRunOptions, 'createWorker'> & Partial<WorkerRunOptions>,
): Promise<Uint8Array[]> {
  const reply = await runInWorker(
    { kind: 'pdf', file, index },
    { budgetMs: XDM_PDF_BUDGET_MS, ...options },
  );
  if (reply.kind !== 'pdf') throw new MssanteError('E_INTERNAL', { detail: 'worker reply' });
  return reply.chunks;
}
