import 'reflect-metadata'; // @peculiar/x509 (tsyringe) needs the Reflect metadata polyfill
import { createHash, randomBytes, webcrypto } from 'node:crypto';
import { createSecureContext, type SecureContext } from 'node:tls';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const DAY = 86_400_000;

/**
 * The TLS identity of the host's loopback bridges (docs/security.md, "Loopback bridge (19.1)"):
 * a self-signed certificate for 127.0.0.1, generated in memory at each host start (the key is
 * never written anywhere). Thunderbird pins it for exactly the bridge's host and ports, so a
 * process of another user that took a port while the host was down cannot pass for the bridge.
 */
export interface LoopbackIdentity {
  /** PKCS#8 PEM private key (memory only). */
  keyPem: string;
  /** The certificate, PEM. */
  certPem: string;
  /** The certificate, DER in base64 (what the extension pins in Thunderbird). */
  certBase64: string;
  /** SHA-256 of the DER, lower-case hex. */
  fingerprint: string;
  /** The TLS context every bridge serves with (TLS 1.2 at least), built once for them all. */
  context: SecureContext;
}

function pem(label: string, der: ArrayBuffer): string {
  const body = Buffer.from(der)
    .toString('base64')
    .match(/.{1,64}/g)!
    .join('\n');
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
}

/** A fresh identity (ECDSA P-256, valid from yesterday for 400 days: the host restarts long before). */
export async function loopbackIdentity(): Promise<LoopbackIdentity> {
  const keys = (await webcrypto.subtle.generateKey(ALG, true, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01' + randomBytes(15).toString('hex'),
    name: 'CN=open-mssante loopback bridge',
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 400 * DAY),
    keys,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([{ type: 'ip', value: '127.0.0.1' }]),
    ],
  });
  const der = Buffer.from(cert.rawData);
  const keyPem = pem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const certPem = cert.toString('pem') + '\n';
  return {
    keyPem,
    certPem,
    context: createSecureContext({ key: keyPem, cert: certPem, minVersion: 'TLSv1.2' }),
    certBase64: der.toString('base64'),
    fingerprint: createHash('sha256').update(der).digest('hex'),
  };
}
