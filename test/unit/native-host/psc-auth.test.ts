import assert from 'node:assert/strict';
import { generateKeyPairSync, KeyObject } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolvePscAuth } from '../../../native-host/config/psc-auth';
import { resolveConfig } from '../../../native-host/config/load';
import { type MiniPki, miniPki } from '../../../lab/sandbox/pki/mini-pki';

describe('host configuration: psc.auth (client authentication at PSC)', function () {
  // RSA key generation and a mini PKI take seconds on a loaded 2-core CI machine (one test took
  // 2.5 s unloaded, against the unit layer's 10 s): the keys are made once, with room to spare.
  this.timeout(30_000);
  let dir: string;
  const write = (name: string, content: string, mode = 0o600) => {
    const file = path.join(dir, name);
    writeFileSync(file, content, { mode });
    chmodSync(file, mode); // the umask does not widen, but be exact
    return file;
  };
  const rsaPem = () =>
    generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    }) as string;
  const ecPem = () =>
    generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    }) as string;
  const invalidField = (field: string) => (error: unknown) => {
    const e = error as { code?: string; detail?: string };
    assert.equal(e.code, 'E_CONFIG_INVALID');
    assert.ok(e.detail?.startsWith(`psc.${field}`), e.detail);
    return true;
  };

  let keys: { rsa: string; ec: string; pki: MiniPki };
  before(async () => {
    keys = { rsa: rsaPem(), ec: ecPem(), pki: await miniPki() };
  });
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'psc-auth-unit-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the older flat clientSecret as client_secret_basic', () => {
    assert.deepEqual(resolvePscAuth({ clientSecret: 's3cret' }, dir), {
      method: 'client_secret_basic',
      secret: 's3cret',
    });
  });

  it('reads client_secret_basic and client_secret_post', () => {
    for (const method of ['client_secret_basic', 'client_secret_post'] as const) {
      assert.deepEqual(resolvePscAuth({ auth: { method, clientSecret: 'x' } }, dir), {
        method,
        secret: 'x',
      });
    }
  });

  it('reads private_key_jwt from a PEM PKCS#8 file: RS256 for RSA, ES256 for P-256 by default, kid and PS256 when given', () => {
    write('rsa.pem', keys.rsa);
    write('ec.pem', keys.ec);
    const rsa = resolvePscAuth({ auth: { method: 'private_key_jwt', keyFile: 'rsa.pem' } }, dir);
    assert.equal(rsa.method, 'private_key_jwt');
    assert.ok(rsa.method === 'private_key_jwt' && rsa.privateKey instanceof KeyObject);
    assert.equal(rsa.method === 'private_key_jwt' && rsa.alg, 'RS256');
    const ec = resolvePscAuth(
      { auth: { method: 'private_key_jwt', keyFile: path.join(dir, 'ec.pem'), kid: 'k1' } },
      '/elsewhere',
    );
    assert.equal(ec.method === 'private_key_jwt' && ec.alg, 'ES256');
    assert.equal(ec.method === 'private_key_jwt' && ec.kid, 'k1');
    const ps = resolvePscAuth(
      { auth: { method: 'private_key_jwt', keyFile: 'rsa.pem', alg: 'PS256' } },
      dir,
    );
    assert.equal(ps.method === 'private_key_jwt' && ps.alg, 'PS256');
  });

  it('refuses an algorithm that does not fit the key, and a file that is not a key', () => {
    write('ec.pem', keys.ec);
    write('junk.pem', 'not a key');
    assert.throws(
      () =>
        resolvePscAuth(
          { auth: { method: 'private_key_jwt', keyFile: 'ec.pem', alg: 'RS256' } },
          dir,
        ),
      invalidField('auth.alg'),
    );
    assert.throws(
      () => resolvePscAuth({ auth: { method: 'private_key_jwt', keyFile: 'junk.pem' } }, dir),
      invalidField('auth.keyFile'),
    );
    assert.throws(
      () => resolvePscAuth({ auth: { method: 'private_key_jwt', keyFile: 'missing.pem' } }, dir),
      invalidField('auth.keyFile'),
    );
  });

  it('reads tls_client_auth from a PEM certificate and its key, with the CA file for PSC’s server', async () => {
    const pki = keys.pki;
    const leaf = await pki.issue({ name: 'host.sandbox.mssante.test', eku: ['1.3.6.1.5.5.7.3.2'] });
    write('cert.pem', leaf.cert.toString(), 0o644);
    write('key.pem', leaf.keyPem);
    write('ca.pem', pki.root.toString(), 0o644);
    const auth = resolvePscAuth(
      {
        auth: {
          method: 'tls_client_auth',
          certFile: 'cert.pem',
          keyFile: 'key.pem',
          caFile: 'ca.pem',
        },
      },
      dir,
    );
    assert.equal(auth.method, 'tls_client_auth');
    assert.ok(auth.method === 'tls_client_auth');
    assert.equal(auth.tls.cert, leaf.cert.toString());
    assert.equal(auth.tls.key, leaf.keyPem);
    assert.deepEqual(auth.tls.ca, [pki.root.toString()]);
    // A key that is not the certificate's is refused before any connection.
    write('other.pem', keys.rsa);
    assert.throws(
      () =>
        resolvePscAuth(
          { auth: { method: 'tls_client_auth', certFile: 'cert.pem', keyFile: 'other.pem' } },
          dir,
        ),
      invalidField('auth.keyFile'),
    );
    assert.throws(
      () => resolvePscAuth({ auth: { method: 'tls_client_auth', certFile: 'cert.pem' } }, dir),
      invalidField('auth.keyFile'),
    );
    assert.throws(
      () => resolvePscAuth({ auth: { method: 'tls_client_auth' } }, dir),
      invalidField('auth.certFile'),
    );
  });

  it('refuses group- or world-readable private key files with E_CONFIG_INSECURE', async () => {
    const pki = keys.pki;
    const leaf = await pki.issue({ name: 'host.sandbox.mssante.test' });
    write('cert.pem', leaf.cert.toString(), 0o644);
    for (const mode of [0o640, 0o604, 0o644]) {
      write(`jwt-${mode}.pem`, keys.rsa, mode);
      write(`tls-${mode}.pem`, leaf.keyPem, mode);
      write(`p12-${mode}.p12`, 'whatever', mode);
      const cases = [
        { method: 'private_key_jwt', keyFile: `jwt-${mode}.pem` },
        { method: 'tls_client_auth', certFile: 'cert.pem', keyFile: `tls-${mode}.pem` },
        { method: 'tls_client_auth', pkcs12File: `p12-${mode}.p12`, passphrase: 'x' },
      ];
      for (const auth of cases) {
        assert.throws(
          () => resolvePscAuth({ auth }, dir),
          (error: unknown) => {
            const e = error as { code?: string; detail?: string };
            assert.equal(e.code, 'E_CONFIG_INSECURE');
            assert.match(e.detail ?? '', new RegExp(`mode ${mode.toString(8)}`));
            return true;
          },
        );
      }
    }
  });

  it('refuses unknown methods, missing or extra fields with E_CONFIG_INVALID naming the field', () => {
    assert.throws(
      () => resolvePscAuth({ auth: { method: 'client_secret_jwt', clientSecret: 'x' } }, dir),
      invalidField('auth.method'),
    );
    assert.throws(
      () => resolvePscAuth({ auth: { method: 'client_secret_post' } }, dir),
      invalidField('auth.clientSecret'),
    );
    assert.throws(
      () =>
        resolvePscAuth(
          { auth: { method: 'client_secret_basic', clientSecret: 'x', keyFile: 'k' } },
          dir,
        ),
      invalidField('auth'),
    );
    assert.throws(
      () =>
        resolvePscAuth(
          { auth: { method: 'client_secret_basic', clientSecret: 'x' }, clientSecret: 'y' },
          dir,
        ),
      invalidField('clientSecret'),
    );
    assert.throws(() => resolvePscAuth({}, dir), invalidField('auth'));
  });

  it('never puts the secret into the error it throws', () => {
    try {
      resolvePscAuth({ auth: { method: 'client_secret_basic', clientSecret: 42 } }, dir);
      assert.fail('accepted');
    } catch (error) {
      assert.equal((error as { code?: string }).code, 'E_CONFIG_INVALID');
    }
    try {
      resolvePscAuth({ auth: { method: 'nope', clientSecret: 'Sup3r-S3cret-Value' } }, dir);
      assert.fail('accepted');
    } catch (error) {
      assert.doesNotMatch(String((error as Error).message), /Sup3r-S3cret-Value/);
      assert.doesNotMatch(String((error as { detail?: string }).detail), /Sup3r-S3cret-Value/);
    }
  });

  it('resolveConfig passes psc.auth through, with relative files read from the state folder', async () => {
    write('rsa.pem', keys.rsa);
    const pki = keys.pki;
    const root = write('root.pem', pki.root.toString(), 0o644);
    const organisations = write('org.pem', pki.organisations.toString(), 0o644);
    write(
      'config.json',
      JSON.stringify({
        psc: {
          preset: 'custom',
          issuer: 'http://127.0.0.1:9/auth/realms/esante-wallet',
          clientId: 'lab',
          auth: { method: 'private_key_jwt', keyFile: 'rsa.pem', kid: 'lab-1' },
        },
        trust: { set: 'sandbox', rootCert: root, intermediateCert: organisations },
      }),
    );
    const resolved = resolveConfig(dir);
    assert.equal(resolved.psc?.clientId, 'lab');
    assert.equal(resolved.psc?.auth.method, 'private_key_jwt');
    assert.equal(resolved.psc?.auth.method === 'private_key_jwt' && resolved.psc.auth.kid, 'lab-1');
    chmodSync(path.join(dir, 'rsa.pem'), 0o644);
    assert.throws(() => resolveConfig(dir), { code: 'E_CONFIG_INSECURE' });
  });
});
