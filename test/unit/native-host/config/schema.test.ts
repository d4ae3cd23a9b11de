import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readHostConfig, resolveConfig } from '../../../../native-host/config/load';
import { writeHostConfig } from '../../../../native-host/config/private-file';
import { parseHostConfig } from '../../../../native-host/config/schema';
import { MssanteError } from '../../../../shared/errors/mssante-error';
import { DEFAULT_NIL } from '../../../../shared/domain/mail/headers';

const codeAndDetail = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    return error instanceof MssanteError ? `${error.code} ${error.detail ?? ''}` : String(error);
  }
  return 'no error';
};

describe('host config.json: one schema, one loader', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'host-config-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('without config.json the host is not configured (E_CONFIG_MISSING naming the file): no sandbox fallback', () => {
    assert.equal(readHostConfig(dir), null);
    assert.equal(
      codeAndDetail(() => resolveConfig(dir)),
      `E_CONFIG_MISSING ${path.join(dir, 'config.json')}`,
    );
  });

  it('refuses the old { "sandbox": dir } shape with E_CONFIG_INVALID and says what writes a whole file now', () => {
    writeHostConfig(dir, { sandbox: '/somewhere/.state/sandbox' });
    assert.match(
      codeAndDetail(() => resolveConfig(dir)),
      /^E_CONFIG_INVALID sandbox: .*mssante-lab host-config/,
    );
  });

  it('refuses unknown or misspelt keys, naming the field', () => {
    for (const [raw, field] of [
      [{ trust: { set: 'production' }, hots: {} }, '(file)'],
      [{ trust: { set: 'production', rootCert: 'x' } }, 'trust'],
      [{ trust: { set: 'production' }, psc: { preset: 'bas', clientId: 'c', secret: 'x' } }, 'psc'],
      [
        { trust: { set: 'production' }, autoconfig: { ports: { 'a.test': 0 } } },
        'autoconfig.ports.a.test',
      ],
      [
        { trust: { set: 'production' }, hosts: { 'imap.a.test': 'not-an-ip' } },
        'hosts.imap.a.test',
      ],
      [{ trust: { set: 'production' }, version: 2 }, 'version'],
      [{ psc: { preset: 'bas', clientId: 'c', clientSecret: 's' } }, 'trust'],
    ] as const)
      assert.match(
        codeAndDetail(() => parseHostConfig(raw)),
        new RegExp(`^E_CONFIG_INVALID ${field.replace(/[.()]/g, '\\$&')}: `),
        JSON.stringify(raw),
      );
    assert.match(
      codeAndDetail(() =>
        parseHostConfig({
          trust: { set: 'production' },
          psc: { preset: 'custom', clientId: 'c', clientSecret: 's' },
        }),
      ),
      /^E_CONFIG_INVALID psc\.issuer: required/,
    );
  });

  it('resolves names, autoconfig ports (by lower-case domain) and the Annuaire from the file alone', async () => {
    writeHostConfig(dir, {
      version: 1,
      trust: { set: 'production' },
      hosts: { '*.lab.test': '127.0.0.1' },
      autoconfig: { ports: { 'Lab.Test': 8443 } },
      annuaire: { source: 'ldap', url: 'ldaps://annuaire.lab.test:636' },
    });
    const config = resolveConfig(dir);
    assert.deepEqual(config.autoconfigPorts, { 'lab.test': 8443 });
    assert.deepEqual(config.annuaire, {
      source: 'ldap',
      url: 'ldaps://annuaire.lab.test:636',
      base: 'ou=bal,o=mssante,c=fr',
    });
    assert.equal(config.psc, undefined);
    const address = await new Promise<string>((resolve, reject) =>
      config.lookup!('imap.lab.test', {}, (error, a) =>
        error ? reject(error) : resolve(a as string),
      ),
    );
    assert.equal(address, '127.0.0.1');
  });

  it('ECO.2.4.3 productReference: the X-MSS-NIL value, DEFAULT_NIL when absent; a value that cannot go into a header line is refused', () => {
    writeHostConfig(dir, { trust: { set: 'production' } });
    assert.equal(resolveConfig(dir).productReference, DEFAULT_NIL);
    writeHostConfig(dir, { trust: { set: 'production' }, productReference: 'NIL-2026-0042' });
    assert.equal(resolveConfig(dir).productReference, 'NIL-2026-0042');
    for (const bad of ['', ' lead', 'a\r\nBcc: x@y', 'é', 'x'.repeat(201)])
      assert.match(
        codeAndDetail(() =>
          parseHostConfig({ trust: { set: 'production' }, productReference: bad }),
        ),
        /^E_CONFIG_INVALID productReference: /,
        JSON.stringify(bad),
      );
  });

  it('a custom PSC issuer over plain HTTP is allowed on loopback only', () => {
    const psc = (issuer: string) => {
      writeHostConfig(dir, {
        trust: { set: 'production' },
        psc: { preset: 'custom', issuer, clientId: 'c', clientSecret: 's' },
      });
      return resolveConfig(dir).psc!;
    };
    assert.equal(psc('http://127.0.0.1:9/realms/x').allowHttp, true);
    assert.match(
      codeAndDetail(() => psc('http://psc.lab.test/realms/x')),
      /^E_CONFIG_INVALID psc\.issuer: https required/,
    );
    assert.equal(
      psc('https://psc.lab.test/realms/x').endpoints.discovery,
      'https://psc.lab.test/realms/x/.well-known/openid-configuration',
    );
  });
});
