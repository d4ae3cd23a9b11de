import * as client from 'openid-client';
import { failureCode, loginError, oauthError } from './oauth-errors';
import { PSC_ACR, PSC_CIBA_CHANNEL, PSC_SCOPE } from './presets';

type Tokens = client.TokenEndpointResponse & client.TokenEndpointResponseHelpers;

/**
 * CIBA (approval in the e-CPS app): the parameters ANS's reference client sends (scope, acr_values
 * eidas1, login_hint = national id, the binding message shown to the user, channel MOBILE), then
 * polling until PSC answers. `finish` turns the tokens into the login's result.
 * Failures are coded: denied, timed out (expired_token), failed, or PSC refusing the client.
 */
export async function startCibaLogin<T>(
  config: client.Configuration,
  nationalId: string,
  bindingMessage: string,
  finish: (tokens: Tokens) => Promise<T>,
): Promise<{ expiresIn: number; completion: Promise<T> }> {
  let started: Awaited<ReturnType<typeof client.initiateBackchannelAuthentication>>;
  try {
    started = await client.initiateBackchannelAuthentication(config, {
      scope: PSC_SCOPE,
      login_hint: nationalId,
      binding_message: bindingMessage,
      acr_values: PSC_ACR,
      channel: PSC_CIBA_CHANNEL,
    });
  } catch (error) {
    throw loginError(failureCode(error, 'E_PSC_LOGIN_FAILED'), error);
  }
  const completion = client.pollBackchannelAuthenticationGrant(config, started).then(
    (tokens) =>
      finish(tokens).catch((error: unknown) => {
        throw loginError(failureCode(error, 'E_PSC_LOGIN_FAILED'), error);
      }),
    (error: unknown) => {
      const code = oauthError(error);
      throw loginError(
        code === 'access_denied'
          ? 'E_PSC_LOGIN_DENIED'
          : code === 'expired_token'
            ? 'E_PSC_LOGIN_TIMEOUT'
            : failureCode(error, 'E_PSC_LOGIN_FAILED'),
        error,
      );
    },
  );
  return { expiresIn: started.expires_in, completion };
}
