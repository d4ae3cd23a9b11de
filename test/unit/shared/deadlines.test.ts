import assert from 'node:assert/strict';
import { TIME_LIMIT_SECONDS } from '../../../native-host/annuaire/ldap-client';
import { AUTOCONFIG_TIMEOUT_MS } from '../../../native-host/autoconfig/fetch';
import {
  DEFAULT_REQUEST_DEADLINE_MS,
  HOST_WAITS_MS,
  requestDeadlineMs,
} from '../../../shared/protocol/deadlines';
import { MESSAGES, type MessageType } from '../../../shared/protocol/index';

/**
 * When a server stalls, the host's own timer must fire first: the user then reads the specific
 * error (E_AUTOCONFIG_TIMEOUT…) and not E_HOST_TIMEOUT. These are the pairs that make it so.
 */
describe('request deadlines: the add-on waits longer than the host waits behind a request', () => {
  const longer = (type: MessageType, hostWaitMs: number) =>
    assert.ok(
      requestDeadlineMs(type) >= hostWaitMs + 2_000,
      `${type}: ${requestDeadlineMs(type)} ms for a host wait of ${hostWaitMs} ms`,
    );

  it('the host’s timers take their values from the one table', () => {
    assert.equal(AUTOCONFIG_TIMEOUT_MS, HOST_WAITS_MS.autoconfig);
    assert.equal(TIME_LIMIT_SECONDS * 1000, HOST_WAITS_MS.ldapOperation);
  });

  it('autoconfig lookup, connection test, PSC requests (through the LPS server or not), Annuaire queries', () => {
    longer('autoconfig.lookup', HOST_WAITS_MS.autoconfig);
    longer('mailbox.test', HOST_WAITS_MS.connectionTestSide);
    // One request on the PSC side (through the LPS server, or to PSC itself); a sign-in makes
    // two in a row (open the session then log in; or PSC's discovery then the request).
    const pscSide = Math.max(HOST_WAITS_MS.lpsRequest, HOST_WAITS_MS.pscRequest);
    for (const type of ['psc.status', 'psc.logout'] as const) longer(type, pscSide);
    longer('psc.login', 2 * pscSide);
    // Connect, then search: each under the LDAP limit, before the offline fall-back answers.
    for (const type of ['annuaire.search', 'annuaire.autocomplete'] as const)
      longer(type, 2 * HOST_WAITS_MS.ldapOperation);
  });

  it('every other request, with no outside wait behind it, gets the default', () => {
    const waiting = new Set([
      'autoconfig.lookup',
      'mailbox.test',
      'psc.status',
      'psc.login',
      'psc.logout',
      'annuaire.search',
      'annuaire.autocomplete',
    ]);
    for (const type of Object.keys(MESSAGES) as MessageType[])
      if (!waiting.has(type))
        assert.equal(requestDeadlineMs(type), DEFAULT_REQUEST_DEADLINE_MS, type);
  });
});
