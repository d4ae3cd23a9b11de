import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { trustContext } from '../native-host/trust/context';
import { buildTrustSet } from '../native-host/trust/trust-sets';
import { secureUpstream } from '../native-host/trust/verify';
import { startOperator } from '../lab/sandbox/operator';
import { staticLookup } from '../native-host/net/static-lookup';

const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

/**
 * Issue 7: the handshake plus our verification (policy options, negotiated-session check, chain
 * to the Organisations CA, dates, host name, EKU, revocation from the CRL cache or OCSP) against a
 * plain `tls.connect` (Node's own chain check with the same CA) to the same server in the same
 * run: the sandbox's HTTPS autoconfiguration server (implicit TLS, the operator's six suites).
 */
export async function benchHandshake(rounds = 100): Promise<Record<string, unknown>> {
  const operator = await startOperator({ autoconfigPki: 'igc-sante' }); // the IGC Santé check
  const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'bench-handshake-'));
  try {
    const port = Number(new URL(operator.autoconfig.info.url).port);
    const servername = 'autoconfig.sandbox.mssante.test';
    const lookup = staticLookup({ '*.sandbox.mssante.test': '127.0.0.1' });
    const trust = trustContext(
      buildTrustSet('sandbox', [operator.pki.root, operator.pki.organisations]),
      { cacheDir, lookup },
    );
    const ca = operator.pki.root.toString() + operator.pki.organisations.toString();
    const plain = () =>
      new Promise<void>((resolve, reject) => {
        const socket = tls.connect({ host: '127.0.0.1', port, servername, ca }, () => {
          socket.destroy();
          resolve();
        });
        socket.once('error', reject);
      });
    const ours = async () => {
      const socket = net.connect(port, '127.0.0.1');
      await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
      const secured = await secureUpstream(socket, servername, trust);
      secured.socket.destroy();
    };
    const time = async (fn: () => Promise<void>) => {
      const start = performance.now();
      await fn();
      return performance.now() - start;
    };
    const first = await time(ours); // CRL downloaded, verified, indexed and cached
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < rounds; i++) {
      a.push(await time(plain));
      b.push(await time(ours));
    }
    const round3 = (x: number) => +x.toFixed(3);
    return {
      rounds,
      plainTlsConnectMs: { p50: round3(percentile(a, 50)), p95: round3(percentile(a, 95)) },
      policyAndVerificationMs: { p50: round3(percentile(b, 50)), p95: round3(percentile(b, 95)) },
      addedP50Ms: round3(percentile(b, 50) - percentile(a, 50)),
      firstConnectionWithCrlDownloadMs: round3(first),
    };
  } finally {
    await operator.stop();
    rmSync(cacheDir, { recursive: true, force: true });
  }
}
