import { timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** PSC sent the browser back: the callback URL, and the answer the browser tab then gets. */
export interface CallbackArrival {
  url: URL;
  answer(ok: boolean): void;
}

/** Where one login's redirect comes back, once. */
export interface CallbackChannel {
  redirectUri: string;
  arrival: Promise<CallbackArrival>;
  close(): void;
}

/**
 * Opens the channel of one browser login (`state` tells the logins apart). Two kinds: a listener
 * on 127.0.0.1 for that login alone (a host that is its own PSC client, embedded mode), or the
 * intermediate LPS server's one fixed HTTPS redirect URI, the one its PSC registration names
 * (lps-server/callbacks.ts).
 */
export type CallbackOpener = (state: string) => Promise<CallbackChannel>;

/** True when the callback carries this login's `state` (compared in constant time). */
function sameState(url: URL, state: string): boolean {
  const got = Buffer.from(url.searchParams.get('state') ?? '');
  const want = Buffer.from(state);
  return got.length === want.length && timingSafeEqual(got, want);
}

/**
 * A listener on 127.0.0.1:<free port>/callback for one login, closed after its one callback.
 * A request without this login's `state` (a stale tab, another local program probing the port)
 * is answered 400 and ignored: the login goes on waiting for PSC's real redirect, and only that
 * redirect (or the login's timeout) ends it.
 */
export const loopbackCallback: CallbackOpener = async (state) => {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const redirectUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`;
  const arrival = new Promise<CallbackArrival>((resolve) => {
    server.on('request', (req, res) => {
      const url = new URL(req.url ?? '/', redirectUri);
      if (url.pathname !== '/callback') {
        res.writeHead(404).end();
        return;
      }
      if (!sameState(url, state)) {
        answerLoginPage(res, false);
        return;
      }
      server.close();
      resolve({ url, answer: (ok) => answerLoginPage(res, ok) });
    });
  });
  return { redirectUri, arrival, close: () => server.close() };
};

/** The page the browser tab shows once PSC sent it back to the callback. */
export function answerLoginPage(res: http.ServerResponse, ok: boolean): void {
  const text = ok
    ? [
        'Connexion Pro Santé Connect réussie',
        'Vous pouvez fermer cet onglet et revenir à Thunderbird.',
        'Signed in to Pro Santé Connect: you can close this tab.',
      ]
    : [
        'Connexion Pro Santé Connect échouée',
        'Revenez à Thunderbird pour voir la raison et réessayer.',
        'Sign-in failed: go back to Thunderbird to see why.',
      ];
  res.writeHead(ok ? 200 : 400, {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': "default-src 'none'",
    'cache-control': 'no-store',
  });
  res.end(
    `<!doctype html><html lang="fr"><meta charset="utf-8"><title>${text[0]}</title><h1>${text[0]}</h1><p>${text[1]}</p><p lang="en">${text[2]}</p></html>`,
  );
}
