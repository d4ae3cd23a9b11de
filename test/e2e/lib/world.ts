import { readFileSync } from 'node:fs';
import { operatorHostConfig } from '../../../lab/sandbox/host-config';
import {
  startOperator,
  type OperatorOptions,
  type TestOperator,
} from '../../../lab/sandbox/operator';
import { APP, MARIE, ORG, type Practitioner } from '../../../lab/sandbox/people';
import { type SuiteOptions, ThunderbirdSuite, waitFor } from '../../../lab/thunderbird/harness';
import {
  type BridgedAccount,
  bridgedAccount,
  hostConnected,
  signInOnPage,
  signInWithCiba,
} from './operator-flow';

type Profile = 'PER' | 'ORG' | 'APP';
type Read = Record<string, { text: string; hidden: boolean; data: Record<string, string> }>;

export interface E2eWorldOptions {
  /** The suite's name (its profile, its failure folder). */
  name: string;
  /** What the operator runs beside the PSC stub and Dovecot (Annuaire, bad servers…). */
  operator?: OperatorOptions;
  /** Mail the operator holds before Thunderbird starts. */
  deliver?: (operator: TestOperator) => void | Promise<void>;
  /** Added to the host's config.json (`operatorHostConfig`'s `extra`). */
  hostConfig?: (operator: TestOperator) => Parameters<typeof operatorHostConfig>[1];
  prefs?: SuiteOptions['prefs'];
  /** How the practitioner signs in to PSC before the tests: e-CPS by CIBA, or the stub's page. */
  signIn?: 'ciba' | 'page' | false;
  /** The sandbox mailboxes bridged and made Thunderbird accounts before the tests. */
  mailboxes?: Profile[];
  /**
   * The host trusts the operator's test "commercial" CA (its autoconfig server's), as the setup
   * page's settings lookup needs.
   */
  webCa?: boolean;
  /** Waits until each account's INBOX holds at least this many messages. */
  inboxAtLeast?: number;
}

/**
 * What an end-to-end suite works with: a whole operator on loopback, one Thunderbird with the
 * add-on and its host configured for that operator, the add-on's popup open in a tab, and —
 * on request — the practitioner signed in and the sandbox mailboxes bridged. The `signedIn`,
 * `signedOut` and `account` helpers are idempotent, so a test states what it needs and runs
 * alone (`--grep`) as well as after its neighbours.
 */
export interface E2eWorld {
  operator: TestOperator;
  suite: ThunderbirdSuite;
  /** The popup page's browsing context. */
  popup: number;
  /** The accounts of `mailboxes`, by profile (a test that recreates one updates it). */
  accounts: Partial<Record<Profile, BridgedAccount>>;
  control(action: string, form: Record<string, string>): Promise<Record<string, unknown>>;
  /** The popup's PSC state (`signed-in`, `signed-out`, `ended`…). */
  pscState(): Promise<string | undefined>;
  /** Signed in as `who` (Marie by default), by CIBA unless already signed in. */
  signedIn(who?: Practitioner): Promise<void>;
  /** No PSC session (the user's "sign out" when one is open). */
  signedOut(): Promise<void>;
  /** The Thunderbird account of a sandbox mailbox, bridged first when it is not yet. */
  account(profile: Profile): Promise<BridgedAccount>;
  stop(): Promise<void>;
}

const FULL_NAMES: Record<Profile, string> = {
  PER: 'Dr Marie MARTIN',
  ORG: 'Secrétariat de cardiologie',
  APP: 'Laboratoire Central',
};

/** Starts the world of `options`; on failure, stops what it started and rethrows. */
export async function startE2eWorld(options: E2eWorldOptions): Promise<E2eWorld> {
  let operator: TestOperator | undefined;
  let suite: ThunderbirdSuite | undefined;
  try {
    operator = await startOperator(options.operator);
    await options.deliver?.(operator);
    suite = new ThunderbirdSuite({
      name: options.name,
      ...(options.prefs ? { prefs: options.prefs } : {}),
      hostConfig: operatorHostConfig(operator, options.hostConfig?.(operator)),
      ...(options.webCa ? { webCaFile: operator.files.webCaCert! } : {}),
    });
    await suite.start();
    const popup = await suite.openPage('ui/popup/popup.html');
    await hostConnected(suite, popup);
    const world = makeWorld(operator, suite, popup);
    if (options.signIn === 'page') await signInOnPage(suite, popup, operator);
    else if (options.signIn === 'ciba') await world.signedIn();
    for (const profile of options.mailboxes ?? []) {
      const { accountId } = await world.account(profile);
      if (options.inboxAtLeast)
        await waitFor(
          `the ${profile} INBOX in Thunderbird`,
          async () => (await suite!.folderSubjects(accountId)).length >= options.inboxAtLeast!,
          { timeoutMs: 90_000, intervalMs: 1000 },
        );
    }
    return world;
  } catch (error) {
    await suite?.stop().catch(() => {});
    await operator?.stop().catch(() => {});
    throw error;
  }
}

function makeWorld(operator: TestOperator, suite: ThunderbirdSuite, popup: number): E2eWorld {
  const accounts: E2eWorld['accounts'] = {};
  const pscState = async () =>
    (await suite.page<Read>(popup, 'read', { s: '#psc-state' })).s?.data.state;
  return {
    operator,
    suite,
    popup,
    accounts,
    control: (action, form) => operator.control(action, form),
    pscState,
    async signedIn(who = MARIE) {
      if ((await pscState()) === 'signed-in') return;
      await signInWithCiba(suite, popup, operator, who.nationalId);
    },
    async signedOut() {
      if ((await pscState()) !== 'signed-in') return;
      await suite.page(popup, 'sendMessage', { kind: 'pscLogout' });
      await waitFor('the end of the PSC session', async () => (await pscState()) !== 'signed-in');
    },
    async account(profile) {
      const address = addressOf(profile);
      const known = accounts[profile];
      if (known) {
        // The add-on may have recreated the account (host restart, account sync): follow it.
        const found = await suite.page<string | null>(popup, 'call', {
          api: 'mssanteAccounts.find',
          args: [address],
        });
        if (found === known.accountId) return known;
        if (found) {
          const identity = await suite.page<{ id: string }>(popup, 'call', {
            api: 'identities.getDefault',
            args: [found],
          });
          return (accounts[profile] = { ...known, accountId: found, identityId: identity.id });
        }
      }
      const params =
        profile === 'APP'
          ? {
              pkcs12: readFileSync(operator.app.p12).toString('base64'),
              pkcs12Password: operator.app.p12Password,
            }
          : undefined;
      const created = await bridgedAccount(suite, popup, operator, {
        address,
        fullName: FULL_NAMES[profile],
        profile,
        ...(params ? { params } : {}),
      });
      accounts[profile] = created;
      return created;
    },
    async stop() {
      await suite.stop();
      await operator.stop();
    },
  };
}

const addressOf = (profile: Profile) =>
  profile === 'PER' ? MARIE.mailbox : profile === 'ORG' ? ORG.address : APP.address;

/**
 * The world of `options` for the enclosing `describe`: started in `before()`, a failed test's
 * evidence saved in `afterEach()`, stopped in `after()`. Its fields are there once `before()`
 * has run.
 */
export function e2eWorld(options: E2eWorldOptions): E2eWorld {
  const handle = {} as E2eWorld;
  before(async function () {
    this.timeout(300_000);
    Object.assign(handle, await startE2eWorld(options));
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && handle.suite)
      await handle.suite.captureFailure(this.currentTest.fullTitle());
  });
  after(async function () {
    this.timeout(60_000);
    await handle.stop?.();
  });
  return handle;
}
