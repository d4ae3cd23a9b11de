import { randomBytes } from 'node:crypto';
import { MssanteError } from '../../../shared/errors/mssante-error';
import { PscSession } from '../../psc/session';
import { livePscOptions } from './config';
import type { LiveContext } from './types';

/**
 * Signs in to PSC the way the configuration says (docs/conformance.md):
 * - `ciba`: a push to the lab's e-CPS app for `nationalId`; the binding message is printed and
 *   must match what the phone shows; the check waits for the approval;
 * - `browser`: the authorization URL is printed; the lab opens it, signs in, and PSC redirects
 *   to the loopback listener the session opened (authorization code + PKCE). A caller that
 *   knows the page (the project's lab, for its PSC stub) completes it itself through
 *   `context.completeLoginPage`.
 */
export async function signIn(context: LiveContext): Promise<PscSession> {
  const psc = context.config.psc;
  const session = new PscSession(livePscOptions(context.config));
  try {
    if (psc.login === 'ciba') {
      const binding = `MSS-${randomBytes(2).toString('hex').toUpperCase()}`;
      const start = await session.beginCiba(psc.nationalId!, binding);
      context.prompt(
        `Validez la demande dans l’application e-CPS ; message affiché : ${start.bindingMessage}`,
        `Approve the request in the e-CPS app; message shown: ${start.bindingMessage}`,
      );
      await start.completion;
      return session;
    }
    const start = await session.beginBrowserLogin();
    if (context.completeLoginPage && psc.nationalId)
      await context.completeLoginPage(start.url, psc.nationalId);
    else
      context.prompt(
        `Ouvrez cette adresse dans un navigateur de cette machine et connectez-vous : ${start.url}`,
        `Open this address in a browser on this machine and sign in: ${start.url}`,
      );
    await start.completion;
    return session;
  } catch (error) {
    session.signOut();
    throw error instanceof MssanteError
      ? error
      : new MssanteError('E_PSC_LOGIN_FAILED', { cause: error });
  }
}
