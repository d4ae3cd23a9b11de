import assert from 'node:assert/strict';
import type { ErrorCode } from '../../../../shared/errors/codes';
import { MssanteError } from '../../../../shared/errors/mssante-error';
import { PscSession, type PscSessionOptions } from '../../../../native-host/psc/session';
import type {
  PscLogin,
  PscTokenSource,
  RefreshOutcome,
} from '../../../../native-host/psc/token-source';

const identity = {
  nationalId: '810100000011',
  subject: 'sub-1',
  givenName: 'Marie',
  familyName: 'Martin',
  civility: undefined,
  acr: 'eidas1',
};

/** A token source that answers what each test tells it to. */
class FakeSource implements PscTokenSource {
  login: Promise<PscLogin> = Promise.resolve({ identity, accessToken: 'at-1', expiresIn: 600 });
  refreshes: Array<() => Promise<RefreshOutcome>> = [];
  forgotten = 0;
  browserLogin() {
    return Promise.resolve({ url: 'https://psc.test/authorize', login: this.login });
  }
  cibaLogin() {
    return Promise.resolve({ expiresIn: 120, login: this.login });
  }
  refresh() {
    const next = this.refreshes.shift();
    return next ? next() : Promise.reject(new MssanteError('E_PSC_UNREACHABLE'));
  }
  stillValid() {
    return Promise.resolve(true);
  }
  forget() {
    this.forgotten++;
  }
}

const options: PscSessionOptions = {
  endpoints: { issuer: 'https://psc.test', discovery: 'https://psc.test/.well-known' },
  clientId: 'host',
  auth: { method: 'client_secret_basic', secret: 'unused' },
  sessionCheckSeconds: 3600,
};

describe('PSC session over a token source (psc/session.ts)', () => {
  let now: number;
  let source: FakeSource;
  let session: PscSession;
  beforeEach(() => {
    now = 1_000_000;
    source = new FakeSource();
    session = new PscSession({ ...options, now: () => now }, source);
  });
  afterEach(() => session.signOut());

  it('keeps the identity and times of a login, and hands out its access token until near expiry', async () => {
    const start = await session.beginBrowserLogin();
    assert.equal(start.url, 'https://psc.test/authorize');
    assert.deepEqual(await start.completion, identity);
    const facts = session.facts;
    assert.equal(facts.state, 'signed-in');
    assert.equal(facts.since, now);
    assert.equal(facts.accessExpiresAt, now + 600_000);
    assert.equal(facts.idleExpiresAt, now + 900_000);
    assert.equal(facts.absoluteExpiresAt, now + 4 * 3600_000);
    assert.equal(await session.accessToken(), 'at-1');
    source.refreshes.push(() =>
      Promise.resolve({ kind: 'granted', grant: { accessToken: 'at-2', idleSeconds: 300 } }),
    );
    now += 590_000; // within the 30 s margin
    assert.equal(await session.accessToken(), 'at-2');
    assert.equal(session.facts.accessExpiresAt, now + 60_000);
    assert.equal(session.facts.idleExpiresAt, now + 300_000);
  });

  it('ends with E_PSC_REFRESH_INVALID when the source says PSC refused the refresh, and forgets it', async () => {
    await (
      await session.beginCiba('810100000011', 'MSS-0001')
    ).completion;
    const ended: ErrorCode[] = [];
    session.on('ended', (code: ErrorCode) => ended.push(code));
    source.refreshes.push(() =>
      Promise.resolve({ kind: 'refused', cause: new Error('invalid_grant') }),
    );
    await assert.rejects(session.refresh(), (e: unknown) => {
      assert.ok(e instanceof MssanteError);
      assert.equal(e.code, 'E_PSC_REFRESH_INVALID');
      return true;
    });
    assert.deepEqual(ended, ['E_PSC_REFRESH_INVALID']);
    assert.equal(session.facts.state, 'ended');
    assert.equal(source.forgotten, 1);
    await assert.rejects(
      session.accessToken(),
      (e: unknown) => (e as MssanteError).code === 'E_PSC_REFRESH_INVALID',
    );
  });

  it('a refresh that fails for another reason leaves the session as it is', async () => {
    await (
      await session.beginBrowserLogin()
    ).completion;
    await assert.rejects(
      session.refresh(),
      (e: unknown) => (e as MssanteError).code === 'E_PSC_UNREACHABLE',
    );
    assert.equal(session.facts.state, 'signed-in');
  });

  it('goes back to signed-out when a login fails, with the source’s code', async () => {
    source.login = Promise.reject(new MssanteError('E_PSC_LOGIN_DENIED'));
    const states: string[] = [];
    session.on('change', (facts: { state: string }) => states.push(facts.state));
    const start = await session.beginCiba('810100000011', 'MSS-0002');
    await assert.rejects(
      start.completion,
      (e: unknown) => (e as MssanteError).code === 'E_PSC_LOGIN_DENIED',
    );
    assert.deepEqual(states, ['signing-in', 'signed-out']);
  });
});
