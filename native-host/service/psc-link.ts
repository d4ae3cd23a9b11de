import { randomInt } from 'node:crypto';
import type { ErrorCode } from '../../shared/errors/codes';
import { MssanteError, toMssanteError } from '../../shared/errors/mssante-error';
import { type HostEvent, makeEvent, type Params, type Result } from '../../shared/protocol/index';
import type { AuditInput, AuditJournal } from '../audit/journal';
import { RemotePscSession } from '../psc/remote-session';
import { PscSession } from '../psc/session';
import type { HostPscSession, PscFacts } from '../psc/session-port';
import type { HostSettings } from './host-settings';
import type { MailboxHealth } from './mailbox-health';

export interface PscLinkDeps {
  settings: HostSettings;
  audit: AuditJournal;
  notify: (event: HostEvent) => void;
  health: MailboxHealth;
  /** ECO.1.2.6: the session is over; every IMAP and SMTP session must end, with this code. */
  endSessions: (code: ErrorCode) => void;
}

/**
 * The host's PSC session as the protocol sees it: made from config.json when first needed (and
 * again after it ended), its changes and its end told to the extension and journaled, its logins
 * started and reported.
 */
export class PscLink {
  #session: HostPscSession | null = null;

  constructor(private readonly deps: PscLinkDeps) {}

  /**
   * Journals from the session's events and logins' ends, outside any request: an entry that
   * cannot be written (E_AUDIT_WRITE_FAILED) is told to the extension, never thrown into the
   * session's event loop.
   */
  private journal(input: AuditInput): void {
    try {
      this.deps.audit.record(input);
    } catch (error) {
      this.deps.notify(makeEvent('notice', toMssanteError(error).toWire()));
    }
  }

  /** The session as it is, without making one. */
  get current(): HostPscSession | null {
    return this.#session;
  }

  /** The live session, or a new one (throws E_CONFIG_MISSING when no PSC client is configured). */
  session(): HostPscSession {
    if (this.#session && this.#session.facts.state !== 'ended') return this.#session;
    const { config } = this.deps.settings.resolved();
    // The intermediate LPS server holds the session (the host has no PSC credential), or the
    // host is its own intermediate server (embedded: config.json names the PSC client).
    const session: HostPscSession = config.lps
      ? new RemotePscSession(config.lps)
      : config.psc
        ? new PscSession(config.psc)
        : (() => {
            throw new MssanteError('E_CONFIG_MISSING', { detail: 'no PSC client configured' });
          })();
    let lastExpiry: number | undefined;
    session.on('change', (facts: PscFacts) => {
      if (facts.state === 'signed-in') this.deps.health.sessionStarted();
      // ECO.4: a new access token while signed in (renewed by the intermediate server or here),
      // journaled without the token.
      if (facts.state === 'signed-in' && lastExpiry && facts.accessExpiresAt !== lastExpiry)
        this.journal({
          author: facts.identity?.nationalId ?? 'unknown',
          action: 'psc-token-renewed',
          outcome: 'ok',
        });
      lastExpiry = facts.state === 'signed-in' ? facts.accessExpiresAt : undefined;
      this.deps.notify(makeEvent('psc', this.status()));
    });
    session.on('ended', (code: ErrorCode) => {
      // ECO.1.2.6: the refresh token is gone; close every IMAP and SMTP session and say why.
      this.deps.endSessions(code);
      this.journal({
        author: session.facts.identity?.nationalId ?? 'unknown',
        action: 'psc-session-end',
        outcome: 'ok',
        code,
      });
      this.deps.notify(makeEvent('notice', new MssanteError(code).toWire()));
    });
    this.#session = session;
    return session;
  }

  status(): Result<'psc.status'> {
    let preset = 'none';
    try {
      const { config } = this.deps.settings.resolved();
      preset = config.preset;
      if (!config.psc && !config.lps) throw new MssanteError('E_CONFIG_MISSING');
    } catch (error) {
      return unconfigured(preset, toMssanteError(error));
    }
    return { configured: true, preset, ...statusFacts(this.#session?.facts) };
  }

  async login(params: Params<'psc.login'>): Promise<Result<'psc.login'>> {
    const session = this.session();
    if (params.method === 'browser') {
      const start = await session.beginBrowserLogin();
      void this.report(params, session, start.completion);
      return { url: start.url };
    }
    // ANS's form (ansforge/psc-edc-proxy-esante's API): a two-digit number, 00 to 99.
    const binding = String(randomInt(100)).padStart(2, '0');
    const start = await session.beginCiba(params.nationalId, binding);
    void this.report(params, session, start.completion);
    return { bindingMessage: start.bindingMessage, expiresIn: start.expiresIn };
  }

  logout(): Result<'psc.logout'> {
    this.#session?.signOut();
    return this.status();
  }

  /** Journals how a login ended; a failure is also told to the extension. */
  private report(
    params: Params<'psc.login'>,
    session: HostPscSession,
    completion: Promise<unknown>,
  ): Promise<void> {
    return completion.then(
      () =>
        this.journal({
          author: session.facts.identity?.nationalId ?? 'unknown',
          action: 'psc-login',
          outcome: 'ok',
          request: params.method,
          // The eIDAS level PSC asserted (`none` when the ID token had no acr: eidas1).
          response: `acr ${session.facts.identity?.acr ?? 'none'}`,
        }),
      (error: unknown) => {
        const failure =
          error instanceof MssanteError ? error : new MssanteError('E_PSC_LOGIN_FAILED');
        this.journal({
          author: params.method === 'ciba' ? params.nationalId : 'unknown',
          action: 'psc-login',
          outcome: 'failed',
          request: params.method,
          code: failure.code,
        });
        this.deps.notify(makeEvent('notice', failure.toWire()));
      },
    );
  }
}

/** Nothing configured is the normal first run; anything else is a fault to show. */
function unconfigured(preset: string, problem: MssanteError): Result<'psc.status'> {
  return {
    configured: false,
    preset,
    state: 'signed-out',
    ...(problem.code === 'E_CONFIG_MISSING'
      ? {}
      : {
          configError: {
            ...problem.toWire(),
            ...(problem.detail ? { detail: problem.detail } : {}),
          },
        }),
  };
}

/** The session's facts as psc.status carries them (no subject, no token). */
function statusFacts(
  facts: PscFacts = { state: 'signed-out' },
): Omit<Result<'psc.status'>, 'configured' | 'preset'> {
  const { identity } = facts;
  return {
    state: facts.state,
    ...(identity
      ? {
          identity: {
            nationalId: identity.nationalId,
            givenName: identity.givenName,
            familyName: identity.familyName,
            ...(identity.civility ? { civility: identity.civility } : {}),
          },
        }
      : {}),
    ...(facts.since ? { since: facts.since } : {}),
    ...(facts.accessExpiresAt ? { accessExpiresAt: facts.accessExpiresAt } : {}),
    ...(facts.idleExpiresAt ? { idleExpiresAt: facts.idleExpiresAt } : {}),
    ...(facts.absoluteExpiresAt ? { absoluteExpiresAt: facts.absoluteExpiresAt } : {}),
    ...(facts.ended ? { ended: facts.ended } : {}),
  };
}
