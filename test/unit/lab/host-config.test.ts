import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sandboxHostConfig, writeLabHostConfig } from '../../../lab/sandbox/host-config';
import type { SandboxRuntime } from '../../../lab/sandbox/contracts';
import { readHostConfig, resolveConfig } from '../../../native-host/config/load';
import { MssanteError } from '../../../shared/errors/mssante-error';

/** A running sandbox's runtime.json as the daemon writes it (only what the host config needs). */
const runtime = (dir: string) =>
  ({
    up: true,
    domain: 'sandbox.mssante.test',
    psc: { issuer: 'http://127.0.0.1:40080/auth/realms/esante-wallet', control: '' },
    ldap: { url: 'ldap://127.0.0.1:40389', base: 'ou=bal,o=mssante,c=fr' },
    autoconfig: { url: 'https://autoconfig.sandbox.mssante.test:40443/mail/config-v1.1.xml' },
    hosts: { '*.sandbox.mssante.test': '127.0.0.1' },
    internal: {
      pscHostClient: { clientId: 'open-mssante-host', clientSecret: 's3cret' },
      pki: { rootCert: path.join(dir, 'root.pem'), intermediateCert: path.join(dir, 'org.pem') },
    },
  }) as unknown as SandboxRuntime;

describe('the lab writes the host’s config.json for a sandbox (lab/sandbox/host-config.ts)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'lab-host-config-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('names the stub, the trust files, the names, the autoconfig port and the Annuaire; no sandbox pointer', () => {
    const config = sandboxHostConfig(runtime(dir));
    assert.deepEqual(config, {
      version: 1,
      psc: {
        preset: 'custom',
        issuer: 'http://127.0.0.1:40080/auth/realms/esante-wallet',
        discovery:
          'http://127.0.0.1:40080/auth/realms/esante-wallet/.well-known/wallet-openid-configuration',
        clientId: 'open-mssante-host',
        clientSecret: 's3cret',
      },
      trust: {
        set: 'sandbox',
        rootCert: path.join(dir, 'root.pem'),
        intermediateCert: path.join(dir, 'org.pem'),
      },
      hosts: { '*.sandbox.mssante.test': '127.0.0.1' },
      autoconfig: { ports: { 'sandbox.mssante.test': 40443 } },
      annuaire: { source: 'ldap', url: 'ldap://127.0.0.1:40389', base: 'ou=bal,o=mssante,c=fr' },
    });
  });

  it('writes it 0600 through the product’s writer, and the product’s loader reads it back whole', () => {
    const state = path.join(dir, 'host');
    const file = writeLabHostConfig(state, sandboxHostConfig(runtime(dir)));
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(readHostConfig(state), JSON.parse(readFileSync(file, 'utf8')));
    // The trust files do not exist here: the loader says so with a code and the file, no crash.
    assert.throws(
      () => resolveConfig(state),
      (e: unknown) =>
        e instanceof MssanteError &&
        e.code === 'E_TRUST_CONFIG' &&
        e.detail === `cannot read ${path.join(dir, 'root.pem')}`,
    );
  });

  it('refuses to write what the product’s schema refuses', () => {
    const broken = { ...runtime(dir), hosts: { 'imap.sandbox.mssante.test': 'localhost' } };
    assert.throws(() => sandboxHostConfig(broken as SandboxRuntime), {
      code: 'E_CONFIG_INVALID',
    });
  });
});
