import { MssanteError } from '../../shared/errors/mssante-error';
import { MAX_OUTGOING_FRAME_BYTES } from './limits';

/** Encodes one message as a native-messaging frame, refusing what Thunderbird would reject. */
export function encodeFrame(value: unknown, maxBytes = MAX_OUTGOING_FRAME_BYTES): Buffer {
  const body = Buffer.from(JSON.stringify(value), 'utf8');
  if (body.length > maxBytes) {
    throw new MssanteError('E_REPLY_TOO_LARGE', { detail: `${body.length} bytes > ${maxBytes}` });
  }
  const frame = Buffer.allocUnsafe(4 + body.length);
  frame.writeUInt32LE(body.length, 0);
  body.copy(frame, 4);
  return frame;
}
