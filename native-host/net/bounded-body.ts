import type { IncomingMessage } from 'node:http';

/**
 * Reads an HTTP answer's body, never holding more than `maxBytes`: a declared Content-Length
 * over the bound is refused before any byte is read, and the bytes are counted as they come.
 * `tooLarge` makes the caller's error (its code and detail); the caller destroys its request
 * when the promise rejects, so a lying or endless server costs at most `maxBytes` of memory.
 */
export function readBoundedBody(
  response: IncomingMessage,
  maxBytes: number,
  tooLarge: () => Error,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (Number(response.headers['content-length'] ?? 0) > maxBytes) {
      response.resume();
      reject(tooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    response.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > maxBytes) {
        done = true;
        chunks.length = 0;
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    response.once('end', () => {
      if (!done) resolve(Buffer.concat(chunks));
    });
    response.once('error', (error) => {
      done = true;
      reject(error);
    });
  });
}
