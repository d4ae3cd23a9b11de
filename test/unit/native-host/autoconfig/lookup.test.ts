import assert from 'node:assert/strict';
import { mailDomain } from '../../../../native-host/autoconfig/fetch';
import { autoconfigPort } from '../../../../native-host/autoconfig/lookup';
import type { SandboxRuntime } from '../../../../sandbox/contracts';
import type { MssanteError } from '../../../../shared/errors/mssante-error';

describe('native-host/autoconfig', () => {
  it('ECO.1.1.9 takes the mail domain of an address, lower-cased, as the autoconfig host suffix', () => {
    assert.equal(mailDomain('Marie.Martin@Sandbox.MSSante.test'), 'sandbox.mssante.test');
    for (const bad of [
      'x',
      '@a.fr',
      'a@b',
      'a@-a.fr',
      'a@a_b.fr',
      'a @a.fr',
      'a@a.fr/x',
      'a@a.fr:1',
    ])
      assert.throws(
        () => mailDomain(bad),
        (e: MssanteError) => e.code === 'E_ADDRESS_INVALID',
        bad,
      );
  });

  it('ECO.1.1.9 uses the sandbox autoconfig port for the sandbox domain only, 443 otherwise', () => {
    const sandbox = {
      autoconfig: { url: 'https://autoconfig.sandbox.mssante.test:40443/mail/config-v1.1.xml' },
    } as SandboxRuntime;
    assert.equal(autoconfigPort('a@sandbox.mssante.test', sandbox), 40443);
    assert.equal(autoconfigPort('a@hopital.mssante.fr', sandbox), undefined);
    assert.equal(autoconfigPort('a@sandbox.mssante.test'), undefined);
  });
});
