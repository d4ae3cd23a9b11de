import net, { type LookupFunction } from 'node:net';
import type tls from 'node:tls';
import { Client, type Filter, ResultCodeError, TimeLimitExceededError } from 'ldapts';
import type { AnnuaireEntry } from '../../shared/domain/annuaire/entry';
import { MssanteError } from '../../shared/errors/mssante-error';
import { HOST_WAITS_MS } from '../../shared/protocol/deadlines';
import { type AnnuaireCriteria, autocompleteFilter, criteriaFilter } from './criteria';
import { SEARCH_ATTRIBUTES, entryFromLdap } from './mapping';
import type { PeerReport, TrustContext } from '../trust/verify';
import { type LdapsTarget, ldapsPreflight, ldapsTarget, type VerifiedLdaps } from './ldap-tls';
import { ANNUAIRE_PRESET } from './preset';

/** At most this many entries per query, like the real Annuaire's server-side limit (ECO.3.1.4). */
export const MAX_RESULTS = 100;
/** Time limit of a query, on the server (timeLimit) and on the client (timeout), in seconds. */
export const TIME_LIMIT_SECONDS = HOST_WAITS_MS.ldapOperation / 1000;

export interface AnnuaireLdapOptions {
  /** `ldap://host:port` or `ldaps://host:port`. */
  url: string;
  base?: string;
  /** Client-side limit of each operation (connect, search), milliseconds; default 60 000. */
  timeoutMs?: number;
  /**
   * Required for `ldaps://` (E_ANNUAIRE_TLS_UNTRUSTED without it): the IGC Santé trust context
   * the server is verified under, as the bridge's servers are (see ldap-tls.ts, docs/trust.md).
   */
  trust?: TrustContext;
  /** Name resolution of the server's host (the sandbox's names); the system's otherwise. */
  lookup?: LookupFunction;
}

export interface AnnuaireSearchResult {
  entries: AnnuaireEntry[];
  /**
   * More entries match than were returned: refine the search. Set when the cap was reached
   * (see docs/annuaire.md: a server capped at 100 does not say whether exactly 100 matched).
   */
  truncated: boolean;
}

const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ERR_SOCKET_CLOSED',
]);

/** Anything ldapts or the socket throws, as one coded error (the one translation point). */
export function annuaireError(error: unknown): MssanteError {
  if (error instanceof MssanteError) return error;
  if (error instanceof TimeLimitExceededError)
    return new MssanteError('E_ANNUAIRE_TIMEOUT', { detail: 'server time limit', cause: error });
  if (error instanceof ResultCodeError)
    return new MssanteError('E_ANNUAIRE_LDAP_FAILED', {
      detail: `LDAP result ${error.code}`,
      cause: error,
    });
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'ETIMEDOUT' || /timed? ?out/i.test(message))
    return new MssanteError('E_ANNUAIRE_TIMEOUT', { cause: error });
  if (typeof code === 'string' && UNREACHABLE.has(code))
    return new MssanteError('E_ANNUAIRE_UNREACHABLE', { detail: code, cause: error });
  if (/socket|connection|closed/i.test(message))
    return new MssanteError('E_ANNUAIRE_UNREACHABLE', { cause: error });
  return new MssanteError('E_ANNUAIRE_LDAP_FAILED', { cause: error });
}

function checkedUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new MssanteError('E_ANNUAIRE_URL_INVALID', { cause });
  }
  if (parsed.protocol !== 'ldap:' && parsed.protocol !== 'ldaps:')
    throw new MssanteError('E_ANNUAIRE_URL_INVALID', { detail: parsed.protocol });
  return url;
}

function ldapsHost(url: string): string {
  const { host, port } = ldapsTarget(url);
  return `${host}:${port}`;
}

const collator = new Intl.Collator('fr', { sensitivity: 'base' });

function byName(a: AnnuaireEntry, b: AnnuaireEntry): number {
  return (
    collator.compare(a.lastName || a.organisation, b.lastName || b.organisation) ||
    collator.compare(a.firstName, b.firstName) ||
    collator.compare(a.mail, b.mail)
  );
}

/**
 * The host's Annuaire Santé client over LDAP (ldapts): anonymous, read-only, one connection kept
 * open between queries (reopened when it drops), at most 100 entries per query, 60 s limits.
 * No bind is ever made: no credential of any kind is sent to the Annuaire (the public one is
 * plain LDAP on 389, anonymous and public). Over `ldaps://`, each connection is first opened and
 * verified under the IGC Santé rules (ldap-tls.ts) and ldapts is handed that very socket.
 */
export class AnnuaireLdapClient {
  readonly url: string;
  readonly base: string;
  private readonly timeoutMs: number;
  private client: Client | null = null;
  private readonly lookup: LookupFunction | undefined;
  private readonly tls: { target: LdapsTarget; trust: TrustContext } | null;
  /** A verified TLS connection not yet handed to ldapts. */
  private verified: VerifiedLdaps | null = null;
  private verifying: Promise<void> | null = null;
  /** Bumped by close(): a pre-flight that ends after it does not leave its socket open. */
  private closings = 0;
  private lastPeer: PeerReport | null = null;

  constructor(options: AnnuaireLdapOptions) {
    this.url = checkedUrl(options.url);
    this.base = options.base ?? ANNUAIRE_PRESET.base;
    this.timeoutMs = options.timeoutMs ?? TIME_LIMIT_SECONDS * 1000;
    this.lookup = options.lookup;
    if (new URL(this.url).protocol === 'ldaps:') {
      // Without a trust context ldapts would verify against Node's system store: never.
      if (!options.trust)
        throw new MssanteError('E_ANNUAIRE_TLS_UNTRUSTED', { detail: ldapsHost(this.url) });
      this.tls = { target: ldapsTarget(this.url), trust: options.trust };
    } else this.tls = null;
  }

  /** Over `ldaps://`: what was verified on the current (or last) connection. */
  get peer(): PeerReport | null {
    return this.lastPeer;
  }

  /** Multi-criteria search (every criterion must match). */
  search(criteria: AnnuaireCriteria): Promise<AnnuaireSearchResult> {
    return this.run(() => criteriaFilter(criteria));
  }

  /** Autocomplete: each word typed starts the last name, first name, mail or organisation. */
  autocomplete(text: string): Promise<AnnuaireSearchResult> {
    return this.run(() => autocompleteFilter(text));
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = null;
    this.closings += 1;
    this.verified?.socket.destroy();
    this.verified = null;
    if (client?.isConnected) await client.unbind().catch(() => undefined);
  }

  private connection(): Client {
    this.client ??= new Client({
      url: this.url,
      timeout: this.timeoutMs,
      connectTimeout: this.timeoutMs,
      ...(this.tls
        ? { createSecureConnection: (() => this.takeVerified()) as unknown as typeof tls.connect }
        : {}),
      ...(!this.tls && this.lookup ? { createConnection: this.plainConnect() } : {}),
    });
    return this.client;
  }

  private plainConnect(): typeof net.connect {
    const lookup = this.lookup;
    return ((port: number, host: string) =>
      net.connect({ port, host, ...(lookup ? { lookup } : {}) })) as unknown as typeof net.connect;
  }

  /**
   * Over `ldaps://`, before ldapts (re)opens its connection: the pre-flight under the project's
   * policy, once even for concurrent queries. Its refusals are the bridge's coded errors.
   */
  private async ensureVerified(): Promise<void> {
    if (!this.tls || this.client?.isConnected) return;
    if (this.verified && !this.verified.socket.destroyed) return;
    this.verified = null;
    const { target, trust } = this.tls;
    const closings = this.closings;
    this.verifying ??= ldapsPreflight(target, {
      trust,
      timeoutMs: this.timeoutMs,
      ...(this.lookup ? { lookup: this.lookup } : {}),
    })
      .then((verified) => {
        if (closings !== this.closings) return void verified.socket.destroy();
        this.verified = verified;
        this.lastPeer = verified.report;
      })
      .finally(() => (this.verifying = null));
    await this.verifying;
  }

  /** ldapts' createSecureConnection: the socket the pre-flight verified, and only that one. */
  private takeVerified(): tls.TLSSocket {
    const verified = this.verified;
    this.verified = null;
    if (!verified || verified.socket.destroyed)
      throw new MssanteError('E_ANNUAIRE_UNREACHABLE', {
        detail: `${ldapsHost(this.url)}: the verified TLS connection closed before use`,
      });
    return verified.socket;
  }

  private async run(buildFilter: () => Filter | null): Promise<AnnuaireSearchResult> {
    const filter = buildFilter();
    if (filter === null) return { entries: [], truncated: false };
    try {
      await this.ensureVerified();
      // One more than the cap: a server without a limit of its own then shows there is more.
      const { searchEntries } = await this.connection().search(this.base, {
        scope: 'sub',
        filter,
        attributes: SEARCH_ATTRIBUTES,
        sizeLimit: MAX_RESULTS + 1,
        timeLimit: Math.ceil(this.timeoutMs / 1000),
      });
      const entries = searchEntries.slice(0, MAX_RESULTS).map(entryFromLdap).sort(byName);
      return { entries, truncated: searchEntries.length >= MAX_RESULTS };
    } catch (error) {
      // A failed connection is not reused: the next query opens a fresh one.
      await this.close().catch(() => undefined);
      throw annuaireError(error);
    }
  }
}
