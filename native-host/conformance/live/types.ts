import type { LookupFunction } from 'node:net';
import type { PscSession } from '../../psc/session';
import type { CrlStore } from '../../trust/crl-store';
import type { OcspClient } from '../../trust/ocsp-client';
import type { TrustContext } from '../../trust/verify';
import type { LiveConfig } from './config';

/**
 * `proved`: the rule was observed to hold on the platform; `failing`: the platform breaks it (the
 * add-on refuses, citing the rule); `not-run`: the check could not be made (the sentence says why).
 */
export type LiveStatus = 'proved' | 'failing' | 'not-run';

/** One result of one live check, for the requirement(s) it bears on. */
export interface LiveResult {
  /** The check's name, e.g. `tls.imap`, `xoauth2.smtp`. */
  check: string;
  ids: string[];
  status: LiveStatus;
  fr: string;
  en: string;
  /** What was observed (negotiated protocol, certificate, server answers); never a token. */
  evidence: Record<string, string>;
}

/** One run of `mssante conformance --live` against one platform. */
export interface LiveRun {
  platform: string;
  date: string;
  /** Where it ran (host names and ports, mailbox, PSC preset, trust set): no secret. */
  target: Record<string, string>;
  results: LiveResult[];
}

/** What every check gets: the resolved configuration, trust, and the PSC session once signed in. */
export interface LiveContext {
  config: LiveConfig;
  trust: TrustContext;
  lookup?: LookupFunction;
  /** The CRL cache directory the trust context uses (ECO.1.1.7 replays from it). */
  crlDir: string;
  /** The CRL store and OCSP client behind `trust.revocation` (for checks that watch it). */
  revocationParts: { crls: CrlStore; ocsp: OcspClient };
  /** Signed in by the `psc` check; absent when the sign-in failed or was not possible. */
  session?: PscSession;
  /** Says what the operator must do (CIBA binding message, browser URL). */
  prompt: (fr: string, en: string) => void;
  /**
   * Completes a `browser` sign-in at PSC's page instead of a person (given the authorization URL
   * and the national id to sign in as; resolves once PSC redirected to the callback). Only a
   * caller that knows the page passes one: the lab, for its PSC stub.
   */
  completeLoginPage?: LoginPageDriver;
}

export type LoginPageDriver = (authorizationUrl: string, nationalId: string) => Promise<void>;

/** A live check: a small module naming the requirement ids it proves. */
export interface LiveCheck {
  name: string;
  ids: string[];
  run(context: LiveContext): Promise<LiveResult[]>;
}

/** A result built from its parts (evidence values are strings, cut to 300 characters). */
export function result(
  check: string,
  ids: string[],
  status: LiveStatus,
  sentence: { fr: string; en: string },
  evidence: Record<string, string | number | undefined> = {},
): LiveResult {
  const clean: Record<string, string> = {};
  for (const [k, v] of Object.entries(evidence))
    if (v !== undefined) clean[k] = String(v).slice(0, 300);
  return { check, ids, status, fr: sentence.fr, en: sentence.en, evidence: clean };
}
