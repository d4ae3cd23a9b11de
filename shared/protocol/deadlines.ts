import type { MessageType } from './registry';

/**
 * How long the host waits for others (the operator's servers, the intermediate LPS server, the
 * Annuaire), in one place: the host's timers take these values, and the add-on's deadline for a
 * request is longer than the host's longest wait behind it. So when a server stalls, the user
 * reads the host's specific error (E_AUTOCONFIG_TIMEOUT, a connection test's step, the Annuaire
 * falling back offline) and not a bare E_HOST_TIMEOUT while the host is still waiting.
 */
export const HOST_WAITS_MS = {
  /** The operator's autoconfiguration server, the whole fetch (connect, TLS, answer). */
  autoconfig: 15_000,
  /** Each side (IMAP, SMTP) of a mailbox's connection test; both run side by side. */
  connectionTestSide: 20_000,
  /** One request to the intermediate LPS server, the whole exchange. */
  lpsRequest: 10_000,
  /** One request to PSC itself, when the host talks to it directly (discovery, CIBA, tokens). */
  pscRequest: 10_000,
  /** One Annuaire LDAP operation (connect, then search: two of them per query). */
  ldapOperation: 60_000,
} as const;

/** One request on the PSC side, through the LPS server or straight to PSC. */
const PSC_SIDE_MS = Math.max(HOST_WAITS_MS.lpsRequest, HOST_WAITS_MS.pscRequest);

/** Time for the host to answer once its own wait ended (journal, reply). */
const MARGIN_MS = 5_000;

/** A request with no wait of the host behind it (the host's own state, its files). */
export const DEFAULT_REQUEST_DEADLINE_MS = 10_000;

const DEADLINES: Partial<Record<MessageType, number>> = {
  'autoconfig.lookup': HOST_WAITS_MS.autoconfig + MARGIN_MS,
  'mailbox.test': HOST_WAITS_MS.connectionTestSide + MARGIN_MS,
  // A sign-in is two requests at most, one after the other: opening the session at the LPS
  // server then the login; or, straight to PSC, its discovery (first use) then the request.
  'psc.login': 2 * PSC_SIDE_MS + MARGIN_MS,
  'psc.status': PSC_SIDE_MS + MARGIN_MS,
  'psc.logout': PSC_SIDE_MS + MARGIN_MS,
  'annuaire.search': 2 * HOST_WAITS_MS.ldapOperation + MARGIN_MS,
  'annuaire.autocomplete': 2 * HOST_WAITS_MS.ldapOperation + MARGIN_MS,
};

/** How long the add-on waits for the host's answer to a request of this type. */
export function requestDeadlineMs(type: MessageType): number {
  return DEADLINES[type] ?? DEFAULT_REQUEST_DEADLINE_MS;
}
