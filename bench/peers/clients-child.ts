// The "20 concurrent clients" of `npm run bench -- peers`, in their own process (bundled like the
// bridge child) so that the direct path's figure is the client's own RSS. Opens `clients` IMAP
// connections (one after the other), prints `connected`, then has each FETCH `range` (full
// source) at once, prints `fetched <bytes>`, logs out and prints `done`.
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { ImapFlow } from 'imapflow';
import { staticLookup } from '../../native-host/net/static-lookup';

export interface ClientsChildConfig {
  host: string;
  port: number;
  secure: boolean;
  doSTARTTLS: boolean;
  /** PEM bundle of the sandbox's CAs, when the client speaks TLS itself. */
  caFile?: string;
  auth: { user: string; pass?: string; accessToken?: string };
  clients: number;
  range: string;
}

const config = JSON.parse(process.argv[2] ?? '{}') as ClientsChildConfig;
const lookup = staticLookup({ '*.sandbox.mssante.test': '127.0.0.1' });
const make = () =>
  new ImapFlow({
    host: config.host,
    port: config.port,
    secure: config.secure,
    doSTARTTLS: config.doSTARTTLS,
    ...(config.caFile ? { tls: { ca: readFileSync(config.caFile, 'utf8'), lookup } as never } : {}),
    auth: config.auth as never,
    logger: false,
    disableAutoIdle: true,
  });
let phase = 'connect';
// A relay may reset the socket once LOGOUT is answered (email-oauth2-proxy does): not a failure.
process.on('uncaughtException', (error: Error) => {
  process.stderr.write(`peers clients (${phase}): ${error.message}\n`);
  if (phase !== 'logout') process.exit(1);
});
const clients = Array.from({ length: config.clients }, (_, i) => {
  const client = make();
  client.on('error', (error: Error) => {
    process.stderr.write(`peers clients: client ${i} (${phase}): ${error.message}\n`);
  });
  return client;
});
// One after the other: all 20 are then open at once. (Twenty simultaneous logins through
// email-oauth2-proxy had connections reset: it logs in one account at a time, ~0.5 s each.)
for (const c of clients) await c.connect();
process.stdout.write('connected\n');
phase = 'fetch';
await sleep(500);
let bytes = 0;
await Promise.all(
  clients.map(async (c) => {
    const lock = await c.getMailboxLock('INBOX');
    for await (const m of c.fetch(config.range, { source: true })) bytes += m.source?.length ?? 0;
    lock.release();
  }),
);
process.stdout.write(`fetched ${bytes}\n`);
phase = 'logout';
await sleep(500);
await Promise.all(clients.map((c) => c.logout().catch(() => undefined)));
process.stdout.write('done\n');
process.exit(0);
