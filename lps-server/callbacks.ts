import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  answerLoginPage,
  type CallbackArrival,
  type CallbackOpener,
} from '../native-host/psc/login-callback';

/**
 * The server's one redirect URI (`<publicUrl>/v1/psc/callback`, the one its PSC registration
 * names): every pending browser login waits here under its `state`. A callback whose state is
 * unknown (replayed, expired, forged) gets the failure page and changes nothing.
 */
export class CallbackRegistry {
  readonly #pending = new Map<string, (arrival: CallbackArrival) => void>();

  constructor(private readonly redirectUri: string) {}

  get size(): number {
    return this.#pending.size;
  }

  readonly open: CallbackOpener = async (state) => {
    const arrival = new Promise<CallbackArrival>((resolve) => this.#pending.set(state, resolve));
    return {
      redirectUri: this.redirectUri,
      arrival,
      close: () => this.#pending.delete(state),
    };
  };

  /** GET /v1/psc/callback?…: hands the URL to the login waiting for its state. */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    const query = (req.url ?? '').slice((req.url ?? '').indexOf('?') + 1);
    const url = new URL(`${this.redirectUri}?${query}`);
    const state = url.searchParams.get('state') ?? '';
    const waiting = this.#pending.get(state);
    if (!waiting) {
      answerLoginPage(res, false);
      return false;
    }
    this.#pending.delete(state);
    waiting({ url, answer: (ok) => answerLoginPage(res, ok) });
    return true;
  }
}
