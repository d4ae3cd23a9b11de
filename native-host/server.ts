import type { Readable, Writable } from 'node:stream';
import { errorMessage } from '../shared/errors/codes';
import { MssanteError, toMssanteError } from '../shared/errors/mssante-error';
import type { MessageType, Request, Response } from '../shared/protocol/index';
// Not from index.ts, which builds every message's schemas: `hello` answers without them.
import { idOf, makeError, makeResult } from '../shared/protocol/replies';
import type { HostContext } from './handlers/context';
import { HANDLERS, type Handler } from './handlers/index';
import { FrameReader } from './messaging/frame-reader';
import { eventFrame, replyFrame } from './messaging/frame-writer';
import { parseRequestLazily } from './messaging/parse-request';
import { PARTIAL_FRAME_TIMEOUT_MS } from './messaging/limits';

export interface ServeOptions {
  input: Readable;
  output: Writable;
  stderr: (line: string) => void;
  ctx: HostContext;
  partialFrameTimeoutMs?: number;
}

/**
 * Serves the native-messaging port until the extension closes it. Resolves with the exit code:
 * 0 when the input ends between frames, 1 when it ends (or stalls) in the middle of one.
 * Every frame gets exactly one reply; nothing a peer sends can make it throw.
 */
export function serve({
  input,
  output,
  stderr,
  ctx,
  partialFrameTimeoutMs = PARTIAL_FRAME_TIMEOUT_MS,
}: ServeOptions): Promise<number> {
  const reader = new FrameReader();
  let stallTimer: NodeJS.Timeout | undefined;
  let inFlight = Promise.resolve();

  const send = (response: Response) => {
    output.write(
      replyFrame(response, ({ code, detail }) =>
        ctx.log.warn('reply.refused', { id: response.id, type: response.type, code, detail }),
      ),
    );
  };
  /** Queues a write after the ones before it; a failing step is logged, never stops the queue. */
  const enqueue = (step: () => void | Promise<void>) => {
    inFlight = inFlight.then(step).catch((error: unknown) => {
      ctx.log.error('port.write.failed', { code: toMssanteError(error).code });
    });
  };

  const handle = async (value: unknown): Promise<Response> => {
    let request: Request;
    try {
      request = await parseRequestLazily(value);
    } catch (error) {
      const wire = toMssanteError(error).toWire();
      ctx.counters.frameErrors += 1;
      ctx.log.warn('request.invalid', { id: idOf(value), code: wire.code });
      return makeError(idOf(value), null, wire);
    }
    try {
      const handler = HANDLERS[request.type] as Handler<MessageType>;
      const result = await handler(request.params, ctx);
      ctx.counters.requestsServed += 1;
      return makeResult(request.type, request.id, result);
    } catch (error) {
      const failure = toMssanteError(error);
      ctx.log.error('request.failed', { id: request.id, type: request.type, code: failure.code });
      return makeError(request.id, request.type, failure.toWire());
    }
  };

  // Events go out in order with replies.
  ctx.notify = (event) => {
    enqueue(() => {
      output.write(
        eventFrame(event, ({ code, detail }) =>
          ctx.log.warn('event.refused', { event: event.event, code, detail }),
        ),
      );
    });
  };

  return new Promise((resolve) => {
    let done = false;
    const finish = (code: number, why?: string) => {
      if (done) return;
      done = true;
      clearTimeout(stallTimer);
      input.removeAllListeners('data');
      if (why) {
        stderr(`open-mssante-host: ${why}`);
        ctx.log.error('port.closed', { reason: why });
      } else {
        ctx.log.info('port.closed', { reason: 'input ended' });
      }
      // Let replies already computed go out before the process exits.
      void inFlight.then(() => resolve(code));
    };

    input.on('data', (chunk: Buffer) => {
      clearTimeout(stallTimer);
      for (const event of reader.push(chunk)) {
        if (event.kind === 'error') {
          ctx.counters.frameErrors += 1;
          ctx.log.warn('frame.refused', {
            code: event.code,
            id: event.id,
            bytes: event.bytes,
            detail: event.detail,
          });
          const wire = new MssanteError(event.code, { detail: event.detail }).toWire();
          enqueue(() => send(makeError(event.id, null, wire)));
          continue;
        }
        const value = event.value;
        // Replies go out in request order; handlers may still run concurrently later if needed.
        enqueue(async () => send(await handle(value)));
      }
      if (reader.midFrame) {
        stallTimer = setTimeout(
          () =>
            finish(
              1,
              `${errorMessage('E_FRAME_TRUNCATED', 'en')} (stalled: ${reader.describePartial()})`,
            ),
          partialFrameTimeoutMs,
        );
      }
    });
    input.on('end', () => {
      if (reader.midFrame)
        finish(1, `${errorMessage('E_FRAME_TRUNCATED', 'en')} (${reader.describePartial()})`);
      else finish(0);
    });
    input.on('error', (error) => finish(1, `input error: ${error.message}`));
    output.on('error', (error) => finish(1, `output error: ${error.message}`));
  });
}
