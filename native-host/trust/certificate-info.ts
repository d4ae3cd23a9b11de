import 'reflect-metadata'; // @peculiar/x509 (tsyringe) needs the Reflect metadata polyfill
import { X509Certificate as NodeCertificate } from 'node:crypto';
import * as x509 from '@peculiar/x509';

/** What a refusal tells about a certificate: subject, issuer, SHA-256 fingerprint. */
export function describeCertificate(cert: NodeCertificate): string {
  const oneLine = (dn: string) => dn.split('\n').join(', ');
  return `subject ${oneLine(cert.subject)}; issuer ${oneLine(cert.issuer)}; sha256 ${cert.fingerprint256}`;
}

/** Canonical serial number: lower-case hex without leading zeros. */
export function normalizeSerial(hex: string): string {
  return hex
    .replace(/[^0-9a-f]/gi, '')
    .toLowerCase()
    .replace(/^0+(?=.)/, '');
}

function uris(names: ReadonlyArray<{ uniformResourceIdentifier?: string }> | undefined): string[] {
  return (names ?? []).flatMap((n) =>
    n.uniformResourceIdentifier ? [n.uniformResourceIdentifier] : [],
  );
}

/** URLs of the CRL distribution points and OCSP responders a certificate names. */
export function revocationPointers(cert: NodeCertificate): { crl: string[]; ocsp: string[] } {
  const parsed = new x509.X509Certificate(cert.raw);
  const cdp = parsed.getExtension(x509.CRLDistributionPointsExtension);
  const aia = parsed.getExtension(x509.AuthorityInfoAccessExtension);
  const crl = (cdp?.distributionPoints ?? []).flatMap((point) =>
    uris(point.distributionPoint?.fullName),
  );
  const ocsp = (aia?.ocsp ?? []).filter((n) => n.type === 'url').map((n) => n.value);
  return {
    crl: crl.filter((u) => u.startsWith('http://')),
    ocsp: ocsp.filter((u) => u.startsWith('http://')),
  };
}

/** Key usage and extended key usage fit for a TLS server (ECO.1.1.10 + RFC 5280). */
export function isServerAuthCertificate(cert: NodeCertificate): boolean {
  const parsed = new x509.X509Certificate(cert.raw);
  const eku = parsed.getExtension(x509.ExtendedKeyUsageExtension);
  if (eku && !eku.usages.includes(x509.ExtendedKeyUsage.serverAuth)) return false;
  const ku = parsed.getExtension(x509.KeyUsagesExtension);
  if (
    ku &&
    !(ku.usages & (x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment))
  )
    return false;
  return !cert.ca;
}
