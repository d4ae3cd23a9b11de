import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../../lab/system/net';
import { sandboxEndpoints } from '../../../native-host/psc/presets';
import { PscSession } from '../../../native-host/psc/session';
import { type PscStubInfo, startPscStub } from '../../../lab/sandbox/psc/index';
import type { Started } from '../../../lab/sandbox/contracts';
import { loginThroughPage } from '../../fixtures/psc-login';
import { MARIE } from '../../../lab/sandbox/people';

describe('hostile: the loopback sign-in callback against the PSC stub', function () {
  this.timeout(60_000);
  let dir: string;
  let stub: Started<PscStubInfo>;

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'psc-callback-'));
    stub = await startPscStub({ port: await freePort(), stateDir: dir });
  });
  after(async () => {
    await stub.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('hostile: callbacks with a wrong or missing state are answered 400 and ignored; the real redirect still signs in', async () => {
    const session = new PscSession({
      endpoints: sandboxEndpoints(stub.info.issuer),
      clientId: stub.info.hostClient.clientId,
      auth: { method: 'client_secret_basic', secret: stub.info.hostClient.clientSecret },
      allowHttp: true,
    });
    const start = await session.beginBrowserLogin();
    const redirectUri = new URL(start.url).searchParams.get('redirect_uri')!;
    assert.match(redirectUri, /^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    const state = new URL(start.url).searchParams.get('state')!;
    const forged = [
      `?code=forged&state=${encodeURIComponent(`${state}x`)}`,
      `?error=access_denied&state=wrong`,
      `?code=forged`,
      `?code=forged&state=${state.slice(0, -1)}`,
    ];
    for (const query of forged) {
      const res = await fetch(`${redirectUri}${query}`);
      assert.equal(res.status, 400, query);
      assert.match(await res.text(), /Connexion Pro Santé Connect échouée/);
    }
    assert.equal(session.facts.state, 'signing-in');
    await loginThroughPage(start.url, MARIE.nationalId);
    const identity = await start.completion;
    assert.equal(identity.nationalId, MARIE.nationalId);
    assert.equal(session.facts.state, 'signed-in');
  });
});
