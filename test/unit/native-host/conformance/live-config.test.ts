import assert from 'node:assert/strict';
import {
  describeTarget,
  livePscOptions,
  parseLiveConfig,
} from '../../../../native-host/conformance/live/config';

const lab = {
  platform: 'Opérateur Exemple — plateforme de test',
  mailbox: { address: 'dr.test@op.mssante.fr', profile: 'PER' },
  imap: { host: 'imap.op.mssante.fr', port: 143 },
  smtp: { host: 'smtp.op.mssante.fr', port: 587 },
  psc: {
    preset: 'bas',
    clientId: 'lab-client',
    clientSecret: 'lab-secret',
    login: 'ciba',
    nationalId: '899700000000',
  },
  trust: { set: 'ans-test' },
};

describe('live check configuration', () => {
  it('reads a real platform’s file: PSC BAS preset over HTTPS, the secret kept out of the report', () => {
    const config = parseLiveConfig(lab);
    const psc = livePscOptions(config);
    assert.match(psc.endpoints.issuer, /^https:\/\/auth\.bas\.psc\.esante\.gouv\.fr\//);
    assert.equal(psc.allowHttp, false);
    assert.doesNotMatch(JSON.stringify(describeTarget(config)), /lab-secret/);
  });

  it('refuses a file that misses what the login needs, or a login only the lab can drive', () => {
    const bad = (change: object) => () =>
      parseLiveConfig({ ...lab, psc: { ...lab.psc, ...change } });
    assert.throws(bad({ nationalId: undefined }), { code: 'E_CONFORMANCE_CONFIG' });
    // The stub's page is driven by the lab (mssante-lab conformance --live sandbox), never by a
    // file given to the product.
    assert.throws(
      bad({ login: 'sandbox-page', preset: 'custom', issuer: 'http://127.0.0.1:9/r' }),
      {
        code: 'E_CONFORMANCE_CONFIG',
      },
    );
    assert.throws(() => parseLiveConfig({ ...lab, imap: { host: 'x', port: -1 } }), {
      code: 'E_CONFORMANCE_CONFIG',
    });
    assert.equal(
      livePscOptions(
        parseLiveConfig({
          ...lab,
          psc: { ...lab.psc, login: 'browser', preset: 'custom', issuer: 'http://127.0.0.1:9/r' },
        }),
      ).allowHttp,
      true,
    );
  });
});
