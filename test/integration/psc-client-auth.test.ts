import assert from 'node:assert/strict';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import https from 'node:https';
import type { ClientAuthConfig } from '../../native-host/psc/client-auth';
import { sandboxEndpoints } from '../../native-host/psc/presets';
import { PscSession } from '../../native-host/psc/session';
import { miniPki, type MiniPki } from '../../lab/sandbox/pki/mini-pki';
import { issueClientCert, LOOKUP, pem, type Rig, startRig } from '../fixtures/psc-auth-rig';
import { loginThroughPage } from '../fixtures/psc-login';
import { ELODIE, MARIE, PAUL } from '../../lab/sandbox/people';

describe('PSC client authentication of the host (secret, private_key_jwt, tls_client_auth) against the PSC stub', function () {
  this.timeout(60_000);
  let pki: MiniPki;
  let rig: Rig;
  let rsa: { privateKey: KeyObject; publicKey: KeyObject };
  let ec: { privateKey: KeyObject; publicKey: KeyObject };
  let clientCert: { cert: string; key: string };

  const control = (action: string, form: Record<string, string>) =>
    fetch(`${rig.stub.info.control}/${action}`, {
      method: 'POST',
      body: new URLSearchParams(form).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
  const introspect = async (token: string) => {
    const { url, clientId, clientSecret } = rig.stub.info.introspection;
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
  const tls = (cert: { cert: string; key: string }) => ({
    method: 'tls_client_auth' as const,
    tls: { ...cert, ca: [pem(pki.root), pem(pki.organisations)], lookup: LOOKUP },
  });
  const methods = (): Array<[string, string, ClientAuthConfig]> => [
    [
      'client_secret_basic',
      rig.stub.info.hostClient.clientId,
      { method: 'client_secret_basic', secret: rig.stub.info.hostClient.clientSecret },
    ],
    [
      'client_secret_post',
      rig.stub.info.hostClient.clientId,
      { method: 'client_secret_post', secret: rig.stub.info.hostClient.clientSecret },
    ],
    ['private_key_jwt', 'host-jwt', { method: 'private_key_jwt', privateKey: rsa.privateKey }],
    ['tls_client_auth', 'host-mtls', tls(clientCert)],
  ];
  const session = (clientId: string, auth: ClientAuthConfig, sessionCheckSeconds?: number) =>
    new PscSession({
      endpoints: sandboxEndpoints(rig.stub.info.issuer),
      clientId,
      auth,
      allowHttp: true,
      ...(sessionCheckSeconds ? { sessionCheckSeconds } : {}),
    });
  before(async () => {
    pki = await miniPki();
    rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    clientCert = await issueClientCert(pki);
    rig = await startRig(pki, { rsa: rsa.publicKey, ec: ec.publicKey });
  });
  after(async () => {
    await rig.stop();
  });

  it('the stub publishes RFC 8705 mTLS aliases and refuses a tls_client_auth call without a certificate', async () => {
    const doc = (await (
      await fetch(`${rig.stub.info.issuer}/.well-known/wallet-openid-configuration`)
    ).json()) as Record<string, unknown>;
    const aliases = doc.mtls_endpoint_aliases as Record<string, string>;
    assert.equal(
      aliases.token_endpoint,
      `${rig.stub.info.mtlsOrigin}/auth/realms/esante-wallet/protocol/openid-connect/token`,
    );
    assert.ok(aliases.backchannel_authentication_endpoint?.startsWith('https://'));
    assert.ok((doc.token_endpoint_auth_methods_supported as string[]).includes('tls_client_auth'));
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = https.request(
        aliases.token_endpoint!,
        {
          method: 'POST',
          ca: [pem(pki.root), pem(pki.organisations)],
          lookup: LOOKUP,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        },
        (res) => {
          let body = '';
          res.on('data', (d: Buffer) => (body += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.end('grant_type=refresh_token&refresh_token=x&client_id=host-mtls');
    });
    assert.equal(answer.status, 401);
    assert.equal(JSON.parse(answer.body).error, 'invalid_client');
  });

  for (const [name, index] of [
    ['client_secret_basic', 0],
    ['client_secret_post', 1],
    ['private_key_jwt', 2],
    ['tls_client_auth', 3],
  ] as const) {
    it(`ECO.1.2.1 signs in by code (PKCE, eidas1) and refreshes with ${name}`, async () => {
      const [, clientId, auth] = methods()[index]!;
      const s = session(clientId, auth);
      const start = await s.beginBrowserLogin();
      await loginThroughPage(start.url, MARIE.nationalId);
      const identity = await start.completion;
      assert.equal(identity.nationalId, MARIE.nationalId);
      const first = await s.accessToken();
      assert.equal((await introspect(first)).client_id, clientId);
      const second = await s.refresh();
      assert.notEqual(second, first);
      assert.equal((await introspect(second)).active, true);
      s.signOut();
    });

    it(`ECO.1.2.1 signs in by CIBA (e-CPS approval) with ${name}`, async () => {
      const [, clientId, auth] = methods()[index]!;
      const s = session(clientId, auth);
      const started = await s.beginCiba(PAUL.nationalId, 'MSS-A1B2');
      await control('ciba-approve', { nationalId: PAUL.nationalId });
      const identity = await started.completion;
      assert.equal(identity.familyName, 'DURAND');
      const info = await introspect(await s.accessToken());
      assert.equal(info.active, true);
      assert.equal(info.client_id, clientId);
      s.signOut();
    });

    it(`ECO.1.2.6 the periodic session check (userinfo, then refresh) works with ${name}: PSC ending the session ends it`, async () => {
      const [, clientId, auth] = methods()[index]!;
      const s = session(clientId, auth, 1);
      const start = await s.beginBrowserLogin();
      await loginThroughPage(start.url, ELODIE.nationalId);
      await start.completion;
      const ended = new Promise((resolve) => s.once('ended', resolve));
      await control('end-session', { nationalId: ELODIE.nationalId });
      // invalid_grant, not invalid_client: PSC accepted the host's authentication and refused the grant.
      assert.equal(await ended, 'E_PSC_REFRESH_INVALID');
    });
  }

  it('private_key_jwt signs with a P-256 key (ES256) and its kid', async () => {
    const s = session('host-jwt', {
      method: 'private_key_jwt',
      privateKey: ec.privateKey,
      alg: 'ES256',
      kid: 'ec-1',
    });
    const started = await s.beginCiba(MARIE.nationalId, 'MSS-EC01');
    await control('ciba-approve', { nationalId: MARIE.nationalId });
    assert.equal((await started.completion).nationalId, MARIE.nationalId);
    s.signOut();
  });

  it('refuses a wrong client secret with E_PSC_CLIENT_AUTH (CIBA and code)', async () => {
    const s = session(rig.stub.info.hostClient.clientId, {
      method: 'client_secret_basic',
      secret: 'not-the-secret',
    });
    await assert.rejects(s.beginCiba(MARIE.nationalId, 'MSS-0003'), { code: 'E_PSC_CLIENT_AUTH' });
    const start = await s.beginBrowserLogin();
    const refused = assert.rejects(start.completion, { code: 'E_PSC_CLIENT_AUTH' });
    await loginThroughPage(start.url, MARIE.nationalId);
    await refused;
    assert.equal(s.facts.state, 'signed-out');
  });

  it('refuses private_key_jwt signed by a key PSC does not know with E_PSC_CLIENT_AUTH', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const s = session('host-jwt', { method: 'private_key_jwt', privateKey: other.privateKey });
    await assert.rejects(s.beginCiba(MARIE.nationalId, 'MSS-0004'), { code: 'E_PSC_CLIENT_AUTH' });
    const start = await s.beginBrowserLogin();
    const refused = assert.rejects(start.completion, { code: 'E_PSC_CLIENT_AUTH' });
    await loginThroughPage(start.url, MARIE.nationalId);
    await refused;
  });

  it('refuses a client certificate with another subject with E_PSC_CLIENT_AUTH', async () => {
    const intruder = await issueClientCert(pki, 'intruder.sandbox.mssante.test');
    const s = session('host-mtls', tls(intruder));
    await assert.rejects(s.beginCiba(MARIE.nationalId, 'MSS-0005'), { code: 'E_PSC_CLIENT_AUTH' });
  });

  it('refuses a client certificate from a CA the server does not trust with E_PSC_CLIENT_AUTH', async () => {
    const foreign = await issueClientCert(pki, undefined, 'foreign');
    const s = session('host-mtls', tls(foreign));
    await assert.rejects(s.beginCiba(MARIE.nationalId, 'MSS-0006'), { code: 'E_PSC_CLIENT_AUTH' });
  });

  it('refuses tls_client_auth without a certificate (no mTLS endpoint published) with E_PSC_CLIENT_AUTH', async () => {
    const plain = await startRig(pki, { rsa: rsa.publicKey, ec: ec.publicKey }, false);
    try {
      const s = new PscSession({
        endpoints: sandboxEndpoints(plain.stub.info.issuer),
        clientId: 'host-mtls',
        auth: tls(clientCert),
        allowHttp: true,
      });
      await assert.rejects(s.beginCiba(MARIE.nationalId, 'MSS-0007'), {
        code: 'E_PSC_CLIENT_AUTH',
      });
    } finally {
      await plain.stop();
    }
  });
});
