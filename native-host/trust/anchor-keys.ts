import { createHash, type X509Certificate } from 'node:crypto';

/**
 * The shipped sets, recognised by their anchors' keys (docs/security.md, 19.7): the SHA-256 of
 * each anchor's SubjectPublicKeyInfo (DER), per set and role. A certificate dropped into
 * anchors/production/ that is merely *named* "AC RACINE IGC-SANTE ELEMENTAIRE" carries another
 * key and is refused; a renewed ANS certificate on the same key still loads. When ANS issues a
 * new key, its digest is added here with the PEM (anchors/PROVENANCE.md).
 *
 * Computed with: openssl x509 -in <pem> -noout -pubkey | openssl pkey -pubin -outform DER | sha256sum
 */
export const SHIPPED_ANCHOR_KEYS = {
  production: {
    roots: ['3910006c5dba601999465315d6bf364a3e2ea28f4e5f2f588c98053449821712'],
    organisations: ['f7948138d110c0973b25ccb0a4f1bafb97c8e8db98586d1c0402552c861cc853'],
  },
  'ans-test': {
    roots: ['fc11abe2f5f09751be55fc515bca38c9197b8bfdbdb36a1b05b1d8afb9e83c66'],
    organisations: ['e6c1a7e96238c35d5c0e33c7d6deec8f1694b607aeca5a438b2fbc27390224e9'],
  },
} as const satisfies Record<string, { roots: readonly string[]; organisations: readonly string[] }>;

/** SHA-256 of a certificate's SubjectPublicKeyInfo, lower-case hex. */
export function keyDigest(cert: X509Certificate): string {
  return createHash('sha256')
    .update(cert.publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}
