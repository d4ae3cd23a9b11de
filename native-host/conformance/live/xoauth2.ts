import { errorMessage } from '../../../shared/errors/codes';
import { MssanteError } from '../../../shared/errors/mssante-error';
import { openImapSession } from '../../bridge/imap-upstream';
import { authenticateSmtp, openSmtpSession } from '../../bridge/smtp-upstream';
import { liveMailbox } from './mailbox';
import { signIn } from './psc-login';
import { type LiveCheck, type LiveContext, type LiveResult, result } from './types';

const ID = ['ECO.1.2.1'];

function notRun(check: string, error: MssanteError, fr: string, en: string): LiveResult {
  return result(
    check,
    ID,
    'not-run',
    { fr: `${fr} (${error.code}).`, en: `${en} (${error.code}).` },
    {
      code: error.code,
      detail: error.detail,
    },
  );
}

/** Logged in, or refused by the operator (failing), or stopped before (not-run). */
function afterLogin(check: string, P: string, error: unknown): LiveResult {
  const e = error instanceof MssanteError ? error : new MssanteError('E_UPSTREAM_PROTOCOL');
  if (e.code === 'E_UPSTREAM_AUTH')
    return result(
      check,
      ID,
      'failing',
      { fr: `${P} : ${errorMessage(e.code, 'fr')}`, en: `${P}: ${errorMessage(e.code, 'en')}` },
      { code: e.code, detail: e.detail },
    );
  return notRun(
    check,
    e,
    `${P} : non vérifiable, la connexion s’est arrêtée avant l’authentification`,
    `${P}: could not be checked, the connection stopped before authentication`,
  );
}

async function imapLogin(context: LiveContext): Promise<LiveResult> {
  try {
    const s = await openImapSession(liveMailbox(context, context.session!), context.trust);
    s.socket.destroy();
    return result(
      'xoauth2.imap',
      ID,
      'proved',
      {
        fr: 'IMAP : STARTTLS puis AUTHENTICATE XOAUTH2 avec le jeton d’accès PSC accepté par l’opérateur.',
        en: 'IMAP: STARTTLS then AUTHENTICATE XOAUTH2 with the PSC access token accepted by the operator.',
      },
      { server: s.report.server, capabilities: s.capabilities },
    );
  } catch (error) {
    return afterLogin('xoauth2.imap', 'IMAP', error);
  }
}

async function smtpLogin(context: LiveContext): Promise<LiveResult> {
  const mailbox = liveMailbox(context, context.session!);
  try {
    const opened = await openSmtpSession(mailbox, context.trust);
    const s = await authenticateSmtp(opened, mailbox, context.trust);
    s.reader.send('QUIT');
    s.socket.end();
    return result(
      'xoauth2.smtp',
      ID,
      'proved',
      {
        fr: 'SMTP : STARTTLS puis AUTH XOAUTH2 avec le jeton d’accès PSC accepté par l’opérateur.',
        en: 'SMTP: STARTTLS then AUTH XOAUTH2 with the PSC access token accepted by the operator.',
      },
      { server: s.report.server, extensions: s.extensions.join(' ') },
    );
  } catch (error) {
    return afterLogin('xoauth2.smtp', 'SMTP', error);
  }
}

/** ECO.1.2.1: a PSC sign-in, then XOAUTH2 on IMAP and on SMTP with its access token. */
export const xoauth2Check: LiveCheck = {
  name: 'xoauth2',
  ids: ID,
  async run(context) {
    try {
      context.session = await signIn(context);
    } catch (error) {
      const e = error instanceof MssanteError ? error : new MssanteError('E_PSC_LOGIN_FAILED');
      return ['xoauth2.imap', 'xoauth2.smtp'].map((check) =>
        notRun(
          check,
          e,
          'Non vérifiable : la connexion à Pro Santé Connect a échoué',
          'Could not be checked: the Pro Santé Connect sign-in failed',
        ),
      );
    }
    const identity = context.session.facts.identity;
    context.prompt(
      `Connecté à Pro Santé Connect : ${identity?.givenName ?? ''} ${identity?.familyName ?? ''} (${identity?.nationalId ?? '?'})`,
      `Signed in to Pro Santé Connect: ${identity?.givenName ?? ''} ${identity?.familyName ?? ''} (${identity?.nationalId ?? '?'})`,
    );
    return [await imapLogin(context), await smtpLogin(context)];
  },
};
