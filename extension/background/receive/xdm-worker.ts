// The XDM inspection worker (built to background/xdm-worker.js): reads the archives of displayed
// messages off the background's main thread. The background terminates it when its time budget
// is spent (extension/background/receive/xdm-inspect.ts); it holds no state between requests.
import { type WorkerRequest, answer } from './xdm-worker-protocol';

interface WorkerScope {
  onmessage: ((event: { data: WorkerRequest }) => void) | null;
  postMessage(message: unknown, transfer?: Transferable[]): void;
}

const scope = globalThis as unknown as WorkerScope;

scope.onmessage = (event) => {
  void answer(event.data).then((reply) => {
    // Chunks may share a buffer: each buffer is transferred once.
    const transfer =
      reply.ok && reply.kind === 'pdf' ? [...new Set(reply.chunks.map((c) => c.buffer))] : [];
    scope.postMessage(reply, transfer as Transferable[]);
  });
};
