import { X509Certificate } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { readNamedFile } from '../config/named-file';
import { MssanteError } from '../../shared/errors/mssante-error';
import { keyDigest, SHIPPED_ANCHOR_KEYS } from './anchor-keys';

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

/** Splits a PEM bundle into certificates. */
export function parsePemBundle(pem: string): X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((block) => new X509Certificate(block));
}

const selfSigned = (c: X509Certificate) => c.checkIssued(c) && c.verify(c.publicKey);
const oneLine = (c: X509Certificate) => c.subject.replace(/\n/g, ', ');

/**
 * Builds a set from certificates, telling roots from Organisations CAs by structure, never by
 * their names: a root is self-signed and signed at least one of the set's Organisations CAs, an
 * Organisations CA is a CA certificate one of the set's roots signed; anything else is refused. A shipped set (`production`, `ans-test`) must moreover
 * hold exactly the keys SHIPPED_ANCHOR_KEYS names for it, each in its role.
 */
export function buildTrustSet(name: TrustSetName, certificates: X509Certificate[]): TrustSet {
  const signs = (root: X509Certificate, c: X509Certificate) =>
    c !== root && c.ca && c.checkIssued(root) && c.verify(root.publicKey);
  // A root is self-signed and signed an Organisations CA of the set (else it is a stray anchor).
  const roots = certificates.filter((c) => selfSigned(c) && certificates.some((o) => signs(c, o)));
  const organisations = certificates.filter(
    (c) => !selfSigned(c) && roots.some((root) => signs(root, c)),
  );
  const stray = certificates.filter((c) => !roots.includes(c) && !organisations.includes(c));
  if (roots.length === 0 || organisations.length === 0 || stray.length > 0) {
    throw new MssanteError('E_TRUST_CONFIG', {
      detail: `${name}: ${roots.length} root(s), ${organisations.length} Organisations CA(s) signed by them, ${stray.length} other certificate(s)${stray[0] ? ` (${oneLine(stray[0])})` : ''}`,
    });
  }
  if (name !== 'sandbox') checkShippedKeys(name, roots, organisations);
  return { name, roots, organisations };
}

/** Every anchor of a shipped set carries a key pinned for that set and role. */
function checkShippedKeys(
  name: keyof typeof SHIPPED_ANCHOR_KEYS,
  roots: X509Certificate[],
  organisations: X509Certificate[],
): void {
  const pinned = SHIPPED_ANCHOR_KEYS[name];
  for (const [role, certs, keys] of [
    ['root', roots, pinned.roots],
    ['Organisations CA', organisations, pinned.organisations],
  ] as const) {
    for (const cert of certs) {
      const digest = keyDigest(cert);
      if (!(keys as readonly string[]).includes(digest))
        throw new MssanteError('E_TRUST_CONFIG', {
          detail: `${name}: ${oneLine(cert)} is not a ${role} of this set (key SHA-256 ${digest})`,
        });
    }
  }
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
