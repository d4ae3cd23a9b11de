import * as client from 'openid-client';
import type { CallbackOpener } from './login-callback';
import { failureCode, loginError } from './oauth-errors';
import { PSC_ACR, PSC_SCOPE } from './presets';

type Tokens = client.TokenEndpointResponse & client.TokenEndpointResponseHelpers;

/**
 * Authorization code + PKCE (S256) with acr_values=eidas1, redirected to the channel `open`
 * gives for this login's state (a loopback listener, or the intermediate server's fixed HTTPS
 * redirect URI). The callback is checked by openid-client: state, PKCE, nonce, and PSC's `iss`
 * response parameter (RFC 9207) when PSC sends it or its metadata says it does. `finish` turns
 * the tokens into the login's result; the browser tab is told success only once it has. Failures
 * are coded: denied, failed, timed out (no callback within `timeoutMs`), or PSC refusing the
 * client.
 */
export async function startBrowserLogin<T>(
  config: client.Configuration,
  timeoutMs: number,
  finish: (tokens: Tokens) => Promise<T>,
  open: CallbackOpener,
): Promise<{ url: string; completion: Promise<T> }> {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const channel = await open(state);
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: channel.redirectUri,
    scope: PSC_SCOPE,
    acr_values: PSC_ACR,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  const completion = new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      channel.close();
      reject(loginError('E_PSC_LOGIN_TIMEOUT'));
    }, timeoutMs);
    timer.unref();
    void channel.arrival.then(({ url: current, answer }) => {
      clearTimeout(timer);
      channel.close();
      const error = current.searchParams.get('error');
      if (error) {
        answer(false);
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
            answer(true);
            resolve(result);
          },
          (failure: unknown) => {
            answer(false);
            reject(loginError(failureCode(failure, 'E_PSC_LOGIN_FAILED'), failure));
          },
        );
    });
  });
  return { url: url.href, completion };
}
