import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { CallbackRegistry } from './callbacks';
import type { LpsServerConfig } from './config';
import { route } from './http';
import { type LpsLog, lpsLog } from './log';
import { SessionTable } from './sessions';

export interface RunningLpsServer {
  port: number;
  sessions: SessionTable;
  close(): Promise<void>;
}

/**
 * The intermediate LPS server: HTTPS on `listen`, PSC's confidential client for every
 * workstation that opens a session (docs/lps-server.md). Slow or endless requests are cut
 * (headers 10 s, whole request 30 s; the events stream excepted), connections are capped.
 */
export async function startLpsServer(
  config: LpsServerConfig,
  log: LpsLog = lpsLog(config.log),
): Promise<RunningLpsServer> {
  const callbacks = new CallbackRegistry(config.redirectUri);
  const sessions = new SessionTable(config, callbacks, log);
  const server = https.createServer({
    cert: config.tls.cert,
    key: config.tls.key,
    minVersion: 'TLSv1.2',
    headersTimeout: 10_000,
    requestTimeout: 0, // the events stream lives as long as the session; bodies are bounded
  });
  server.maxConnections = 4 * config.sessions.max;
  server.on('request', (req, res) => {
    req.setTimeout(req.url?.endsWith('/events') ? 0 : 30_000, () => req.destroy());
    void route(req, res, { sessions, callbacks, log });
  });
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.listen.port, config.listen.host, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  log.info('server.listening', { url: config.publicUrl, port });
  return {
    port,
    sessions,
    close: () =>
      new Promise<void>((resolve) => {
        sessions.closeAll();
        server.close(() => resolve());
        server.closeAllConnections();
        log.info('server.stopped');
      }),
  };
}
