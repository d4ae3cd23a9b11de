import 'reflect-metadata';
import { X509Certificate as NodeCertificate, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

/**
 * A minimal CA (root → Organisations CA → leaves) for unit tests of the trust module, generated
 * in memory with @peculiar/x509. The real sandbox PKI (sandbox/pki) proves the same rules end to
 * end against real servers; this one makes each rule testable in milliseconds.
 */
x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
const alg = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
};
const DAY = 86_400_000;

export interface MiniPki {
  root: NodeCertificate;
  organisations: NodeCertificate;
  foreign: NodeCertificate;
  leaf(options?: {
    name?: string;
    from?: Date;
    to?: Date;
    issuer?: 'organisations' | 'root' | 'foreign';
    eku?: string[];
    serial?: string;
    crlUrl?: string;
  }): Promise<NodeCertificate>;
  crl(
    entries: string[],
    options?: { thisUpdate?: Date; nextUpdate?: Date | null; signer?: 'organisations' | 'foreign' },
  ): Promise<Uint8Array>;
}

async function ca(
  name: string,
  issuer?: { cert: x509.X509Certificate; keys: webcrypto.CryptoKeyPair },
) {
  const keys = (await webcrypto.subtle.generateKey(alg, true, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  const params = {
    serialNumber: '0' + Math.floor(Math.random() * 1e12).toString(16),
    name,
    notBefore: new Date(Date.now() - 365 * DAY),
    notAfter: new Date(Date.now() + 3650 * DAY),
    keys,
    signingAlgorithm: alg,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
    ],
  };
  const cert = issuer
    ? await x509.X509CertificateGenerator.create({
        ...params,
        subject: name,
        issuer: issuer.cert.subject,
        publicKey: keys.publicKey,
        signingKey: issuer.keys.privateKey,
      })
    : await x509.X509CertificateGenerator.createSelfSigned(params);
  return { cert, keys };
}

export async function miniPki(): Promise<MiniPki> {
  const root = await ca(
    'CN=TEST AC RACINE IGC-SANTE ELEMENTAIRE, OU=IGC-SANTE TEST, O=ASIP-SANTE, C=FR',
  );
  const organisations = await ca(
    'CN=TEST AC IGC-SANTE ELEMENTAIRE ORGANISATIONS, OU=IGC-SANTE TEST, O=ASIP-SANTE, C=FR',
    root,
  );
  const foreign = await ca('CN=Some Other CA, O=Elsewhere, C=FR');
  const signers = { organisations, root, foreign };
  const node = (c: x509.X509Certificate) => new NodeCertificate(Buffer.from(c.rawData));
  return {
    root: node(root.cert),
    organisations: node(organisations.cert),
    foreign: node(foreign.cert),
    async leaf({
      name = 'imap.sandbox.mssante.test',
      from,
      to,
      issuer = 'organisations',
      eku = [x509.ExtendedKeyUsage.serverAuth],
      serial,
      crlUrl = 'http://pki.test/crl',
    } = {}) {
      const keys = (await webcrypto.subtle.generateKey(alg, true, [
        'sign',
        'verify',
      ])) as webcrypto.CryptoKeyPair;
      const signer = signers[issuer];
      const cert = await x509.X509CertificateGenerator.create({
        serialNumber: serial ?? '1' + Math.floor(Math.random() * 1e12).toString(16),
        subject: `CN=${name}, O=Sandbox, C=FR`,
        issuer: signer.cert.subject,
        notBefore: from ?? new Date(Date.now() - DAY),
        notAfter: to ?? new Date(Date.now() + 365 * DAY),
        publicKey: keys.publicKey,
        signingKey: signer.keys.privateKey,
        signingAlgorithm: alg,
        extensions: [
          new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: name }]),
          new x509.ExtendedKeyUsageExtension(eku),
          new x509.KeyUsagesExtension(
            x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
          ),
          new x509.CRLDistributionPointsExtension([crlUrl]),
        ],
      });
      return node(cert);
    },
    async crl(
      entries,
      {
        thisUpdate = new Date(Date.now() - DAY),
        nextUpdate = new Date(Date.now() + 7 * DAY),
        signer = 'organisations',
      } = {},
    ) {
      const by = signers[signer];
      const crl = await x509.X509CrlGenerator.create({
        issuer: organisations.cert.subject, // a foreign signer still claims to be the issuer
        thisUpdate,
        ...(nextUpdate ? { nextUpdate } : {}),
        entries: entries.map((serialNumber) => ({ serialNumber, revocationDate: thisUpdate })),
        signingKey: by.keys.privateKey,
        signingAlgorithm: alg,
      });
      return new Uint8Array(crl.rawData);
    },
  };
}
