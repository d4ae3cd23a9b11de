import assert from 'node:assert/strict';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { miniPki } from '../../../lab/sandbox/pki/mini-pki';
import { staticLookup } from '../../../native-host/net/static-lookup';
import { lpsRequest } from '../../../native-host/psc/lps-client';
import * as z from '../../../shared/protocol/zod';

/**
 * An intermediate LPS server that answers a byte at a time never lets the socket go idle: the
 * host's request to it is bounded as a whole (lps-client.ts), so a PSC sign-in gets the coded
 * E_LPS_UNREACHABLE before the add-on stops waiting for the host (shared/protocol/deadlines.ts).
 */
describe('hostile: an LPS server that trickles its answer', function () {
  this.timeout(30_000);

  it('hostile: a server sending one byte every 200 ms is cut off after the request’s bound, with E_LPS_UNREACHABLE', async () => {
    const pki = await miniPki();
    const leaf = await pki.issue({ name: 'lps.sandbox.mssante.test' });
    const timers = new Set<NodeJS.Timeout>();
    const server = https.createServer(
      { cert: leaf.cert.toString() + pki.organisations.toString(), key: leaf.keyPem },
      (req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        const drip = setInterval(() => res.write(' '), 200);
        timers.add(drip);
        req.socket.on('close', () => clearInterval(drip));
      },
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      await assert.rejects(
        lpsRequest(
          {
            url: `https://lps.sandbox.mssante.test:${port}`,
            ca: pki.organisations.toString() + pki.root.toString(),
            lookup: staticLookup({ '*.sandbox.mssante.test': '127.0.0.1' }),
            timeoutMs: 1500,
          },
          'GET',
          '/v1/anything',
          z.object({}),
        ),
        { code: 'E_LPS_UNREACHABLE' },
      );
    } finally {
      for (const t of timers) clearInterval(t);
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
