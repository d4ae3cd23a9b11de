import { readFileSync } from 'node:fs';
import tls from 'node:tls';

let cached: { file: string | undefined; anchors: readonly string[] } | undefined;

/**
 * The web PKI's trust anchors, for the autoconfig download only (seed 001, footnote (*) under
 * ECO.1.1.9: "un certificat serveur de l'IGC Santé ou d'une IGC commerciale usuellement acceptée
 * par les navigateurs Internet"; docs/trust.md): Node's default CA store, that is its bundled
 * Mozilla roots (`tls.rootCertificates`) and the certificates of the PEM file named by
 * `NODE_EXTRA_CA_CERTS`, as Node itself adds them to its default store (Node 20's
 * `tls.rootCertificates` does not list them, so they are read here). A file that cannot be read
 * adds nothing (Node only warns about it, too). Never used for the API LPS (IMAP, SMTP), LDAP or
 * the LPS server: those stay IGC Santé only.
 */
export function webPkiAnchors(file = process.env.NODE_EXTRA_CA_CERTS): readonly string[] {
  if (cached && cached.file === file) return cached.anchors;
  let extra: string[] = [];
  if (file) {
    try {
      extra =
        readFileSync(file, 'utf8').match(
          /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g,
        ) ?? [];
    } catch {
      extra = [];
    }
  }
  cached = { file, anchors: [...tls.rootCertificates, ...extra] };
  return cached.anchors;
}
