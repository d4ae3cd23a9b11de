import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import { X509Certificate as NodeCertificate, webcrypto } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as x509 from '@peculiar/x509';
import { ensurePackages } from '../../system/packages';
import { type MiniPki, privateKeyPem } from './mini-pki';

/**
 * The APP mailbox's `ORG AUTH_CLI` client certificate (ECO.1.3.1, issue 5 part 2), issued by the
 * sandbox's Élémentaire Organisations CA (or, for negative tests, by the foreign CA), and its
 * password-protected PKCS#12.
 *
 * Subject as IGC Santé shapes its organisation certificates and as seed 001 requires: the
 * organisation's IdNat in OU ("Le certificat ORG AUTH_CLI doit contenir l'IdNat de la structure
 * détentrice de la BAL applicative dans le champ OU du DN"), the organisation's name in O, the
 * application (here its mailbox address) in CN. EKU clientAuth, key usage digitalSignature.
 *
 * Kept apart from mini-pki.ts (which issues server leaves) so that each file keeps one job; it
 * only needs the CA keys MiniPki already exposes.
 */
x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
const alg = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
};
const DAY = 86_400_000;

export interface ClientCertificateOptions {
  /** CN: the application or its mailbox address. */
  commonName: string;
  /** OU: the IdNat of the organisation holding the APP mailbox. */
  organisationId: string;
  /** O: the organisation's name. */
  organisation: string;
  issuer?: 'organisations' | 'foreign';
  from?: Date;
  to?: Date;
  crlUrl?: string;
  /** Extended key usages (default clientAuth; a test may give serverAuth only). */
  eku?: string[];
}

export interface ClientCertificate {
  cert: NodeCertificate;
  keyPem: string;
  /** The issuing CA(s), PEM, sent along with the leaf. */
  chainPem: string;
  /** A PKCS#12 of the certificate, its key and chain: AES-256-CBC + PBKDF2, SHA-256 MAC. */
  pkcs12(passphrase: string): Buffer;
}

/** `CN=…, OU=…, O=…, C=FR` with the characters RFC 4514 asks to escape escaped. */
function dn(options: ClientCertificateOptions): string {
  const esc = (v: string) => v.replace(/([,+"\\<>;=#])/g, '\\$1');
  return `CN=${esc(options.commonName)}, OU=${esc(options.organisationId)}, O=${esc(options.organisation)}, C=FR`;
}

export async function issueClientCertificate(
  pki: MiniPki,
  options: ClientCertificateOptions,
): Promise<ClientCertificate> {
  const foreign = options.issuer === 'foreign';
  const issuerCert = foreign ? pki.foreign : pki.organisations;
  const signingKey = foreign ? pki.foreignKey : pki.organisationsKey;
  const keys = (await webcrypto.subtle.generateKey(alg, true, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  const generated = await x509.X509CertificateGenerator.create({
    serialNumber: '2' + Math.floor(Math.random() * 1e12).toString(16),
    subject: dn(options),
    issuer: new x509.X509Certificate(issuerCert.raw).subject,
    notBefore: options.from ?? new Date(Date.now() - DAY),
    notAfter: options.to ?? new Date(Date.now() + 365 * DAY),
    publicKey: keys.publicKey,
    signingKey,
    signingAlgorithm: alg,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.ExtendedKeyUsageExtension(options.eku ?? [x509.ExtendedKeyUsage.clientAuth]),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.CRLDistributionPointsExtension([options.crlUrl ?? 'http://pki.test/crl']),
    ],
  });
  const keyPem = await privateKeyPem(keys.privateKey);
  const cert = new NodeCertificate(Buffer.from(generated.rawData));
  const chainPem = foreign ? pki.foreign.toString() : pki.organisations.toString();
  return {
    cert,
    keyPem,
    chainPem,
    pkcs12: (passphrase) => exportPkcs12(cert.toString() + chainPem, keyPem, passphrase),
  };
}

/**
 * `openssl pkcs12 -export` with modern protection (what Node's tls `pfx` reads, and what IGC
 * Santé's own downloads use since OpenSSL 3). The PEM input goes through a 0700 temporary
 * directory removed at once; the passphrase goes through the environment, never argv.
 */
export function exportPkcs12(certsPem: string, keyPem: string, passphrase: string): Buffer {
  ensurePackages([{ command: 'openssl', pkg: 'openssl' }]);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'p12-'));
  try {
    const input = path.join(dir, 'in.pem');
    writeFileSync(input, certsPem + keyPem, { mode: 0o600 });
    const run = spawnSync(
      'openssl',
      [
        'pkcs12',
        '-export',
        '-in',
        input,
        '-passout',
        'env:MSSANTE_P12_PASS',
        '-keypbe',
        'AES-256-CBC',
        '-certpbe',
        'AES-256-CBC',
        '-macalg',
        'sha256',
        '-iter',
        '10000',
      ],
      { env: { ...process.env, MSSANTE_P12_PASS: passphrase } },
    );
    if (run.status !== 0) throw new Error(`openssl pkcs12 -export: ${run.stderr.toString()}`);
    return run.stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
