/**
 * Native-messaging frame limits (documented in docs/native-host.md).
 * - Thunderbird (like Firefox) refuses a message from the host larger than 1 MiB: replies above
 *   that are refused with E_REPLY_TOO_LARGE instead of being written (Thunderbird would drop
 *   the whole port).
 * - Messages from the extension may be up to 4 GiB in Thunderbird; the host accepts 4 MiB, which
 *   is ample for the protocol (archives are never sent through it), and skips larger frames
 *   without buffering them, answering E_FRAME_TOO_LARGE.
 */
export const MAX_OUTGOING_FRAME_BYTES = 1024 * 1024;
export const MAX_INCOMING_FRAME_BYTES = 4 * 1024 * 1024;

/** A frame whose bytes stop arriving for this long is treated as truncated (never hang). */
export const PARTIAL_FRAME_TIMEOUT_MS = 30_000;

/** How many leading bytes of an oversized frame are kept to find its request id. */
export const OVERSIZED_PREFIX_BYTES = 256;
