// Issue 19, item 3: the banner reads XDM archives in a worker with a time budget. The worker's
// job (`answer`) runs here on real archives; the Worker itself is faked (a unit test).
import assert from 'node:assert/strict';
import { MssanteError } from '../../../shared/errors/mssante-error';
import { BIO, buildXdm } from '../../../lab/fixtures/xdm/generate';
import { deepCda, worstXdm } from '../../../lab/fixtures/xdm/worst';
import {
  XDM_INSPECTION_BUDGET_MS,
  XDM_MESSAGE_BUDGET_MS,
  type WorkerLike,
  embeddedPdfInWorker,
  inspectInWorker,
} from '../../../extension/background/receive/xdm-inspect';
import { answer } from '../../../extension/background/receive/xdm-worker-protocol';

/** A worker that runs the real `answer` (or stays silent, or answers `reply`), and records. */
function fakeWorker(
  mode: 'answer' | 'silent' | { reply: unknown },
): WorkerLike & { posted: unknown[]; terminated: number } {
  const worker = {
    posted: [] as unknown[],
    terminated: 0,
    onmessage: null as WorkerLike['onmessage'],
    onerror: null as WorkerLike['onerror'],
    postMessage(message: unknown) {
      worker.posted.push(message);
      if (mode === 'silent') return;
      const reply =
        mode === 'answer'
          ? answer(message as Parameters<typeof answer>[0])
          : Promise.resolve(mode.reply);
      void reply.then((data) => worker.onmessage?.({ data }));
    },
    terminate() {
      worker.terminated += 1;
    },
  };
  return worker;
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof MssanteError, `not a MssanteError: ${String(error)}`);
    return error.code;
  }
  return 'accepted';
}

describe('hostile: XDM archives read in a worker with a time budget (issue 19.3)', () => {
  it('hostile: a worker still reading when the budget is spent is terminated, and the banner gets E_RECEIVE_INSPECTION_TIMEOUT', async () => {
    assert.ok(XDM_INSPECTION_BUDGET_MS >= 1000);
    const worker = fakeWorker('silent');
    const file = new Blob([buildXdm({ documents: [BIO] })]);
    const code = await codeOf(inspectInWorker(file, { budgetMs: 20, createWorker: () => worker }));
    assert.equal(code, 'E_RECEIVE_INSPECTION_TIMEOUT');
    assert.equal(worker.terminated, 1);
    assert.equal(worker.onmessage, null);
  });

  it('hostile: once a message’s attachments have spent its budget, the next one starts no worker and gets E_RECEIVE_INSPECTION_TIMEOUT', async () => {
    assert.ok(XDM_MESSAGE_BUDGET_MS >= XDM_INSPECTION_BUDGET_MS);
    let started = 0;
    const file = new Blob([buildXdm({ documents: [BIO] })]);
    const createWorker = () => (started++, fakeWorker('answer'));
    for (const budgetMs of [0, -5])
      assert.equal(
        await codeOf(inspectInWorker(file, { budgetMs, createWorker })),
        'E_RECEIVE_INSPECTION_TIMEOUT',
      );
    assert.equal(started, 0);
  });

  it('hostile: the worker reads a real archive from the Blob it is given, answers, and is terminated', async () => {
    const worker = fakeWorker('answer');
    const file = new Blob([buildXdm({ documents: [BIO] })]);
    const inspection = await inspectInWorker(file, { createWorker: () => worker });
    assert.equal(inspection.documents.length, 1);
    assert.equal(inspection.documents[0]!.code, BIO.code);
    assert.equal(worker.terminated, 1);
    assert.deepEqual(worker.posted, [{ kind: 'inspect', file }]);
  });

  it('hostile: a refusal inside the worker reaches the banner with its own code (E_XML_TOO_DEEP)', async () => {
    const worker = fakeWorker('answer');
    const file = new Blob([worstXdm([deepCda(1000, 1)])]);
    assert.equal(
      await codeOf(inspectInWorker(file, { createWorker: () => worker })),
      'E_XML_TOO_DEEP',
    );
    assert.equal(worker.terminated, 1);
  });

  it('hostile: the PDF of a level 3 document is refused inside the worker (E_CDA_NO_PDF)', async () => {
    const file = new Blob([buildXdm({ documents: [BIO] })]);
    const code = await codeOf(
      embeddedPdfInWorker(file, 0, { createWorker: () => fakeWorker('answer') }),
    );
    assert.equal(code, 'E_CDA_NO_PDF');
  });

  it('hostile: a reply that is not one of the protocol’s, or with a code outside the closed list, is E_INTERNAL', async () => {
    const file = new Blob([new Uint8Array(10)]);
    for (const reply of [null, { ok: true, kind: 'other' }, { ok: false, code: 'E_NOT_A_CODE' }]) {
      const worker = fakeWorker({ reply });
      assert.equal(
        await codeOf(inspectInWorker(file, { createWorker: () => worker })),
        'E_INTERNAL',
      );
      assert.equal(worker.terminated, 1);
    }
  });
});
