import { X509Certificate } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { readNamedFile } from '../config/named-file';
import { MssanteError } from '../../shared/errors/mssante-error';

/**
 * The three selectable sets of trust anchors (ECO.1.1.10). Nothing from the system store is ever
 * used: a set holds the IGC Santé *Élémentaire* root(s) and the *Élémentaire Organisations*
 * CA(s) that issue servers' certificates, and nothing else.
 */
export type TrustSetName = 'production' | 'ans-test' | 'sandbox';

export interface TrustSet {
  name: TrustSetName;
  roots: X509Certificate[];
  organisations: X509Certificate[];
}

const ROOT_CN = /^CN=(TEST )?AC RACINE IGC-SANTE ELEMENTAIRE$/m;
const ORGANISATIONS_CN = /^CN=(TEST )?AC IGC-SANTE ELEMENTAIRE ORGANISATIONS$/m;

/** Splits a PEM bundle into certificates. */
export function parsePemBundle(pem: string): X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((block) => new X509Certificate(block));
}

/**
 * Builds a set from certificates, sorting roots from Organisations CAs by their names, and
 * refusing anything else: every Organisations CA must be signed by one of the set's roots.
 */
export function buildTrustSet(name: TrustSetName, certificates: X509Certificate[]): TrustSet {
  const roots = certificates.filter(
    (c) => ROOT_CN.test(c.subject) && c.checkIssued(c) && c.verify(c.publicKey),
  );
  const organisations = certificates.filter((c) => ORGANISATIONS_CN.test(c.subject));
  const stray = certificates.filter((c) => !roots.includes(c) && !organisations.includes(c));
  if (roots.length === 0 || organisations.length === 0 || stray.length > 0) {
    throw new MssanteError('E_TRUST_CONFIG', {
      detail: `${name}: ${roots.length} root(s), ${organisations.length} Organisations CA(s), ${stray.length} other certificate(s)`,
    });
  }
  for (const ca of organisations) {
    if (!roots.some((root) => ca.checkIssued(root) && ca.verify(root.publicKey)) || !ca.ca) {
      throw new MssanteError('E_TRUST_CONFIG', {
        detail: `${name}: ${ca.subject.replace(/\n/g, ', ')} is not signed by a root of the set`,
      });
    }
  }
  return { name, roots, organisations };
}

/** Loads `production` or `ans-test` from the anchors shipped in native-host/trust/anchors/<set>/. */
export function loadShippedTrustSet(
  name: Exclude<TrustSetName, 'sandbox'>,
  anchorsDir: string,
): TrustSet {
  const dir = path.join(anchorsDir, name);
  if (!existsSync(dir))
    throw new MssanteError('E_TRUST_CONFIG', { detail: `${name}: no anchors in ${dir}` });
  const certificates = readdirSync(dir)
    .filter((f) => f.endsWith('.pem'))
    .sort()
    .flatMap((f) => parsePemBundle(readFileSync(path.join(dir, f), 'utf8')));
  return buildTrustSet(name, certificates);
}

/**
 * A generated test chain named by config.json (`"set": "sandbox"`: a root and an Organisations CA,
 * as the lab's test IGC Santé PKI writes them).
 */
export function loadSandboxTrustSet(rootCertFile: string, organisationsCertFile: string): TrustSet {
  return buildTrustSet('sandbox', [
    ...parsePemBundle(readNamedFile(rootCertFile, 'E_TRUST_CONFIG')),
    ...parsePemBundle(readNamedFile(organisationsCertFile, 'E_TRUST_CONFIG')),
  ]);
}
