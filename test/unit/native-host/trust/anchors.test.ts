import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ANCHORS_DIR, resolveConfig } from '../../../../native-host/config/load';
import { projectRoot } from '../../../../native-host/project-root';
import {
  buildTrustSet,
  loadShippedTrustSet,
  type TrustSet,
} from '../../../../native-host/trust/trust-sets';
import { checkCertificate } from '../../../../native-host/trust/verify';
import { type MiniPki, miniPki } from '../../../../lab/sandbox/pki/mini-pki';
import { writeHostConfig } from '../../../../native-host/config/private-file';

/**
 * The real ANS IGC Santé Élémentaire anchors shipped in native-host/trust/anchors/ (provenance in
 * anchors/PROVENANCE.md). No private key of these CAs exists here, so the "server certificates"
 * below are real, public, expired end-entity certificates that ANS issued from them, checked at a
 * date inside their validity. Both were taken from ANS's own repository
 * prosanteconnect/proof-of-concept, commit b7ffbdbdcd2877ddff7c972802ffa1b265af9fe1, under
 * esignsante/esignsante-webservices/asip-sign-api/src/test/resources/certificates/.
 */

/** certificat_serveur.pem: tops.demo.asipsante.fr, issued by AC IGC-SANTE ELEMENTAIRE ORGANISATIONS. */
const PRODUCTION_SERVER = [
  '-----BEGIN CERTIFICATE-----',
  'MIIIZzCCBk+gAwIBAgIQEcnWFJHmTcMKHmfmO0hlsTANBgkqhkiG9w0BAQsFADCB',
  'gDELMAkGA1UEBhMCRlIxEzARBgNVBAoMCkFTSVAtU0FOVEUxFzAVBgNVBAsMDjAw',
  'MDIgMTg3NTEyNzUxMRIwEAYDVQQLDAlJR0MtU0FOVEUxLzAtBgNVBAMMJkFDIElH',
  'Qy1TQU5URSBFTEVNRU5UQUlSRSBPUkdBTklTQVRJT05TMB4XDTE5MTAxMDEzMTMy',
  'OVoXDTIyMTAxMDEzMTMyOVowgZAxCzAJBgNVBAYTAkZSMRMwEQYDVQQIDApQYXJp',
  'cyAoNzUpMTEwLwYDVQQKDChBR0VOQ0UgREVTIFNZU1RFTUVTIEQnSU5GT1JNQVRJ',
  'T04gUEFSVEFHMRgwFgYDVQQLDA8zMTg3NTEyNzUxMDAwMjAxHzAdBgNVBAMMFnRv',
  'cHMuZGVtby5hc2lwc2FudGUuZnIwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEK',
  'AoIBAQCYHqv9pBa4wrtzF9sDjGqfxP5mR6DYt63fHjtFmnE9NFvNPmJKP3E4ezEX',
  '/LuO/3LtW6BtiFUQHbmoA5BQFNugC/An2wm4BwFv4IBEzT1/88brDeFHxogJbcaw',
  '0/bwXm3u7/WLwdDvG1YYkn94XkXrw/qGjv/MTUVTsFAEw8xaoskLSrSaEGOl6SMY',
  '+0Fe7Bo1EEU1D+ZF53zPC4LSUIDxcUwhan+WVP90gNQ6XbBZ9p8WQcmgpBJkZ3Uz',
  'NLVNYB8YBD5ENahj3LryyRKVeMA+OS3tl9RM2O3MUJtnxa/dYfW4P4BGoO4gKHpb',
  'MUjUcJs+tRvrKgtYju6+/o979mAFAgMBAAGjggPJMIIDxTAJBgNVHRMEAjAAMB0G',
  'A1UdDgQWBBTcyuL79tPtUXXH8gmxsUGAQNu/ezAfBgNVHSMEGDAWgBTX+/rc1QJ/',
  '58FThk1L6KRKHgu7YzAOBgNVHQ8BAf8EBAMCBaAwTAYDVR0gBEUwQzBBBg0qgXoB',
  'gVUBBwEBAgUBMDAwLgYIKwYBBQUHAgEWImh0dHA6Ly9pZ2Mtc2FudGUuZXNhbnRl',
  'LmdvdXYuZnIvUEMwHQYDVR0lBBYwFAYIKwYBBQUHAwEGCCsGAQUFBwMCMDwGA1Ud',
  'EQQ1MDOCFnRvcHMuZGVtby5hc2lwc2FudGUuZnKCGXRvcHNwc2MuZGVtby5hc2lw',
  'c2FudGUuZnIwggE5BgNVHR8EggEwMIIBLDA4oDagNIYyaHR0cDovL2lnYy1zYW50',
  'ZS5lc2FudGUuZ291di5mci9DUkwvQUNJLUVMLU9SRy5jcmwwge+ggeyggemGgeZs',
  'ZGFwOi8vYW5udWFpcmUtaWdjLmVzYW50ZS5nb3V2LmZyL2NuPUFDJTIwSUdDLVNB',
  'TlRFJTIwRUxFTUVOVEFJUkUlMjBPUkdBTklTQVRJT05TLG91PUFDJTIwUkFDSU5F',
  'JTIwSUdDLVNBTlRFJTIwRUxFTUVOVEFJUkUsb3U9SUdDLVNBTlRFLG91PTAwMDIl',
  'MjAxODc1MTI3NTEsbz1BU0lQLVNBTlRFLGM9RlI/Y2VydGlmaWNhdGVyZXZvY2F0',
  'aW9ubGlzdDtiaW5hcnk/YmFzZT9vYmplY3RDbGFzcz1wa2lDQTCB9wYDVR0uBIHv',
  'MIHsMIHpoIHmoIHjhoHgbGRhcDovL2FubnVhaXJlLWlnYy5lc2FudGUuZ291di5m',
  'ci9jbj1BQyUyMElHQy1TQU5URSUyMEVMRU1FTlRBSVJFJTIwT1JHQU5JU0FUSU9O',
  'UyxvdT1BQyUyMFJBQ0lORSUyMElHQy1TQU5URSUyMEVMRU1FTlRBSVJFLG91PUlH',
  'Qy1TQU5URSxvdT0wMDAyJTIwMTg3NTEyNzUxLG89QVNJUC1TQU5URSxjPUZSP2Rl',
  'bHRhcmV2b2NhdGlvbmxpc3Q7YmluYXJ5P2Jhc2U/b2JqZWN0Q2xhc3M9cGtpQ0Ew',
  'dQYIKwYBBQUHAQEEaTBnMCYGCCsGAQUFBzABhhpodHRwOi8vb2NzcC5lc2FudGUu',
  'Z291di5mcjA9BggrBgEFBQcwAoYxaHR0cDovL2lnYy1zYW50ZS5lc2FudGUuZ291',
  'di5mci9BQy9BQ0ktRUwtT1JHLmNlcjAPBggqgXoBRwECBQQDBAEDMA0GCSqGSIb3',
  'DQEBCwUAA4ICAQAXWtWKma++yS6J4I7PnsSyn5l/qryM28zlPiNyGanURHaUA71M',
  'hagXkoUDgyldxft7wbwXTIEMxmfa2e209iJZiPwlCBqpFfbAhcZMnTeJPbUp8ECM',
  'Bi6FmYe5rKFHVU7xjmiVU5d+K07h5S4LjO3kev+p4UiKozMHYhE8keiT1RMVBAf9',
  'HMWApfbbPm3gDcgMzh9xvvtL5MEwQpTnjqlgDU03w+sYGdaCsQG0PbMU47iuJQVO',
  'J1yOQEJMHzrWOUAw8T0hc+PGB3k3oOU/QIzO1mMRn3+2fV2Hf+RS7Vc51EX6ChuU',
  'qPRNywH0+XE5E7cW3/rQeX9Be1eKCz4ss7KeHCq+J5a19x4GOki+LJZhmZ+4ulgA',
  'bn1W3P7KN0SBhw17o8j+AY/Ds3w1hoAvKNXiTWUPxZhoM1uiUHripXX226VJCe3i',
  'F8TBWwkOSrWyPrIe87jlguQwQEApytXmNAMTAT2bXJhy4CnGLl0RBt+/4UTkS4iI',
  'zIzW4lMXODhBPW9T1f4zWCpx9e3Tk3nFhiFJDamSpJ/PgNgH1R552Z2SsWHcV9jB',
  'wnlUYpm8uq5T6ob8avRVU5aRqlVT6aQuPQNT6u+q1D+WX9inLvqxyeijLwSjbnjd',
  'wDjSLfBqct5aoKuKBhLAHlAz19hiA3Hk/kPuZMhehkyNM4K3mUt/ifuTOw==',
  '-----END CERTIFICATE-----',
].join('\n');

/** mock.platines.henix.asipsante.fr.pem, issued by TEST AC IGC-SANTE ELEMENTAIRE ORGANISATIONS. */
const TEST_SERVER = [
  '-----BEGIN CERTIFICATE-----',
  'MIIIvTCCBqWgAwIBAgIQHV3iXj3BS95IYNk+n6rqxjANBgkqhkiG9w0BAQsFADCB',
  'ijELMAkGA1UEBhMCRlIxEzARBgNVBAoMCkFTSVAtU0FOVEUxFzAVBgNVBAsMDjAw',
  'MDIgMTg3NTEyNzUxMRcwFQYDVQQLDA5JR0MtU0FOVEUgVEVTVDE0MDIGA1UEAwwr',
  'VEVTVCBBQyBJR0MtU0FOVEUgRUxFTUVOVEFJUkUgT1JHQU5JU0FUSU9OUzAeFw0x',
  'NzExMDYxNDQ1MzVaFw0yMDExMDYxNDQ1MzVaMHwxCzAJBgNVBAYTAkZSMRMwEQYD',
  'VQQIDApQYXJpcyAoNzUpMRMwEQYDVQQKDApBU0lQLVNBTlRFMRgwFgYDVQQLDA8z',
  'MTg3NTEyNzUxMDAwMjAxKTAnBgNVBAMMIG1vY2sucGxhdGluZXMuaGVuaXguYXNp',
  'cHNhbnRlLmZyMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA3RdA1COw',
  '7PBwq46uN7HBe6tBJaAn9Ysetp61ySlzZYC89WGPitw1MD90d4787MUEyPKgiM5b',
  '+yTe/vhkJGL2jTdm+/No7ezQFYEs4/txAPcVROrI2xVJ+DoHCSmnbZSH+5EATpgK',
  'aWex6XdCFQ6s0ar4Mf4oTYbTgV3uiUs8aA9X+5nu1n2Nd/JvFFHF7IHaKdOQ2Fum',
  '07FSbA1QNTDX6NYsHy/hCyctYqYxTez8nJZ7hU5HqK7/rb5XxUPgCMIdwREjOgrO',
  'zC1gMP1cd0wkWVrNyb45+jBX+dCP4dmwdYQP/hcPHvjVx35DjAfPMhOPULIUbK3H',
  'VszI4YdaUeuJsQIDAQABo4IEKjCCBCYwCQYDVR0TBAIwADAdBgNVHQ4EFgQU5JDy',
  '0fESIj3JI+rzkMZw6t5SFgUwHwYDVR0jBBgwFoAUIS6EfTse9RLeUaIhXK6TqO9b',
  '4/UwDgYDVR0PAQH/BAQDAgWgMFMGA1UdIARMMEowSAYNKoF6AYFVAQcCAQEBATA3',
  'MDUGCCsGAQUFBwIBFilodHRwOi8vaWdjLXNhbnRlLmVzYW50ZS5nb3V2LmZyL1BD',
  'JTIwVEVTVDAdBgNVHSUEFjAUBggrBgEFBQcDAQYIKwYBBQUHAwIwVQYDVR0RBE4w',
  'TIIgbW9jay5wbGF0aW5lcy5oZW5peC5hc2lwc2FudGUuZnKCKG1vY2tzZXJ2aWNl',
  'cy5wbGF0aW5lcy5oZW5peC5hc2lwc2FudGUuZnIwggFVBgNVHR8EggFMMIIBSDA9',
  'oDugOYY3aHR0cDovL2lnYy1zYW50ZS5lc2FudGUuZ291di5mci9DUkwvQUNJLUVM',
  'LU9SRy1URVNULmNybDCCAQWgggEBoIH+hoH7bGRhcDovL2FubnVhaXJlLWlnYy5l',
  'c2FudGUuZ291di5mci9jbj1URVNUJTIwQUMlMjBJR0MtU0FOVEUlMjBFTEVNRU5U',
  'QUlSRSUyME9SR0FOSVNBVElPTlMsb3U9VEVTVCUyMEFDJTIwUkFDSU5FJTIwSUdD',
  'LVNBTlRFJTIwRUxFTUVOVEFJUkUsb3U9SUdDLVNBTlRFJTIwVEVTVCxvdT0wMDAy',
  'JTIwMTg3NTEyNzUxLG89QVNJUC1TQU5URSxjPUZSP2NlcnRpZmljYXRlcmV2b2Nh',
  'dGlvbmxpc3Q7YmluYXJ5P2Jhc2U/b2JqZWN0Q2xhc3M9cGtpQ0EwggEOBgNVHS4E',
  'ggEFMIIBATCB/qCB+6CB+IaB9WxkYXA6Ly9hbm51YWlyZS1pZ2MuZXNhbnRlLmdv',
  'dXYuZnIvY249VEVTVCUyMEFDJTIwSUdDLVNBTlRFJTIwRUxFTUVOVEFJUkUlMjBP',
  'UkdBTklTQVRJT05TLG91PVRFU1QlMjBBQyUyMFJBQ0lORSUyMElHQy1TQU5URSUy',
  'MEVMRU1FTlRBSVJFLG91PUlHQy1TQU5URSUyMFRFU1Qsb3U9MDAwMiUyMDE4NzUx',
  'Mjc1MSxvPUFTSVAtU0FOVEUsYz1GUj9kZWx0YXJldm9jYXRpb25saXN0O2JpbmFy',
  'eT9iYXNlP29iamVjdENsYXNzPXBraUNBMIGBBggrBgEFBQcBAQR1MHMwJgYIKwYB',
  'BQUHMAGGGmh0dHA6Ly9vY3NwLmVzYW50ZS5nb3V2LmZyMEkGCCsGAQUFBzAChj1o',
  'dHRwOi8vaWdjLXNhbnRlLmVzYW50ZS5nb3V2LmZyL0FDJTIwVEVTVC9BQ0ktRUwt',
  'T1JHLVRFU1QuY2VyMA8GCCqBegFHAQIFBAMEAYMwDQYJKoZIhvcNAQELBQADggIB',
  'AKkCZ7YLxLNKtPtFEPkpkunVUKQC2ps2BI96god24sUZZ8qcy3gFwmAqMe/Sqahi',
  'IlwGvVTf+iS+KTsmWGDo0aQ+nswXWsxUqeTL8er1HP1mZn73gO6Q0fAqwhW0IPVd',
  'PaNt9Bt8I3vpjqj3ANim3qkA47fY6K2t01iiTHma/19gH6jt4inH+zNAd8y+8AiE',
  'Ahppc2UhcPtrSODaQGExrIYqcj/fMOhTXYSvukuv2Tj5dQVorw3MeBjDXxuPqdGU',
  'e5/MhOJFdPbDHU6QXfWG3FRgEirhOIWMiaaKS75A28tECWkLCVTF8OuoTCZIic0P',
  'WwbqWcuTctpa5Xy37sty21oGf2STF9QsTEWQKCCECyk01risWYwXDXqMpa9MaULw',
  'MJbRfRSLMzmRIlEATgsaFYb2teQK7Nc9G490y6qbf9LJg8eN3eRokDTD0qmwkktP',
  'ekmUmLECtEel/ntqrC4q1i6dUmm2drpB1VVl2dLr+M4Eecbn2GspuPPW1Wc1zKOq',
  'O+Yqcao8HlQhEYZXC/GsuRNakH3ZQuzvQ6hwMaLTVoqD0TrJ7iW5p1/dGtPg8GhF',
  'Ak8HS3lTVY6/QsmFv224kpoILMjVcAbrYwG9vgKTGN5uFEEXtqIJV0SiPQtfELhj',
  'FadzngMBrkNbRXbtx+qlC/7hERVZ/W55vqW6IZbliYFd',
  '-----END CERTIFICATE-----',
].join('\n');

const ROOT = projectRoot();
const ANCHORS = path.join(ROOT, 'native-host', 'trust', 'anchors');
const SETS = ['production', 'ans-test'] as const;
type ShippedSet = (typeof SETS)[number];

const EXPECTED: Record<
  ShippedSet,
  { root: string; organisations: string; server: { pem: string; name: string; at: Date } }
> = {
  production: {
    root: 'C=FR\nO=ASIP-SANTE\nOU=0002 187512751\nOU=IGC-SANTE\nCN=AC RACINE IGC-SANTE ELEMENTAIRE',
    organisations:
      'C=FR\nO=ASIP-SANTE\nOU=0002 187512751\nOU=IGC-SANTE\nCN=AC IGC-SANTE ELEMENTAIRE ORGANISATIONS',
    server: {
      pem: PRODUCTION_SERVER,
      name: 'tops.demo.asipsante.fr',
      at: new Date('2021-06-01T00:00:00Z'),
    },
  },
  'ans-test': {
    root: 'C=FR\nO=ASIP-SANTE\nOU=0002 187512751\nOU=IGC-SANTE TEST\nCN=TEST AC RACINE IGC-SANTE ELEMENTAIRE',
    organisations:
      'C=FR\nO=ASIP-SANTE\nOU=0002 187512751\nOU=IGC-SANTE TEST\nCN=TEST AC IGC-SANTE ELEMENTAIRE ORGANISATIONS',
    server: {
      pem: TEST_SERVER,
      name: 'mock.platines.henix.asipsante.fr',
      at: new Date('2019-06-01T00:00:00Z'),
    },
  },
};
const OTHER: Record<ShippedSet, ShippedSet> = { production: 'ans-test', 'ans-test': 'production' };

const codeOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
  return 'accepted';
};
const sha256 = (cert: X509Certificate): string =>
  createHash('sha256').update(cert.raw).digest('hex');
const shippedFiles = (): string[] =>
  SETS.flatMap((set) =>
    readdirSync(path.join(ANCHORS, set))
      .sort()
      .map((file) => `${set}/${file}`),
  ).sort();

describe('trust: the shipped IGC Santé anchors (production, ans-test)', function () {
  this.timeout(30_000);
  const fingerprints = JSON.parse(
    readFileSync(path.join(ANCHORS, 'fingerprints.json'), 'utf8'),
  ) as Record<string, string>;
  const sets = {} as Record<ShippedSet, TrustSet>;
  let pki: MiniPki;
  before(async () => {
    for (const set of SETS) sets[set] = loadShippedTrustSet(set, ANCHORS);
    pki = await miniPki();
  });

  it('ECO.1.1.10 every shipped anchor is one PEM certificate whose SHA-256 is the one in fingerprints.json', () => {
    assert.deepEqual(shippedFiles(), Object.keys(fingerprints).sort());
    assert.equal(shippedFiles().length, 4);
    for (const file of shippedFiles()) {
      const text = readFileSync(path.join(ANCHORS, file), 'utf8');
      const cert = new X509Certificate(text);
      // Nothing else in the file: a changed byte changes the certificate or fails here.
      assert.equal(text, cert.toString(), `${file} is not exactly one canonical PEM certificate`);
      assert.equal(sha256(cert), fingerprints[file], `${file} does not match fingerprints.json`);
      assert.equal(cert.fingerprint256.replace(/:/g, '').toLowerCase(), fingerprints[file]);
    }
  });

  it('PROVENANCE.md records each shipped file with its fingerprint and official ANS URL', () => {
    const provenance = readFileSync(path.join(ANCHORS, 'PROVENANCE.md'), 'utf8');
    for (const [file, hex] of Object.entries(fingerprints)) {
      assert.ok(provenance.includes(`\`${file}\``), `${file} missing from PROVENANCE.md`);
      const colons = hex.toUpperCase().match(/../g)!.join(':');
      assert.ok(provenance.includes(colons), `${file}'s fingerprint missing from PROVENANCE.md`);
    }
    for (const url of [
      'http://igc-sante.esante.gouv.fr/AC/ACR-EL.cer',
      'http://igc-sante.esante.gouv.fr/AC/ACI-EL-ORG.cer',
      'http://igc-sante.esante.gouv.fr/AC%20TEST/ACR-EL-TEST.cer',
      'http://igc-sante.esante.gouv.fr/AC%20TEST/ACI-EL-ORG-TEST.cer',
    ])
      assert.ok(provenance.includes(url), url);
  });

  for (const set of SETS) {
    it(`ECO.1.1.10 loadShippedTrustSet('${set}') has exactly one root and Organisations CA(s) it signed`, () => {
      const trust = sets[set];
      assert.equal(trust.name, set);
      assert.equal(trust.roots.length, 1);
      assert.ok(trust.organisations.length >= 1);
      const [root] = trust.roots;
      assert.equal(root!.subject, EXPECTED[set].root);
      assert.equal(root!.issuer, EXPECTED[set].root);
      assert.ok(root!.ca && root!.verify(root!.publicKey));
      for (const ca of trust.organisations) {
        assert.equal(ca.subject, EXPECTED[set].organisations);
        assert.equal(ca.issuer, EXPECTED[set].root);
        assert.ok(ca.ca && ca.checkIssued(root!) && ca.verify(root!.publicKey));
        // Not signed by the other set's root.
        const other = sets[OTHER[set]].roots[0]!;
        assert.equal(ca.verify(other.publicKey), false);
      }
    });

    it(`ECO.1.1.10 the shipped '${set}' anchors are within their validity today (else: fetch ANS's new ones)`, () => {
      const now = new Date();
      for (const cert of [...sets[set].roots, ...sets[set].organisations]) {
        assert.ok(new Date(cert.validFrom) <= now, `${cert.subject} not yet valid`);
        assert.ok(now <= new Date(cert.validTo), `${cert.subject} expired ${cert.validTo}`);
      }
    });

    it(`ECO.1.1.10 '${set}' accepts a real server certificate ANS issued from its Organisations CA`, () => {
      const { pem, name, at } = EXPECTED[set].server;
      const issuer = checkCertificate(new X509Certificate(pem), name, sets[set], at);
      assert.equal(issuer.subject, EXPECTED[set].organisations);
      assert.equal(sha256(issuer), sha256(sets[set].organisations[0]!));
    });

    it(`ECO.1.1.10 '${set}' refuses the ${OTHER[set]} set's server certificate and CAs (foreign CA)`, () => {
      const { pem, name, at } = EXPECTED[OTHER[set]].server;
      assert.equal(
        codeOf(() => checkCertificate(new X509Certificate(pem), name, sets[set], at)),
        'E_TRUST_UNKNOWN_CA',
      );
      for (const ca of sets[OTHER[set]].organisations)
        assert.equal(
          codeOf(() => checkCertificate(ca, name, sets[set], at)),
          'E_TRUST_UNKNOWN_CA',
        );
    });

    it(`ECO.1.1.10 '${set}' refuses server certificates from the sandbox PKI (foreign CA)`, async () => {
      const host = 'imap.sandbox.mssante.test';
      for (const issuer of ['organisations', 'root', 'foreign'] as const) {
        const leaf = await pki.leaf({ name: host, issuer });
        assert.equal(
          codeOf(() => checkCertificate(leaf, host, sets[set], new Date())),
          'E_TRUST_UNKNOWN_CA',
          `sandbox ${issuer} leaf`,
        );
      }
    });

    it(`ECO.1.1.10 a '${set}' set holding the ${OTHER[set]} Organisations CA does not load`, () => {
      const mixed = [...sets[set].roots, ...sets[OTHER[set]].organisations];
      assert.equal(
        codeOf(() => buildTrustSet(set, mixed)),
        'E_TRUST_CONFIG',
      );
    });

    it(`ECO.1.1.5 '${set}' refuses ANS's real server certificate once past its end date`, () => {
      const { pem, name } = EXPECTED[set].server;
      assert.equal(
        codeOf(() => checkCertificate(new X509Certificate(pem), name, sets[set], new Date())),
        'E_TRUST_EXPIRED',
      );
    });

    it(`ECO.1.1.10 config.json "trust": {"set": "${set}"} selects the shipped anchors`, () => {
      const state = mkdtempSync(path.join(os.tmpdir(), 'anchors-config-'));
      try {
        writeHostConfig(state, { trust: { set } });
        const { trust } = resolveConfig(state);
        assert.equal(trust.name, set);
        assert.deepEqual(
          [...trust.roots, ...trust.organisations].map(sha256).sort(),
          Object.entries(fingerprints)
            .filter(([file]) => file.startsWith(`${set}/`))
            .map(([, hex]) => hex)
            .sort(),
        );
      } finally {
        rmSync(state, { recursive: true, force: true });
      }
    });
  }

  it('the host finds the anchors from the source tree and from the built dist/host bundle', () => {
    assert.equal(ANCHORS_DIR(), ANCHORS);
    // dist/host/mssante.mjs (and its chunks) resolve the project root from their own folder.
    assert.equal(projectRoot(path.join(ROOT, 'dist', 'host')), ROOT);
  });
});
