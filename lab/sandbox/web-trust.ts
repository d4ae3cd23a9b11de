import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The file NODE_EXTRA_CA_CERTS names for a host that must trust the sandbox's test "commercial"
 * CA (the autoconfig server's, docs/trust.md): the certificates the variable named already (Node
 * reads one file only) followed by `caFile`, written to `<dir>/node-extra-ca.pem`. As a browser
 * trusts a commercial CA, the host trusts this one through Node's default store, nothing else.
 */
export function webTrustBundle(caFile: string, dir: string): string {
  const previous = process.env.NODE_EXTRA_CA_CERTS;
  let bundle = '';
  if (previous) {
    try {
      bundle = readFileSync(previous, 'utf8');
    } catch {
      bundle = '';
    }
  }
  const file = path.join(dir, 'node-extra-ca.pem');
  writeFileSync(
    file,
    `${bundle}${bundle && !bundle.endsWith('\n') ? '\n' : ''}${readFileSync(caFile, 'utf8')}`,
  );
  return file;
}
