import type { X509Certificate as NodeCertificate } from 'node:crypto';
import { MssanteError } from '../../shared/errors/mssante-error';
import { describeCertificate, revocationPointers } from './certificate-info';
import type { CrlAnswer, CrlStore } from './crl-store';
import type { OcspAnswer, OcspClient } from './ocsp-client';

export interface RevocationReport {
  crl: Array<{
    url: string;
    status: string;
    source?: string;
    nextUpdate?: string;
    reason?: string;
  }>;
  ocsp: Array<{ url: string; status: string; reason?: string }>;
  /** Web PKI only (checkSoft): why the status stayed unknown, the connection being accepted. */
  unknown?: string;
}

/**
 * ECO.1.1.6 / 1.1.7 policy, decided here and documented in docs/trust.md:
 * - every CRL distribution point and OCSP responder the certificate names is asked, in parallel;
 * - any `revoked` answer refuses (E_TRUST_REVOKED);
 * - otherwise one valid `good` answer (a current CRL — downloaded, or the last unexpired one
 *   in cache — or a signed, current OCSP `good`) is enough;
 * - when no source gives a valid answer, or the certificate names none, the connection is
 *   refused (E_TRUST_REVOCATION_UNKNOWN): a PSC token is never sent on a hope.
 */
export class RevocationChecker {
  constructor(
    private readonly crls: CrlStore,
    private readonly ocsp: OcspClient,
  ) {}

  async check(cert: NodeCertificate, issuer: NodeCertificate): Promise<RevocationReport> {
    const { report, all, summary } = await this.ask(cert, issuer);
    if (all.includes('revoked')) {
      throw new MssanteError('E_TRUST_REVOKED', {
        detail: `${summary}; ${describeCertificate(cert)}`,
      });
    }
    if (!all.includes('good')) {
      throw new MssanteError('E_TRUST_REVOCATION_UNKNOWN', {
        detail: `${summary || 'no CRL distribution point or OCSP responder'}; ${describeCertificate(cert)}`,
      });
    }
    return report;
  }

  /**
   * The issuing Organisations CA's own status (docs/security.md, 19.8), asked of the sources its
   * certificate names (IGC Santé's CAs name the root's ARL), under the same rule as a server's:
   * `revoked` refuses, and one valid `good` is needed. A CA of the set that names no source (the
   * lab's generated one) has nothing to ask: `undefined`, the CA being an anchor the
   * configuration named.
   */
  async checkCa(ca: NodeCertificate, root: NodeCertificate): Promise<RevocationReport | undefined> {
    const pointers = revocationPointers(ca);
    if (pointers.crl.length === 0 && pointers.ocsp.length === 0) return undefined;
    return this.check(ca, root);
  }

  /**
   * The web PKI's rule for the autoconfig download (docs/trust.md): the same sources are asked
   * and a `revoked` answer refuses, but an unknown status is accepted and reported (as browsers
   * do): the file carries no secret, and the servers it names are then held to IGC Santé.
   */
  async checkSoft(cert: NodeCertificate, issuer?: NodeCertificate): Promise<RevocationReport> {
    if (!issuer) return { crl: [], ocsp: [], unknown: 'issuer certificate not sent' };
    const { report, all, summary } = await this.ask(cert, issuer);
    if (all.includes('revoked')) {
      throw new MssanteError('E_TRUST_REVOKED', {
        detail: `${summary}; ${describeCertificate(cert)}`,
      });
    }
    return all.includes('good')
      ? report
      : { ...report, unknown: summary || 'no CRL distribution point or OCSP responder' };
  }

  private async ask(
    cert: NodeCertificate,
    issuer: NodeCertificate,
  ): Promise<{ report: RevocationReport; all: string[]; summary: string }> {
    const pointers = revocationPointers(cert);
    const [crlAnswers, ocspAnswers] = await Promise.all([
      Promise.all(
        pointers.crl.map(async (url) => ({
          url,
          answer: await this.crls.check(cert, issuer, url),
        })),
      ),
      Promise.all(
        pointers.ocsp.map(async (url) => ({
          url,
          answer: await this.ocsp.check(cert, issuer, url),
        })),
      ),
    ]);
    const report: RevocationReport = {
      crl: crlAnswers.map(({ url, answer }) => describeCrl(url, answer)),
      ocsp: ocspAnswers.map(({ url, answer }) => describeOcsp(url, answer)),
    };
    const all = [...crlAnswers, ...ocspAnswers].map(({ answer }) => answer.status);
    const summary = [
      ...report.crl.map((c) => `CRL ${c.status}`),
      ...report.ocsp.map((o) => `OCSP ${o.status}`),
    ].join(', ');
    return { report, all, summary };
  }
}

function describeCrl(url: string, answer: CrlAnswer): RevocationReport['crl'][number] {
  return answer.status === 'unavailable'
    ? { url, status: 'unavailable', reason: answer.reason }
    : {
        url,
        status: answer.status,
        source: answer.source,
        nextUpdate: answer.crl.nextUpdate.toISOString(),
      };
}

function describeOcsp(url: string, answer: OcspAnswer): RevocationReport['ocsp'][number] {
  return answer.status === 'unavailable'
    ? { url, status: 'unavailable', reason: answer.reason }
    : { url, status: answer.status };
}
