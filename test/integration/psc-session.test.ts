import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../lab/system/net';
import { sandboxEndpoints } from '../../native-host/psc/presets';
import { PscSession } from '../../native-host/psc/session';
import { type PscStubInfo, startPscStub } from '../../lab/sandbox/psc/index';
import type { Started } from '../../lab/sandbox/contracts';
import { loginThroughPage } from '../fixtures/psc-login';
import { ELODIE, MARIE, PAUL } from '../../lab/sandbox/people';

describe('PSC session (host) against the PSC stub (oidc-provider)', function () {
  this.timeout(60_000);
  let dir: string;
  let stub: Started<PscStubInfo>;
  const session = (sessionCheckSeconds?: number) =>
    new PscSession({
      ...(sessionCheckSeconds ? { sessionCheckSeconds } : {}),
      endpoints: sandboxEndpoints(stub.info.issuer),
      clientId: stub.info.hostClient.clientId,
      auth: { method: 'client_secret_basic', secret: stub.info.hostClient.clientSecret },
      allowHttp: true,
    });
  const introspect = async (token: string) => {
    const { url, clientId, clientSecret } = stub.info.introspection;
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ token }).toString(),
    });
    return (await res.json()) as Record<string, unknown>;
  };
  const control = (action: string, form: Record<string, string>) =>
    fetch(`${stub.info.control}/${action}`, {
      method: 'POST',
      body: new URLSearchParams(form).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'psc-'));
    stub = await startPscStub({ port: await freePort(), stateDir: dir });
  });
  after(async () => {
    await stub.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('publishes its discovery document at PSC’s own path and the standard one, with PSC-like endpoints', async () => {
    for (const wellKnown of ['wallet-openid-configuration', 'openid-configuration']) {
      const doc = (await (
        await fetch(`${stub.info.issuer}/.well-known/${wellKnown}`)
      ).json()) as Record<string, unknown>;
      assert.equal(doc.issuer, stub.info.issuer);
      assert.equal(doc.authorization_endpoint, `${stub.info.issuer}/protocol/openid-connect/auth`);
      assert.deepEqual(doc.acr_values_supported, ['eidas1']);
      assert.ok((doc.code_challenge_methods_supported as string[]).includes('S256'));
    }
  });

  it('ECO.1.2.1 signs in through the PSC page with PKCE and eidas1; the token opens the practitioner’s mailbox at introspection', async () => {
    const s = session();
    const start = await s.beginBrowserLogin();
    const url = new URL(start.url);
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(url.searchParams.get('acr_values'), 'eidas1');
    assert.equal(url.searchParams.get('scope'), 'openid scope_all');
    await loginThroughPage(start.url, MARIE.nationalId);
    const identity = await start.completion;
    assert.deepEqual(identity, {
      nationalId: MARIE.nationalId,
      subject: `psc-${MARIE.nationalId}`,
      givenName: 'Marie',
      familyName: 'MARTIN',
      civility: 'DR', // the exercise title, not the civil MME
      acr: 'eidas1',
    });
    assert.equal(s.facts.state, 'signed-in');
    const token = await s.accessToken();
    const info = await introspect(token);
    assert.equal(info.active, true);
    assert.equal(info.email, MARIE.mailbox);
    assert.equal(info.preferred_username, MARIE.nationalId);
    assert.doesNotMatch(JSON.stringify(s.facts), new RegExp(token), 'facts never hold the token');
  });

  it('ECO.1.2.6 ends the session when PSC ends it: the refresh is refused and listeners are told', async () => {
    const s = session();
    const start = await s.beginBrowserLogin();
    await loginThroughPage(start.url, PAUL.nationalId, 'cps');
    await start.completion;
    const before = await s.accessToken();
    const ended = new Promise((resolve) => s.once('ended', resolve));
    await control('end-session', { nationalId: PAUL.nationalId });
    assert.equal((await introspect(before)).active, false);
    await assert.rejects(s.refresh(), { code: 'E_PSC_REFRESH_INVALID' });
    assert.equal(await ended, 'E_PSC_REFRESH_INVALID');
    assert.equal(s.facts.state, 'ended');
    await assert.rejects(s.accessToken(), { code: 'E_PSC_REFRESH_INVALID' });
  });

  it('ECO.1.2.6 notices within seconds, on its own, that PSC ended the session', async () => {
    const s = session(1);
    const start = await s.beginBrowserLogin();
    await loginThroughPage(start.url, MARIE.nationalId);
    await start.completion;
    const ended = new Promise((resolve) => s.once('ended', resolve));
    await control('end-session', { nationalId: MARIE.nationalId });
    assert.equal(await ended, 'E_PSC_REFRESH_INVALID'); // no request from us: the periodic check found it
  });

  it('ECO.1.2.1 signs in with CIBA: the binding message reaches the e-CPS app, approval gives eidas1 tokens', async function () {
    this.timeout(30_000);
    const s = session();
    const started = await s.beginCiba(PAUL.nationalId, '42');
    assert.equal(started.bindingMessage, '42');
    const { pending } = (await (await control('ciba-pending', {})).json()) as {
      pending: Array<{ nationalId: string; bindingMessage: string; channel: string }>;
    };
    // ANS's reference CIBA request: channel MOBILE (the e-CPS app), the binding message as given.
    assert.deepEqual(pending, [
      { nationalId: PAUL.nationalId, bindingMessage: '42', channel: 'MOBILE' },
    ]);
    await control('ciba-approve', { nationalId: PAUL.nationalId });
    const identity = await started.completion;
    assert.equal(identity.nationalId, PAUL.nationalId);
    assert.equal(identity.familyName, 'DURAND');
    assert.equal((await introspect(await s.accessToken())).active, true);
  });

  it('CIBA for an establishment staff national id (5 + SIRET / internal id); a nurse is titled by her civil title', async function () {
    this.timeout(30_000);
    const staff = '500000000000017/SEC00001';
    const s = session();
    const started = await s.beginCiba(staff, '07');
    await control('ciba-approve', { nationalId: staff });
    const identity = await started.completion;
    assert.equal(identity.nationalId, staff);
    assert.equal(identity.civility, 'MME'); // no exercice: the civil title
    s.signOut();
    const nurse = session();
    const login = await nurse.beginBrowserLogin();
    await loginThroughPage(login.url, '810100000033');
    assert.equal((await login.completion).civility, 'MME');
    nurse.signOut();
  });

  it('accepts an eIDAS level above 1 (eidas3) and a missing acr, and says which it got; refuses another acr (E_PSC_ACR)', async () => {
    const signIn = async (acr: string) => {
      await control('acr', { value: acr });
      const s = session();
      const start = await s.beginBrowserLogin();
      await loginThroughPage(start.url, '810100000011');
      try {
        return await start.completion;
      } finally {
        s.signOut();
      }
    };
    try {
      assert.equal((await signIn('eidas3')).acr, 'eidas3');
      assert.equal((await signIn('none')).acr, 'none');
      await assert.rejects(signIn('loa-low'), (e: { code?: string; detail?: string }) => {
        assert.equal(e.code, 'E_PSC_ACR');
        assert.equal(e.detail, 'loa-low');
        return true;
      });
    } finally {
      await control('reset', {});
    }
  });

  it('refuses the sign-in with E_PSC_LOGIN_DENIED when the practitioner refuses on the e-CPS app', async function () {
    this.timeout(30_000);
    const s = session();
    const started = await s.beginCiba(ELODIE.nationalId, 'MSS-0001');
    await control('ciba-deny', { nationalId: ELODIE.nationalId });
    await assert.rejects(started.completion, { code: 'E_PSC_LOGIN_DENIED' });
    assert.equal(s.facts.state, 'signed-out');
  });

  it('refuses CIBA for an unknown national id with a coded error', async () => {
    await assert.rejects(session().beginCiba('899999999999', 'MSS-0002'), {
      code: 'E_PSC_LOGIN_FAILED',
    });
  });

  it('ECO.1.2.7 gets a new access token from the refresh token', async () => {
    const s = session();
    const start = await s.beginBrowserLogin();
    await loginThroughPage(start.url, ELODIE.nationalId);
    await start.completion;
    const first = await s.accessToken();
    const second = await s.refresh();
    assert.notEqual(second, first);
    assert.equal((await introspect(second)).active, true);
  });
});
