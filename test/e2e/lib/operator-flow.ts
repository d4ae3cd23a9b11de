import assert from 'node:assert/strict';
import type { TestOperator } from '../../../sandbox/operator';
import { type ThunderbirdSuite, waitFor } from './harness';

/** What the page agent's `read` returns for one element. */
type Read = Record<string, { text: string; hidden: boolean; data: Record<string, string> }>;

/**
 * The host's config.json for a suite against a test operator: its PSC stub as the PSC issuer
 * (discovery at PSC's own path), its generated IGC Santé chain as the trust set, and the sandbox's
 * names resolved to loopback. `psc` and the rest merge over it.
 */
export function operatorHostConfig(
  operator: TestOperator,
  extra: { psc?: Record<string, unknown>; [key: string]: unknown } = {},
): Record<string, unknown> {
  const { stub } = operator;
  const { psc, ...rest } = extra;
  return {
    psc: {
      preset: 'custom',
      issuer: stub.info.issuer,
      discovery: `${stub.info.issuer}/.well-known/wallet-openid-configuration`,
      clientId: stub.info.hostClient.clientId,
      clientSecret: stub.info.hostClient.clientSecret,
      ...psc,
    },
    trust: { set: 'sandbox', ...operator.anchors },
    hosts: { '*.sandbox.mssante.test': '127.0.0.1' },
    ...rest,
  };
}

const pscState = async (suite: ThunderbirdSuite, popup: number) =>
  (await suite.page<Read>(popup, 'read', { s: '#psc-state' })).s!.data.state;

/** The host is connected, as the popup (open in `popup`) says. */
export function hostConnected(suite: ThunderbirdSuite, popup: number): Promise<boolean> {
  return waitFor(
    'the host',
    async () =>
      (await suite.page<Read>(popup, 'read', { s: '#state' })).s!.data.status === 'connected',
  );
}

/** Signs in to PSC as the user does: the stub's page in a Thunderbird tab, e-CPS chosen. */
export async function signInOnPage(
  suite: ThunderbirdSuite,
  popup: number,
  operator: TestOperator,
  nationalId = '810100000011',
): Promise<void> {
  await suite.page(popup, 'sendMessage', { kind: 'pscLogin', method: 'browser' });
  const page = await waitFor('the PSC page in a tab', () =>
    suite.tabBrowsingContext(`${operator.stub.info.issuer}/interaction/`),
  );
  await suite.page(page, 'click', `button[data-national-id="${nationalId}"][data-method="ecps"]`);
  await waitFor('the PSC session', async () => (await pscState(suite, popup)) === 'signed-in');
}

/** Signs in with e-CPS (CIBA): the request, then the approval on the stub's "phone". */
export async function signInWithCiba(
  suite: ThunderbirdSuite,
  popup: number,
  operator: TestOperator,
  nationalId = '810100000011',
): Promise<void> {
  await suite.page(popup, 'sendMessage', { kind: 'pscLogin', method: 'ciba', nationalId });
  await waitFor('the e-CPS request', async () =>
    (
      (await operator.control('ciba-pending', {})) as { pending: Array<{ nationalId: string }> }
    ).pending.some((p) => p.nationalId === nationalId),
  );
  await operator.control('ciba-approve', { nationalId });
  await waitFor('the PSC session', async () => (await pscState(suite, popup)) === 'signed-in');
}

export interface BridgedAccount {
  accountId: string;
  identityId: string;
  imapPort: number;
  smtpPort: number;
  secret: string;
}

/**
 * A sandbox PER mailbox as the setup page makes it: the host's bridge (`mailbox.add` with the
 * operator's IMAP and SMTP) and the Thunderbird account pointing at it (`mssanteAccounts.create`).
 */
export async function bridgedAccount(
  suite: ThunderbirdSuite,
  popup: number,
  operator: TestOperator,
  options: { address: string; fullName: string },
): Promise<BridgedAccount> {
  const { dovecot } = operator;
  const added = await suite.page<{
    ok: boolean;
    result: { imapPort: number; smtpPort: number; secret: string };
  }>(popup, 'sendMessage', {
    kind: 'host',
    type: 'mailbox.add',
    params: {
      address: options.address,
      profile: 'PER',
      imap: { host: 'imap.sandbox.mssante.test', port: dovecot.info.imap.port },
      smtp: { host: 'smtp.sandbox.mssante.test', port: dovecot.info.smtp.port },
    },
  });
  assert.equal(added.ok, true, JSON.stringify(added));
  const created = await suite.page<{ accountId: string; identityId: string }>(popup, 'call', {
    api: 'mssanteAccounts.create',
    args: [
      {
        address: options.address,
        fullName: options.fullName,
        imapPort: added.result.imapPort,
        smtpPort: added.result.smtpPort,
        secret: added.result.secret,
      },
    ],
  });
  return { ...created, ...added.result };
}
