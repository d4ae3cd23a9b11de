import 'reflect-metadata'; // @peculiar/x509 (tsyringe) needs the Reflect metadata polyfill
import type { X509Certificate as NodeCertificate } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { type DecodedCrl, type DecodedExtension, decodeCrl } from './crl-decode';
import { indexEntries } from './crl-entries';
import { type CrlIndexCache, crlSha256 } from './crl-index-cache';
import type { SerialSet } from './crl-serial-table';
import { verifyCrlSignature } from './crl-signature';

/** A verified CRL, indexed by serial number for O(1) lookups. */
export interface IndexedCrl {
  url: string;
  issuer: string;
  thisUpdate: Date;
  nextUpdate: Date;
  /** Normalised hex serial numbers (`normalizeSerial`), in crl-serial-table.ts' hash table. */
  revoked: SerialSet;
  fetchedAt: number;
  /** `entries`: the entry list was walked; `index-cache`: read from a verified index file. */
  indexedFrom: 'entries' | 'index-cache';
}

const AUTHORITY_KEY_ID = '2.5.29.35';
const ISSUER_ALT_NAME = '2.5.29.18';
const CRL_NUMBER = '2.5.29.20';
const ISSUING_DISTRIBUTION_POINT = '2.5.29.28';
/** Critical CRL extensions this code acts on (RFC 5280 §5.2); any other critical one refuses. */
const UNDERSTOOD = new Set([
  AUTHORITY_KEY_ID,
  ISSUER_ALT_NAME,
  CRL_NUMBER,
  ISSUING_DISTRIBUTION_POINT,
]);

/**
 * Parses, verifies against the issuer and indexes a CRL (ECO.1.1.6). Throws when:
 * - it is not DER (truncated, trailing bytes, indefinite lengths, fields out of order), or over
 *   64 MiB;
 * - its version is not v1/v2, or its two signature algorithm fields differ;
 * - its signature does not verify with the issuer's key (RSA PKCS#1 v1.5, RSA-PSS, ECDSA);
 * - its issuer Name is not the issuer certificate's subject;
 * - it has no nextUpdate (we could not know when it expires), or nextUpdate is not after
 *   thisUpdate;
 * - it has a critical extension other than authorityKeyIdentifier, issuerAltName, cRLNumber
 *   and issuingDistributionPoint (a delta CRL, for instance);
 * - its issuingDistributionPoint narrows it (only CA / attribute certificates, only some
 *   reasons, indirect) or names distribution points that are not `url`;
 * - one of its entries has a critical extension (certificateIssuer of indirect CRLs, or
 *   unknown): we could not tell what the entry means.
 * With a `cache` (crl-index-cache.ts), every check above but the entry walk is done as always (the
 * signature is verified on every load); the entry walk is skipped when the cache holds the index
 * of exactly these bytes (SHA-256) of `url`, and its result is written there otherwise.
 */
export async function indexCrl(
  der: Uint8Array,
  issuer: NodeCertificate,
  url: string,
  fetchedAt: number,
  cache?: CrlIndexCache,
): Promise<IndexedCrl> {
  const crl = decodeCrl(der);
  await verifyCrlSignature(crl.tbs, crl.signatureAlgorithm, crl.signature, issuer.publicKey);
  const issuerName = checkIssuer(crl, issuer);
  if (!crl.nextUpdate) throw new Error('CRL has no nextUpdate');
  if (crl.nextUpdate <= crl.thisUpdate) throw new Error('CRL nextUpdate is not after thisUpdate');
  checkExtensions(crl.extensions, url);
  const sha256 = cache ? crlSha256(crl.bytes) : '';
  const cached = cache?.read(url, sha256);
  const common = { url, issuer: issuerName, thisUpdate: crl.thisUpdate, fetchedAt };
  if (cached) {
    return { ...common, nextUpdate: crl.nextUpdate, revoked: cached, indexedFrom: 'index-cache' };
  }
  const revoked = indexEntries(crl, (extensions, serial) => {
    const critical = extensions.find((e) => e.critical);
    if (critical) throw new Error(`CRL entry ${serial} has a critical extension ${critical.oid}`);
  });
  cache?.write(url, sha256, revoked);
  return { ...common, nextUpdate: crl.nextUpdate, revoked, indexedFrom: 'entries' };
}

/** The issuer Name must be the issuer certificate's subject: same DER, else same RFC 4514 text. */
function checkIssuer(crl: DecodedCrl, issuer: NodeCertificate): string {
  const cert = new x509.X509Certificate(issuer.raw);
  const crlIssuer = new x509.Name(crl.issuer).toString();
  const sameDer = Buffer.from(cert.subjectName.toArrayBuffer()).equals(crl.issuer);
  if (!sameDer && crlIssuer !== cert.subject)
    throw new Error(`CRL issuer ${crlIssuer} is not ${cert.subject}`);
  return crlIssuer;
}

function checkExtensions(extensions: DecodedExtension[], url: string): void {
  for (const ext of extensions) {
    if (ext.critical && !UNDERSTOOD.has(ext.oid))
      throw new Error(`CRL has a critical extension ${ext.oid} that is not supported`);
    if (ext.oid === ISSUING_DISTRIBUTION_POINT) checkIssuingDistributionPoint(ext.value, url);
  }
}

/** RFC 5280 §5.2.5 / §6.3.3 (b)(2): a CRL for all reasons and end-entity certificates of `url`. */
function checkIssuingDistributionPoint(value: Uint8Array, url: string): void {
  const { offset, result } = asn1js.fromBER(value, { parseEmbedded: false });
  if (offset !== value.length) throw new Error('CRL issuingDistributionPoint: bad DER');
  const idp = new pkijs.IssuingDistributionPoint({ schema: result });
  if (
    idp.onlyContainsCACerts ||
    idp.onlyContainsAttributeCerts ||
    idp.indirectCRL ||
    idp.onlySomeReasons !== undefined
  )
    throw new Error('CRL issuingDistributionPoint narrows its scope (not supported)');
  const point = idp.distributionPoint;
  if (point === undefined) return;
  const uris = Array.isArray(point)
    ? point.filter((name) => name.type === 6).map((name) => String(name.value))
    : [];
  if (!uris.includes(url)) throw new Error(`CRL issuingDistributionPoint does not name ${url}`);
}
