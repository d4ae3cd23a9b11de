import type { X509Certificate as NodeCertificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

export type OcspAnswer =
  | { status: 'good' | 'revoked' | 'unknown'; thisUpdate: Date; nextUpdate: Date | undefined }
  | { status: 'unavailable'; reason: string };

export interface OcspClientOptions {
  post: (url: string, body: Uint8Array) => Promise<Uint8Array>;
  now?: () => Date;
  /** Tolerated clock difference with the responder. */
  skewMs?: number;
}

/**
 * How old an answer without `nextUpdate` may be (RFC 6960 §4.2.2.1 allows omitting it: "newer
 * information is always available"). Such an answer is never cached, and is refused once its
 * `thisUpdate` is older than this (plus the clock skew): a responder that stopped updating, or a
 * replayed old `good`, cannot vouch for a certificate forever. One day: a responder omitting
 * nextUpdate claims to answer from current data, and a day still tolerates one that pre-signs its
 * answers daily (docs/security.md, 19.8).
 */
export const OCSP_MAX_AGE_WITHOUT_NEXT_UPDATE_MS = 24 * 3600 * 1000;

function pkijsCertificate(cert: NodeCertificate): pkijs.Certificate {
  return pkijs.Certificate.fromBER(new Uint8Array(cert.raw));
}

/**
 * RFC 6960 client: asks the responder a certificate names about it, and accepts the answer only
 * when it is signed by the issuer or by a responder the issuer delegated (id-kp-OCSPSigning),
 * is about this very certificate, and is current.
 */
export class OcspClient {
  private readonly cache = new Map<string, { answer: OcspAnswer; until: number }>();
  private readonly now: () => Date;
  private readonly skewMs: number;

  constructor(private readonly options: OcspClientOptions) {
    this.now = options.now ?? (() => new Date());
    this.skewMs = options.skewMs ?? 5 * 60 * 1000;
  }

  async check(cert: NodeCertificate, issuer: NodeCertificate, url: string): Promise<OcspAnswer> {
    const key = `${url} ${cert.fingerprint256}`;
    const now = this.now();
    const held = this.cache.get(key);
    if (held && held.until > now.getTime()) return held.answer;
    let answer: OcspAnswer;
    try {
      answer = await this.ask(cert, issuer, url, now);
    } catch (error) {
      return {
        status: 'unavailable',
        reason: error instanceof Error ? error.message : String(error),
      };
    }
    if (answer.status !== 'unavailable' && answer.nextUpdate)
      this.cache.set(key, { answer, until: answer.nextUpdate.getTime() });
    return answer;
  }

  private async ask(
    cert: NodeCertificate,
    issuer: NodeCertificate,
    url: string,
    now: Date,
  ): Promise<OcspAnswer> {
    const subject = pkijsCertificate(cert);
    const issuerCert = pkijsCertificate(issuer);
    const request = new pkijs.OCSPRequest();
    await request.createForCertificate(subject, {
      hashAlgorithm: 'SHA-256',
      issuerCertificate: issuerCert,
    });
    const der = await this.options.post(url, new Uint8Array(request.toSchema(true).toBER()));

    const asn = asn1js.fromBER(der);
    if (asn.offset === -1) throw new Error('OCSP answer is not DER');
    const response = new pkijs.OCSPResponse({ schema: asn.result });
    if (response.responseStatus.valueBlock.valueDec !== 0) {
      throw new Error(`OCSP responder status ${response.responseStatus.valueBlock.valueDec}`);
    }
    if (!response.responseBytes) throw new Error('OCSP answer has no response bytes');
    const basic = pkijs.BasicOCSPResponse.fromBER(
      response.responseBytes.response.valueBlock.valueHexView,
    );
    // A responder that is the CA itself may omit its certificate (RFC 6960 §4.2.1); we know the
    // CA, so we offer it as the candidate signer. The signature must still verify against it.
    if (!basic.certs || basic.certs.length === 0) basic.certs = [issuerCert];
    // The issuing CA may answer for its own certificates (pinned: its key must have signed); a
    // delegated responder must be issued by it with id-kp-OCSPSigning (pkijs checks the chain).
    const verified = await basic.verify({
      trustedCerts: [issuerCert],
      issuerCerts: [issuerCert],
      trustedResponders: [issuerCert],
    });
    if (!verified) throw new Error('OCSP answer signature does not verify');

    const status = await basic.getCertificateStatus(subject, issuerCert);
    if (!status.isForCertificate) throw new Error('OCSP answer is about another certificate');
    const single = basic.tbsResponseData.responses.find((r) =>
      r.certID.serialNumber.isEqual(subject.serialNumber),
    );
    if (!single) throw new Error('OCSP answer holds no response for this serial number');
    const thisUpdate = single.thisUpdate;
    const nextUpdate = single.nextUpdate;
    if (thisUpdate.getTime() - this.skewMs > now.getTime())
      throw new Error('OCSP answer is from the future');
    if (nextUpdate && nextUpdate.getTime() + this.skewMs < now.getTime())
      throw new Error('OCSP answer has expired');
    if (
      !nextUpdate &&
      thisUpdate.getTime() + OCSP_MAX_AGE_WITHOUT_NEXT_UPDATE_MS + this.skewMs < now.getTime()
    )
      throw new Error(
        `OCSP answer without nextUpdate is older than ${OCSP_MAX_AGE_WITHOUT_NEXT_UPDATE_MS / 3600_000} h (thisUpdate ${thisUpdate.toISOString()})`,
      );
    const byCode = ['good', 'revoked', 'unknown'] as const;
    return { status: byCode[status.status] ?? 'unknown', thisUpdate, nextUpdate };
  }
}
