import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as client from 'openid-client';
import { failureCode, loginError } from './oauth-errors';
import { PSC_ACR, PSC_SCOPE } from './presets';

type Tokens = client.TokenEndpointResponse & client.TokenEndpointResponseHelpers;

/**
 * Authorization code + PKCE (S256) with acr_values=eidas1, redirected to a listener on
 * 127.0.0.1 that serves the one callback, then closes. `finish` turns the tokens into the login's
 * result; the browser tab is told success only once it has. Failures are coded: denied, failed,
 * timed out (no callback within `timeoutMs`), or PSC refusing the client.
 */
export async function startBrowserLogin<T>(
  config: client.Configuration,
  timeoutMs: number,
  finish: (tokens: Tokens) => Promise<T>,
): Promise<{ url: string; completion: Promise<T> }> {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const redirectUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`;
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: PSC_SCOPE,
    acr_values: PSC_ACR,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  const completion = new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      server.close();
      reject(loginError('E_PSC_LOGIN_TIMEOUT'));
    }, timeoutMs);
    server.on('request', (req, res) => {
      const current = new URL(req.url ?? '/', redirectUri);
      if (current.pathname !== '/callback') {
        res.writeHead(404).end();
        return;
      }
      clearTimeout(timer);
      server.close();
      const done = (ok: boolean) => {
        res.writeHead(ok ? 200 : 400, { 'content-type': 'text/html; charset=utf-8' });
        res.end(loginPage(ok));
      };
      const error = current.searchParams.get('error');
      if (error) {
        done(false);
        reject(loginError(error === 'access_denied' ? 'E_PSC_LOGIN_DENIED' : 'E_PSC_LOGIN_FAILED'));
        return;
      }
      client
        .authorizationCodeGrant(config, current, {
          pkceCodeVerifier: verifier,
          expectedState: state,
          expectedNonce: nonce,
          idTokenExpected: true,
        })
        .then(finish)
        .then(
          (result) => {
            done(true);
            resolve(result);
          },
          (failure: unknown) => {
            done(false);
            reject(loginError(failureCode(failure, 'E_PSC_LOGIN_FAILED'), failure));
          },
        );
    });
  });
  return { url: url.href, completion };
}

/** The page the browser tab shows once PSC sent it back to the callback. */
function loginPage(ok: boolean): string {
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
  return `<!doctype html><html lang="fr"><meta charset="utf-8"><title>${text[0]}</title><h1>${text[0]}</h1><p>${text[1]}</p><p lang="en">${text[2]}</p></html>`;
}
