import { X509Certificate as NodeCertificate } from 'node:crypto';
import type { Socket } from 'node:net';
import tls, { type TLSSocket } from 'node:tls';
import type { ErrorCode } from '../../shared/errors/codes';
import { MssanteError } from '../../shared/errors/mssante-error';
import { describeCertificate, isServerAuthCertificate } from './certificate-info';
import type { RevocationChecker, RevocationReport } from './revocation';
import {
  checkNegotiated,
  handshakeError,
  type NegotiatedSession,
  policyOptions,
  type TLS12_SUITES,
} from './tls-policy';
import type { TrustSet } from './trust-sets';

export interface TrustContext {
  set: TrustSet;
  revocation: RevocationChecker;
  now?: () => Date;
  /**
   * Offer less than the policy (one suite, TLS 1.2 only): how tests prove each allowed suite
   * works. It can only narrow: whatever is negotiated is still checked by checkNegotiated.
   */
  narrow?: { ciphers?: (typeof TLS12_SUITES)[number]; maxVersion?: 'TLSv1.2' };
}

/** What was checked on an accepted server, for the audit journal and the UI. */
export interface PeerReport {
  server: string;
  session: NegotiatedSession;
  certificate: string;
  /** The certificate's issuer DN on one line. */
  issuer: string;
  /** Who vouched for it: the IGC Santé set, or the web PKI (the autoconfig download only). */
  pki: 'igc-sante' | 'web';
  revocation: RevocationReport;
  /** The issuing Organisations CA's own revocation status, when its certificate names sources. */
  caRevocation?: RevocationReport;
}

const oneLine = (dn: string) => dn.split('\n').join(', ');

/** OpenSSL's verification errors (tls `authorizationError`) as the trust module's codes. */
function webPkiCode(reason: string): ErrorCode {
  if (reason === 'CERT_HAS_EXPIRED') return 'E_TRUST_EXPIRED';
  if (reason === 'CERT_NOT_YET_VALID') return 'E_TRUST_NOT_YET_VALID';
  if (reason === 'INVALID_PURPOSE') return 'E_TRUST_KEY_USAGE';
  return 'E_TRUST_AUTOCONFIG_UNKNOWN_CA';
}

/**
 * The web PKI's check of a certificate no IGC Santé CA issued (autoconfig only, docs/trust.md):
 * OpenSSL's chain verification against `webPki` (Node's default store), then our own host name
 * and key usage checks. Returns the issuing CA when the server sent it (for revocation).
 */
function checkWebCertificate(
  secure: TLSSocket,
  leaf: NodeCertificate,
  servername: string,
  issuerRaw: Buffer | undefined,
): NodeCertificate | undefined {
  const who = describeCertificate(leaf);
  if (!secure.authorized) {
    const reason = String(secure.authorizationError ?? 'not verified');
    throw new MssanteError(webPkiCode(reason), {
      detail: `${who}; neither IGC Santé nor the web PKI: ${reason}`,
    });
  }
  if (!leaf.checkHost(servername, { subject: 'never' }))
    throw new MssanteError('E_TRUST_HOSTNAME', { detail: `${servername}; ${who}` });
  if (!isServerAuthCertificate(leaf)) throw new MssanteError('E_TRUST_KEY_USAGE', { detail: who });
  const issuer = issuerRaw ? new NodeCertificate(issuerRaw) : undefined;
  return issuer && leaf.checkIssued(issuer) ? issuer : undefined;
}

/**
 * ECO.1.1.10, 1.1.5 (and host name, key usage): the server certificate must be issued by an
 * IGC Santé Élémentaire Organisations CA of the selected set, be within its dates, match the
 * server's name, and be a server certificate. Returns the issuing CA.
 */
export function checkCertificate(
  leaf: NodeCertificate,
  servername: string,
  set: TrustSet,
  now: Date,
): NodeCertificate {
  const who = describeCertificate(leaf);
  const issuer = set.organisations.find((ca) => leaf.checkIssued(ca) && leaf.verify(ca.publicKey));
  if (!issuer) {
    const byRoot = set.roots.some((root) => leaf.checkIssued(root) && leaf.verify(root.publicKey));
    throw new MssanteError(byRoot ? 'E_TRUST_NOT_ORGANISATIONS_CA' : 'E_TRUST_UNKNOWN_CA', {
      detail: who,
    });
  }
  for (const cert of [leaf, issuer]) {
    if (now < new Date(cert.validFrom))
      throw new MssanteError('E_TRUST_NOT_YET_VALID', {
        detail: `${describeCertificate(cert)}; from ${cert.validFrom}`,
      });
    if (now > new Date(cert.validTo))
      throw new MssanteError('E_TRUST_EXPIRED', {
        detail: `${describeCertificate(cert)}; until ${cert.validTo}`,
      });
  }
  if (!leaf.checkHost(servername, { subject: 'never' })) {
    throw new MssanteError('E_TRUST_HOSTNAME', { detail: `${servername}; ${who}` });
  }
  if (!isServerAuthCertificate(leaf)) throw new MssanteError('E_TRUST_KEY_USAGE', { detail: who });
  return issuer;
}

/**
 * The ORG AUTH_CLI certificate is presented over TLS 1.3 only (docs/security.md, 19.8). Node's
 * TLS client accepts any server chain *during* the handshake (its OpenSSL verify callback always
 * says yes; the chain is judged once the handshake is over), so the client certificate cannot be
 * held back until the server's certificate was verified. TLS 1.3 is what protects it then: the
 * client's Certificate message is encrypted under the handshake keys and sent only after the
 * server proved it holds its certificate's key (CertificateVerify) and finished its side; with
 * TLS 1.2 it would cross the network in clear, before any of our checks. Nothing else — the
 * PLAIN login — is sent before checkCertificate and the revocation checks pass.
 */
function appTlsOptions(client: { pfx: Buffer; passphrase: string }): tls.ConnectionOptions {
  return { pfx: client.pfx, passphrase: client.passphrase, minVersion: 'TLSv1.3' };
}

/** An APP connection refused for its TLS version says why: the operator lacks TLS 1.3. */
function appVersionRefusal(failure: MssanteError, app: boolean): MssanteError {
  return app && failure.code === 'E_TLS_VERSION'
    ? new MssanteError('E_APP_TLS13_REQUIRED', {
        detail: failure.detail ?? 'no TLS 1.3',
        cause: failure,
      })
    : failure;
}

/** The Organisations CA's own revocation, asked of the root of the set that signed it. */
function checkIssuingCa(
  issuer: NodeCertificate,
  trust: TrustContext,
): Promise<RevocationReport | undefined> {
  const root = trust.set.roots.find((r) => issuer.checkIssued(r) && issuer.verify(r.publicKey));
  return root ? trust.revocation.checkCa(issuer, root) : Promise.resolve(undefined);
}

/**
 * Upgrades a connected socket (after STARTTLS was accepted) to TLS under the policy and
 * verifies the server. Nothing is written on the TLS socket before this resolves; on any
 * refusal the socket is destroyed and a coded error says which rule, which server, which
 * certificate.
 */
export async function secureUpstream(
  socket: Socket,
  servername: string,
  trust: TrustContext,
  /**
   * The APP mailbox's ORG AUTH_CLI certificate (ECO.1.3.1), presented over TLS 1.3 only (see
   * appTlsOptions).
   */
  clientCertificate?: { pfx: Buffer; passphrase: string },
  /**
   * The autoconfig download only (seed 001, footnote (*) under ECO.1.1.9): the web PKI's anchors
   * (webPkiAnchors). A certificate no IGC Santé CA of the set issued is then accepted when
   * OpenSSL verifies it against them; revocation is soft-failed (RevocationChecker.checkSoft).
   */
  webPki?: readonly string[],
): Promise<{ socket: TLSSocket; report: PeerReport }> {
  const server = `${servername}:${socket.remotePort ?? '?'}`;
  const secure = tls.connect({
    socket,
    servername,
    ...policyOptions(),
    ...(trust.narrow?.ciphers ? { ciphers: trust.narrow.ciphers } : {}),
    ...(trust.narrow?.maxVersion ? { maxVersion: trust.narrow.maxVersion } : {}),
    ...(clientCertificate ? appTlsOptions(clientCertificate) : {}),
    ca: [
      ...(webPki ?? []),
      ...[...trust.set.roots, ...trust.set.organisations].map((c) => c.toString()),
    ],
    // We verify the chain ourselves against the selected set only (checkCertificate), so that
    // every refusal gets its own code; nothing is sent before that verification passes.
    rejectUnauthorized: false,
    checkServerIdentity: () => undefined,
  });
  // An error after the handshake (a TLS 1.3 server refusing our client certificate sends its
  // alert then) may come while the revocation check runs: kept, and thrown once it is done.
  let late: unknown = null;
  secure.on('error', (error) => (late ??= error));
  try {
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', () => resolve());
      secure.once('error', (error) => reject(handshakeError(error)));
      secure.once('close', () =>
        reject(new MssanteError('E_TLS_HANDSHAKE', { detail: 'closed during the handshake' })),
      );
    });
    const session = checkNegotiated(secure);
    // The issuer the server sent, for the web PKI's revocation check. Read before
    // getPeerX509Certificate(): in Node 20, getPeerCertificate() answers {} once that was called.
    const issuerRaw = webPki ? secure.getPeerCertificate(true).issuerCertificate?.raw : undefined;
    const leaf = secure.getPeerX509Certificate();
    if (!leaf) throw new MssanteError('E_TRUST_UNKNOWN_CA', { detail: 'no certificate' });
    let pki: PeerReport['pki'] = 'igc-sante';
    let revocation: RevocationReport;
    let caRevocation: RevocationReport | undefined;
    try {
      const issuer = checkCertificate(leaf, servername, trust.set, trust.now?.() ?? new Date());
      [revocation, caRevocation] = await Promise.all([
        trust.revocation.check(leaf, issuer),
        checkIssuingCa(issuer, trust),
      ]);
    } catch (error) {
      // Only a certificate no CA of the IGC Santé set issued may be vouched for by the web PKI.
      if (!webPki || !(error instanceof MssanteError) || error.code !== 'E_TRUST_UNKNOWN_CA')
        throw error;
      pki = 'web';
      revocation = await trust.revocation.checkSoft(
        leaf,
        checkWebCertificate(secure, leaf, servername, issuerRaw),
      );
    }
    if (late || secure.destroyed)
      throw handshakeError(late ?? new Error('connection closed after the handshake'));
    secure.removeAllListeners('close');
    secure.removeAllListeners('error');
    return {
      socket: secure,
      report: {
        server,
        session,
        certificate: describeCertificate(leaf),
        issuer: oneLine(leaf.issuer),
        pki,
        revocation,
        ...(caRevocation ? { caRevocation } : {}),
      },
    };
  } catch (error) {
    secure.destroy();
    const failure = appVersionRefusal(
      error instanceof MssanteError ? error : handshakeError(error),
      clientCertificate !== undefined,
    );
    throw failure.detail?.startsWith(server)
      ? failure
      : new MssanteError(failure.code, {
          detail: `${server}: ${failure.detail ?? ''}`.trim(),
          cause: failure,
        });
  }
}
