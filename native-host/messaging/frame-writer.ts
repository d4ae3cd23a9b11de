import type { ErrorCode } from '../../shared/errors/codes';
import { MssanteError, toMssanteError } from '../../shared/errors/mssante-error';
import { PROTOCOL_VERSION } from '../../shared/protocol/envelope';
import type { HostEvent, Response } from '../../shared/protocol/index';
import { makeError } from '../../shared/protocol/replies';
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

/** What replaced a message that could not go out as it was. */
export interface Refusal {
  code: ErrorCode;
  detail: string | undefined;
}

/**
 * The frame of a reply, or — when it cannot be encoded (over Thunderbird's 1 MiB, or not
 * serializable) — of a small coded error for the same id and type, so the caller still gets
 * its answer and the port stays open.
 */
export function replyFrame(
  response: Response,
  onRefused: (refusal: Refusal) => void,
  maxBytes = MAX_OUTGOING_FRAME_BYTES,
): Buffer {
  try {
    return encodeFrame(response, maxBytes);
  } catch (error) {
    const failure = toMssanteError(error);
    onRefused({ code: failure.code, detail: failure.detail });
    return encodeFrame(makeError(response.id, response.type, failure.toWire()));
  }
}

/**
 * The frame of an event, or — when it cannot be encoded — of a `notice` event carrying the
 * coded error instead (an event has no caller waiting; the notice tells the add-on one was
 * lost), so later replies and events still go out.
 */
export function eventFrame(
  event: HostEvent,
  onRefused: (refusal: Refusal) => void,
  maxBytes = MAX_OUTGOING_FRAME_BYTES,
): Buffer {
  try {
    return encodeFrame(event, maxBytes);
  } catch (error) {
    const failure = toMssanteError(error);
    onRefused({ code: failure.code, detail: failure.detail });
    const notice: HostEvent = { v: PROTOCOL_VERSION, event: 'notice', data: failure.toWire() };
    return encodeFrame(notice);
  }
}
