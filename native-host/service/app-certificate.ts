import 'reflect-metadata'; // @peculiar/x509 (tsyringe) needs the Reflect metadata polyfill
import type { X509Certificate as NodeCertificate } from 'node:crypto';
import type { Socket } from 'node:net';
import tls from 'node:tls';
import * as x509 from '@peculiar/x509';
import { MssanteError } from '../../shared/errors/mssante-error';
import { describeCertificate } from '../trust/certificate-info';
import type { TrustSet } from '../trust/trust-sets';

/** What the host keeps in clear about an APP mailbox's certificate (for the UI and the journal). */
export interface AppCertificateFacts {
  /** Subject DN on one line, as the journal names the author (ECO.4.1.2). */
  subject: string;
  /** The organisation's IdNat, from the subject's OU (seed 001, ECO.1.3.1). */
  organisationId: string;
  notAfter: string;
}

const OID_OU = '2.5.4.11';

/**
 * Opens a PKCS#12 with its password the way the bridge will use it (Node's TLS `pfx`): the
 * password must open it, it must hold a certificate with its matching private key (OpenSSL checks
 * the pair when the context is built).
 */
function openPkcs12(pfx: Buffer, passphrase: string): NodeCertificate {
  let context: tls.SecureContext;
  try {
    context = tls.createSecureContext({ pfx, passphrase });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new MssanteError(
      /mac verify failure|bad decrypt|invalid password/i.test(message)
        ? 'E_APP_PKCS12_PASSWORD'
        : 'E_APP_PKCS12_INVALID',
      { detail: message.slice(0, 100), cause: error },
    );
  }
  // An unconnected TLS socket on that context gives back its own certificate.
  const socket = new tls.TLSSocket(null as unknown as Socket, { secureContext: context });
  try {
    const cert = socket.getX509Certificate();
    if (!cert) throw new MssanteError('E_APP_PKCS12_INVALID', { detail: 'no certificate' });
    return cert;
  } finally {
    socket.destroy();
  }
}

/**
 * ECO.1.3.1 at import time: the PKCS#12 opens with its password, its certificate is an
 * `ORG AUTH_CLI` of the selected trust set (issued by one of its Élémentaire Organisations CAs,
 * client authentication usage, not a CA), is valid now, and carries the organisation's IdNat in
 * its subject's OU. The operator checks the certificate again at each connection; these checks
 * turn a wrong file into a sentence before any connection is tried.
 *
 * Not checked here: the certificate policy OIDs of IGC Santé's ORG profile (the trust set's
 * Organisations CA only issues organisation certificates), and revocation (the operator's job
 * for client certificates; the host checks servers' revocation).
 */
export function checkAppPkcs12(
  pfx: Buffer,
  passphrase: string,
  set: TrustSet,
  now: Date = new Date(),
): AppCertificateFacts {
  const leaf = openPkcs12(pfx, passphrase);
  const who = describeCertificate(leaf);
  if (!set.organisations.some((ca) => leaf.checkIssued(ca) && leaf.verify(ca.publicKey)))
    throw new MssanteError('E_APP_CERT_NOT_ORGANISATIONS', { detail: who });
  if (now < new Date(leaf.validFrom) || now > new Date(leaf.validTo))
    throw new MssanteError('E_APP_CERT_EXPIRED', {
      detail: `${who}; ${leaf.validFrom} – ${leaf.validTo}`,
    });
  const parsed = new x509.X509Certificate(leaf.raw);
  const eku = parsed.getExtension(x509.ExtendedKeyUsageExtension);
  const ku = parsed.getExtension(x509.KeyUsagesExtension);
  if (
    leaf.ca ||
    (eku && !eku.usages.includes(x509.ExtendedKeyUsage.clientAuth)) ||
    (ku && !(ku.usages & x509.KeyUsageFlags.digitalSignature))
  )
    throw new MssanteError('E_APP_CERT_USAGE', { detail: who });
  const organisationId = parsed.subjectName.getField(OID_OU)[0]?.trim() ?? '';
  if (!/^\S{1,64}$/.test(organisationId))
    throw new MssanteError('E_APP_CERT_NO_IDNAT', { detail: who });
  return {
    subject: leaf.subject.split('\n').join(', '),
    organisationId,
    notAfter: new Date(leaf.validTo).toISOString(),
  };
}
