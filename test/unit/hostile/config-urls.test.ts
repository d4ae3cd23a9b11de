import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pscConfig } from '../../../native-host/config/load';
import { parseHostConfig } from '../../../native-host/config/schema';
import { discoverPsc } from '../../../native-host/psc/discovery';
import { loadLpsServerConfig } from '../../../lps-server/config';
import { ldapsTarget } from '../../../native-host/annuaire/ldap-tls';
import { MssanteError } from '../../../shared/errors/mssante-error';

const REALM = '/auth/realms/esante-wallet';
const config = (psc: Record<string, unknown>) => ({
  version: 1,
  psc: { preset: 'custom', clientId: 'c', clientSecret: 's', ...psc },
  trust: { set: 'production' },
});
const fault = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    return error instanceof MssanteError ? `${error.code} ${error.detail ?? ''}` : String(error);
  }
  return 'accepted';
};

describe('hostile: PSC issuer and discovery URLs in config.json', () => {
  it('hostile: an issuer that only looks like loopback, or plain http off loopback, is refused (E_CONFIG_INVALID naming the field)', () => {
    const refused: Array<[string, RegExp]> = [
      // The pattern of earlier versions took these for a local stub, and allowed plain HTTP.
      [`http://127.0.0.1:1@evil.example${REALM}`, /psc\.issuer: no user or password/],
      [`http://localhost:1@evil.example${REALM}`, /psc\.issuer: no user or password/],
      [`http://127.0.0.1.evil.example${REALM}`, /psc\.issuer: https required/],
      [`http://localhost:8080${REALM}`, /psc\.issuer: https required/],
      [`http://psc.example${REALM}`, /psc\.issuer: https required/],
      [`http://10.0.0.1${REALM}`, /psc\.issuer: https required/],
      [`ftp://psc.example${REALM}`, /psc\.issuer: https required/],
      ['javascript:alert(1)', /psc\.issuer: https required/],
      [`https://psc.example${REALM}?x=1`, /psc\.issuer: no query or fragment/],
      [`https://psc.example${REALM}#frag`, /psc\.issuer: no query or fragment/],
      ['psc.example/realm', /psc\.issuer: not a URL/],
    ];
    for (const [issuer, why] of refused)
      assert.match(
        fault(() => parseHostConfig(config({ issuer }))),
        new RegExp(`^E_CONFIG_INVALID ${why.source}`),
        issuer,
      );
  });

  it('hostile: discovery must be on the issuer’s origin: no http discovery for an https issuer, no other host', () => {
    const issuer = `https://psc.example${REALM}`;
    const refused: Array<[string, RegExp]> = [
      [
        `http://psc.example${REALM}/.well-known/openid-configuration`,
        /psc\.discovery: https required/,
      ],
      [
        `https://evil.example${REALM}/.well-known/openid-configuration`,
        /psc\.discovery: not on the issuer's origin \(https:\/\/psc\.example\)/,
      ],
      [
        `https://psc.example:8443${REALM}/.well-known/openid-configuration`,
        /psc\.discovery: not on the issuer's origin/,
      ],
    ];
    for (const [discovery, why] of refused)
      assert.match(
        fault(() => parseHostConfig(config({ issuer, discovery }))),
        new RegExp(`^E_CONFIG_INVALID ${why.source}`),
        discovery,
      );
  });

  it('hostile: plain http is allowed only for a loopback IP literal (the lab’s stub), and then only there', () => {
    for (const issuer of [
      `http://127.0.0.1:4000${REALM}`,
      `http://127.9.9.9${REALM}`,
      `http://[::1]:4000${REALM}`,
    ]) {
      const parsed = parseHostConfig(
        config({ issuer, discovery: `${issuer}/.well-known/wallet-openid-configuration` }),
      );
      assert.equal(pscConfig(parsed.psc!, os.tmpdir(), undefined).allowHttp, true, issuer);
    }
    const https = parseHostConfig(config({ issuer: `https://psc.example${REALM}` }));
    assert.equal(pscConfig(https.psc!, os.tmpdir(), undefined).allowHttp, false);
    // The presets are HTTPS, whatever else the file says.
    const preset = parseHostConfig({
      ...config({}),
      psc: { preset: 'bas', clientId: 'c', clientSecret: 's' },
    });
    assert.equal(pscConfig(preset.psc!, os.tmpdir(), undefined).allowHttp, false);
  });

  it('hostile: discovery over plain http is refused at discovery time too, before any request (E_PSC_DISCOVERY)', async () => {
    let asked = 0;
    const realFetch = globalThis.fetch;
    globalThis.fetch = (async () => {
      asked += 1;
      throw new Error('no network in this test');
    }) as typeof fetch;
    try {
      for (const [endpoints, allowHttp] of [
        [
          {
            issuer: `https://psc.example${REALM}`,
            discovery: `http://psc.example${REALM}/.well-known/x`,
          },
          true,
        ],
        [
          {
            issuer: `http://psc.example${REALM}`,
            discovery: `http://psc.example${REALM}/.well-known/x`,
          },
          true,
        ],
        [
          {
            issuer: `http://127.0.0.1:9${REALM}`,
            discovery: `http://127.0.0.1:9${REALM}/.well-known/x`,
          },
          false,
        ],
      ] as const)
        await assert.rejects(
          discoverPsc({
            endpoints,
            clientId: 'c',
            auth: { method: 'client_secret_basic', secret: 's' },
            allowHttp,
          }),
          { code: 'E_PSC_DISCOVERY' },
        );
      assert.equal(asked, 0);
    } finally {
      globalThis.fetch = realFetch;
    }
  });

  it('hostile: the intermediate LPS server’s configuration holds its PSC URLs to the same rules (E_LPS_CONFIG)', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lps-config-'));
    try {
      const file = path.join(dir, 'lps.json');
      const write = (issuer: string) =>
        writeFileSync(
          file,
          JSON.stringify({
            publicUrl: 'https://lps.example',
            listen: { port: 8443 },
            tls: { certFile: 'cert.pem', keyFile: 'key.pem' },
            psc: { preset: 'custom', issuer, clientId: 'c', clientSecret: 's' },
          }),
        );
      write(`http://127.0.0.1:1@evil.example${REALM}`);
      assert.match(
        fault(() => loadLpsServerConfig(file)),
        /^E_LPS_CONFIG psc\.issuer: no user or password/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('hostile: an Annuaire URL without a host is a configuration fault, not a connection to this machine', () => {
    assert.match(
      fault(() => ldapsTarget('ldaps:///dc=sante,dc=fr')),
      /^E_CONFIG_INVALID annuaire\.url: no host/,
    );
    assert.deepEqual(ldapsTarget('ldaps://annuaire.example'), {
      host: 'annuaire.example',
      port: 636,
    });
  });
});
