import type { Locale } from '../../shared/errors/codes';
import { MssanteError, toMssanteError, type WireError } from '../../shared/errors/mssante-error';
import { MESSAGES } from '../../shared/protocol/index';
import * as z from '../../shared/protocol/zod';

/**
 * Messages from the add-on's own pages to the background (runtime.sendMessage). Validated like
 * the host protocol: pages are ours, but a typed boundary costs nothing and catches drift.
 */
export const pageMessage = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('getState') }),
  z.object({ kind: z.literal('reconnect') }),
  /** Sign in to PSC: `browser` opens PSC's page in a Thunderbird tab; `ciba` asks the e-CPS app. */
  z.object({
    kind: z.literal('pscLogin'),
    method: z.enum(['browser', 'ciba']),
    nationalId: z.optional(z.string()),
  }),
  z.object({ kind: z.literal('pscLogout') }),
  z.object({
    kind: z.literal('host'),
    type: z.string().check(z.refine((t) => Object.hasOwn(MESSAGES, t))),
    params: z.unknown(),
  }),
]);

export type PageMessage = z.infer<typeof pageMessage>;

/** Port name pages use to receive state pushes (`runtime.connect({name})`). */
export const STATE_PORT = 'host-state';

/** Who sent a message or opened a port, as runtime.MessageSender tells it. */
export interface SenderFacts {
  readonly id?: string | undefined;
  readonly url?: string | undefined;
  readonly tab?: unknown;
}

/** The add-on itself: its id and the base URL of its pages (`moz-extension://<uuid>/`). */
export interface OwnAddon {
  readonly id: string;
  readonly baseUrl: string;
}

/**
 * Issue 19.10: `page` is one of the add-on's own pages (popup, setup, compose panel…),
 * `content` the add-on's content script in a displayed message (the banner), `foreign`
 * anything else. Only pages may ask the background for its state, PSC or the host; the banner
 * script only speaks on its own port.
 */
export function senderKind(
  sender: SenderFacts | undefined,
  own: OwnAddon,
): 'page' | 'content' | 'foreign' {
  if (!sender || sender.id !== own.id || typeof sender.url !== 'string') return 'foreign';
  if (sender.url.startsWith(own.baseUrl)) return 'page';
  return sender.tab ? 'content' : 'foreign';
}

export type PageReply = { ok: true; result: unknown } | { ok: false; error: WireError };

/**
 * The background's answer to runtime.sendMessage: a sender that is not one of the add-on's
 * pages is refused (E_PAGE_SENDER_REFUSED), then the message is validated, then handled.
 */
export function answerPageMessage(
  raw: unknown,
  sender: SenderFacts | undefined,
  own: OwnAddon,
  handle: (message: PageMessage) => Promise<unknown>,
  locale: Locale,
): Promise<PageReply> {
  if (senderKind(sender, own) !== 'page')
    return Promise.resolve({
      ok: false,
      error: new MssanteError('E_PAGE_SENDER_REFUSED', {
        detail: sender?.url?.slice(0, 200) ?? 'no url',
      }).toWire(locale),
    });
  const parsed = pageMessage.safeParse(raw);
  if (!parsed.success)
    return Promise.resolve({
      ok: false,
      error: new MssanteError('E_PROTOCOL_INVALID').toWire(locale),
    });
  return handle(parsed.data).then(
    (result): PageReply => ({ ok: true, result }),
    (error: unknown): PageReply => ({ ok: false, error: toMssanteError(error).toWire(locale) }),
  );
}
