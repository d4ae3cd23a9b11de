import type { ErrorCode } from '../../shared/errors/codes';
import type { PscIdentity } from './identity';

/** What the extension may see about the session: identity and times, never a token. */
export interface PscFacts {
  state: 'signed-out' | 'signing-in' | 'signed-in' | 'ended';
  identity?: PscIdentity;
  since?: number;
  accessExpiresAt?: number;
  idleExpiresAt?: number;
  absoluteExpiresAt?: number;
  ended?: { code: ErrorCode; at: number };
}

export interface LoginStart {
  /** Open this in a Thunderbird tab. */
  url: string;
  completion: Promise<PscIdentity>;
}

export interface CibaStart {
  bindingMessage: string;
  expiresIn: number;
  completion: Promise<PscIdentity>;
}

/**
 * What the host uses of a PSC session, wherever it is held: `PscSession` in the host's own
 * process (embedded: the host is its own intermediate LPS server), or `RemotePscSession`, the
 * host's end of a session the intermediate LPS server holds (remote-session.ts). The bridges ask
 * it for access tokens; the host tells the extension its facts; `ended` closes every IMAP and
 * SMTP session (ECO.1.2.6).
 */
export interface HostPscSession {
  readonly facts: PscFacts;
  /** The user works: PSC's idle limit follows activity. */
  touch(): void;
  beginBrowserLogin(): Promise<LoginStart>;
  beginCiba(nationalId: string, bindingMessage: string): Promise<CibaStart>;
  /** A valid access token for an upstream login. */
  accessToken(): Promise<string>;
  /** A new access token now (the operator refused the last one, ECO.1.2.7). */
  refresh(): Promise<string>;
  signOut(): void;
  on(event: 'change', listener: (facts: PscFacts) => void): this;
  on(event: 'ended', listener: (code: ErrorCode) => void): this;
}
