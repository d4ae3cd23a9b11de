import assert from 'node:assert/strict';
import { mailDomain } from '../../../../native-host/autoconfig/fetch';
import { autoconfigPort } from '../../../../native-host/autoconfig/lookup';
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

  it('ECO.1.1.9 uses the port config.json names for a mail domain only, 443 otherwise', () => {
    const ports = { 'sandbox.mssante.test': 40443 };
    assert.equal(autoconfigPort('a@sandbox.mssante.test', ports), 40443);
    assert.equal(autoconfigPort('a@SANDBOX.mssante.test', ports), 40443);
    assert.equal(autoconfigPort('a@hopital.mssante.fr', ports), undefined);
    assert.equal(autoconfigPort('a@sandbox.mssante.test'), undefined);
  });
});
