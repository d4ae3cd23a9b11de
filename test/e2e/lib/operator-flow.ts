import assert from 'node:assert/strict';
import type { TestOperator } from '../../../lab/sandbox/operator';
import { MARIE } from '../../../lab/sandbox/people';
import { type ThunderbirdSuite, waitFor } from '../../../lab/thunderbird/harness';

/** What the page agent's `read` returns for one element. */
type Read = Record<string, { text: string; hidden: boolean; data: Record<string, string> }>;

export { operatorHostConfig } from '../../../lab/sandbox/host-config';

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
  nationalId = MARIE.nationalId,
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
  nationalId = MARIE.nationalId,
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
  tlsCertificate: string;
}

/**
 * A sandbox mailbox as the setup page makes it: the host's bridge (`mailbox.add` with the
 * operator's IMAP and SMTP, plus `params` such as an APP mailbox's PKCS#12) and the Thunderbird
 * account pointing at it. The add-on's account sync may have mirrored the new host mailbox
 * already: that account is taken (`mssanteAccounts.find`), else one is made
 * (`mssanteAccounts.create`).
 */
export async function bridgedAccount(
  suite: ThunderbirdSuite,
  popup: number,
  operator: TestOperator,
  options: {
    address: string;
    fullName: string;
    profile?: 'PER' | 'ORG' | 'APP';
    params?: Record<string, unknown>;
  },
): Promise<BridgedAccount> {
  const { dovecot } = operator;
  const call = <T>(api: string, ...args: unknown[]) => suite.page<T>(popup, 'call', { api, args });
  const added = await suite.page<{
    ok: boolean;
    result: { imapPort: number; smtpPort: number; secret: string; tlsCertificate: string };
  }>(popup, 'sendMessage', {
    kind: 'host',
    type: 'mailbox.add',
    params: {
      address: options.address,
      profile: options.profile ?? 'PER',
      imap: { host: 'imap.sandbox.mssante.test', port: dovecot.info.imap.port },
      smtp: { host: 'smtp.sandbox.mssante.test', port: dovecot.info.smtp.port },
      ...options.params,
    },
  });
  assert.equal(added.ok, true, JSON.stringify(added));
  const existing = await call<string | null>('mssanteAccounts.find', options.address);
  const created = existing
    ? {
        accountId: existing,
        identityId: (await call<{ id: string }>('identities.getDefault', existing)).id,
      }
    : await call<{ accountId: string; identityId: string }>('mssanteAccounts.create', {
        address: options.address,
        fullName: options.fullName,
        imapPort: added.result.imapPort,
        smtpPort: added.result.smtpPort,
        secret: added.result.secret,
        tlsCertificate: added.result.tlsCertificate,
      });
  return { ...created, ...added.result };
}

/** Sends a plain-text message now from a Thunderbird identity, through an add-on page `page`. */
export async function sendPlain(
  suite: ThunderbirdSuite,
  page: number,
  message: { identityId: string; to: string[]; subject: string; body: string },
): Promise<void> {
  const tab = await suite.page<{ id: number }>(page, 'call', {
    api: 'compose.beginNew',
    args: [
      {
        identityId: message.identityId,
        to: message.to,
        subject: message.subject,
        plainTextBody: message.body,
        isPlainText: true,
      },
    ],
  });
  await suite.page(page, 'call', {
    api: 'compose.sendMessage',
    args: [tab.id, { mode: 'sendNow' }],
  });
}

/**
 * Waits (60 s at most) for the first message of `address`'s mailbox in the sandbox's Dovecot
 * that `match` accepts, and returns it raw.
 */
export function mailIn(
  operator: TestOperator,
  address: string,
  match: (raw: string) => boolean,
): Promise<string> {
  return waitFor(
    `the message in ${address}`,
    async () => operator.dovecot.readMailbox(address).find(match),
    { timeoutMs: 60_000, intervalMs: 500 },
  );
}
