import { constants, type KeyObject, verify } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

/**
 * Verifies a CRL's signature over its tbsCertList bytes with the issuer's public key, with
 * Node's crypto (OpenSSL, the same code WebCrypto runs on; it takes the DER ECDSA signature as
 * X.509 carries it). Supported: RSA PKCS#1 v1.5 and RSA-PSS with SHA-256/384/512, ECDSA P-256,
 * P-384, P-521 with SHA-256/384/512. Anything else (SHA-1, MD5, unknown OIDs) is refused.
 */

type Hash = 'sha256' | 'sha384' | 'sha512';
const RSA: Record<string, Hash> = {
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
};
const ECDSA: Record<string, Hash> = {
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
};
const HASHES: Record<string, Hash> = {
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};
const PSS = '1.2.840.113549.1.1.10';
const MGF1 = '1.2.840.113549.1.1.8';
const CURVES = new Set(['prime256v1', 'secp384r1', 'secp521r1']);

interface Method {
  hash: Hash;
  key: 'rsa' | 'ec';
  pssSaltLength?: number;
}

function method(algorithmDer: Uint8Array): Method {
  const { result } = asn1js.fromBER(algorithmDer, { parseEmbedded: false });
  const alg = new pkijs.AlgorithmIdentifier({ schema: result });
  const oid = alg.algorithmId;
  const params = alg.algorithmParams as asn1js.BaseBlock | undefined;
  if (RSA[oid]) {
    if (params && !(params instanceof asn1js.Null))
      throw new Error('CRL signature algorithm: unexpected RSA parameters');
    return { hash: RSA[oid], key: 'rsa' };
  }
  if (ECDSA[oid]) {
    if (params) throw new Error('CRL signature algorithm: unexpected ECDSA parameters');
    return { hash: ECDSA[oid], key: 'ec' };
  }
  if (oid === PSS && params) {
    const pss = new pkijs.RSASSAPSSParams({ schema: params });
    const hash = HASHES[pss.hashAlgorithm.algorithmId];
    const mgf = pss.maskGenAlgorithm;
    const mgfHash =
      mgf.algorithmId === MGF1 && mgf.algorithmParams
        ? new pkijs.AlgorithmIdentifier({ schema: mgf.algorithmParams }).algorithmId
        : undefined;
    if (!hash || !mgfHash || HASHES[mgfHash] !== hash || pss.trailerField !== 1)
      throw new Error('CRL signature algorithm: unsupported RSA-PSS parameters');
    return { hash, key: 'rsa', pssSaltLength: pss.saltLength };
  }
  throw new Error(`CRL signature algorithm ${oid} not supported`);
}

/** Resolves when `signature` over `tbs` verifies with `key` under `algorithmDer`; throws otherwise. */
export async function verifyCrlSignature(
  tbs: Uint8Array,
  algorithmDer: Uint8Array,
  signature: Uint8Array,
  key: KeyObject,
): Promise<void> {
  const m = method(algorithmDer);
  const type = key.asymmetricKeyType;
  if (m.key === 'rsa' ? type !== 'rsa' && type !== 'rsa-pss' : type !== 'ec')
    throw new Error(`CRL signature algorithm does not fit the issuer's ${type} key`);
  if (m.key === 'ec' && !CURVES.has(key.asymmetricKeyDetails?.namedCurve ?? ''))
    throw new Error('CRL issuer key: unsupported curve');
  const keyInput =
    m.pssSaltLength === undefined
      ? { key, dsaEncoding: 'der' as const }
      : { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: m.pssSaltLength };
  const ok = await new Promise<boolean>((resolve, reject) =>
    verify(m.hash, tbs, keyInput, signature, (error, result) =>
      error ? reject(error) : resolve(result),
    ),
  );
  if (!ok) throw new Error('CRL signature does not verify');
}
