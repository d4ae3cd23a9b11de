import type { PscIdentity } from './identity';

/** An access token as a session keeps it: never a refresh token, which stays in the source. */
export interface PscGrant {
  accessToken: string;
  /** Seconds the access token lives, when PSC says. */
  expiresIn?: number;
  /** Seconds PSC keeps the session without a refresh (`refresh_expires_in`), when it says. */
  idleSeconds?: number;
}

/** A completed login: the first grant and who signed in. */
export interface PscLogin extends PscGrant {
  identity: PscIdentity;
}

export type RefreshOutcome =
  | { kind: 'granted'; grant: PscGrant }
  /** PSC refused the refresh token (invalid_grant, invalid_token): the session is over there. */
  | { kind: 'refused'; cause: unknown };

/**
 * Where a PSC session's tokens come from: the logins, the refresh and the check that PSC still
 * knows the session. `PscSession` keeps the facts, the limits and the events on top of it. Today
 * the host talks to PSC itself (`PscDirectSource`); an intermediate LPS server can take this place
 * without the session changing. Login failures are MssanteErrors with their final code.
 */
export interface PscTokenSource {
  /** Authorization code + PKCE in the user's browser: the URL to open, and the login to come. */
  browserLogin(): Promise<{ url: string; login: Promise<PscLogin> }>;
  /** CIBA (approval in the e-CPS app) for this national id, showing this binding message. */
  cibaLogin(
    nationalId: string,
    bindingMessage: string,
  ): Promise<{ expiresIn: number; login: Promise<PscLogin> }>;
  /** A new access token; other failures (unreachable, client refused) throw MssanteErrors. */
  refresh(): Promise<RefreshOutcome>;
  /** Does PSC still accept this access token (of this subject)? */
  stillValid(accessToken: string, subject: string | undefined): Promise<boolean>;
  /** Forgets what it holds for the session (its refresh token). */
  forget(): void;
}
