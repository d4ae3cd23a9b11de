// What the background asks the XDM inspection worker (extension/background/receive/xdm-worker.ts)
// and what it answers; `answer` is the worker's whole job, pure (unit-tested in Node).
import {
  type XdmInspection,
  inspectXdm,
  openXdm,
  streamEmbeddedPdf,
} from '../../../shared/domain/xdm/reader';
import { MssanteError, toMssanteError } from '../../../shared/errors/mssante-error';
import { type ErrorCode, isErrorCode } from '../../../shared/errors/codes';
import { fileSource } from './checks';

export type WorkerRequest =
  | { readonly kind: 'inspect'; readonly file: Blob }
  | { readonly kind: 'pdf'; readonly file: Blob; readonly index: number };

export type WorkerReply =
  | { readonly ok: true; readonly kind: 'inspect'; readonly inspection: XdmInspection }
  | { readonly ok: true; readonly kind: 'pdf'; readonly chunks: Uint8Array[] }
  | { readonly ok: false; readonly code: ErrorCode; readonly detail?: string };

/** Runs one request: the archive is read from the Blob, nothing else is reachable. */
export async function answer(request: WorkerRequest): Promise<WorkerReply> {
  try {
    if (request.kind === 'inspect')
      return { ok: true, kind: 'inspect', inspection: await inspectXdm(fileSource(request.file)) };
    const opened = await openXdm(fileSource(request.file));
    const document = opened.inspection.documents[request.index];
    if (!document)
      throw new MssanteError('E_XDM_DOCUMENT_MISSING', { detail: `#${request.index}` });
    const chunks: Uint8Array[] = [];
    for await (const chunk of streamEmbeddedPdf(opened, document)) chunks.push(chunk);
    return { ok: true, kind: 'pdf', chunks };
  } catch (error) {
    const e = toMssanteError(error);
    return { ok: false, code: e.code, ...(e.detail ? { detail: e.detail } : {}) };
  }
}

/** A reply received from the worker, checked before it is believed. */
export function isWorkerReply(value: unknown): value is WorkerReply {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  if (r.ok === false) return isErrorCode(r.code);
  return r.ok === true && (r.kind === 'inspect' || r.kind === 'pdf');
}
