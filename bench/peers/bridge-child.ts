// The bridge of `npm run bench -- peers`, alone in its own process (bundled by esbuild as the host
// is), so that its RSS and CPU time are the bridge's and nothing else's. It signs in at the PSC
// stub through the stub's page as the rig does, opens the IMAP and SMTP bridges of one mailbox on
// loopback, prints their ports as one JSON line, and runs until stdin closes.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AuditJournal } from '../../native-host/audit/journal';
import { Redactor } from '../../native-host/audit/redact';
import { ImapBridge } from '../../native-host/bridge/imap-bridge';
import { loopbackIdentity } from '../../native-host/bridge/loopback-identity';
import type { BridgeMailbox } from '../../native-host/bridge/mailbox';
import { SmtpBridge } from '../../native-host/bridge/smtp-bridge';
import { fileLogger } from '../../native-host/log';
import { staticLookup } from '../../native-host/net/static-lookup';
import { sandboxEndpoints } from '../../native-host/psc/presets';
import { PscSession } from '../../native-host/psc/session';
import { trustContext } from '../../native-host/trust/context';
import { buildTrustSet } from '../../native-host/trust/trust-sets';
import { loginThroughPage } from '../../test/fixtures/psc-login';

export interface BridgeChildConfig {
  dir: string;
  address: string;
  nationalId: string;
  secret: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  imapPort: number;
  smtpPort: number;
  /** PEM files of the test PKI's root and Organisations CA. */
  anchors: string[];
}

const config = JSON.parse(process.argv[2] ?? '{}') as BridgeChildConfig;
const lookup = staticLookup({ '*.sandbox.mssante.test': '127.0.0.1' });
const session = new PscSession({
  endpoints: sandboxEndpoints(config.issuer),
  clientId: config.clientId,
  auth: { method: 'client_secret_basic', secret: config.clientSecret },
  allowHttp: true,
});
const login = await session.beginBrowserLogin();
await loginThroughPage(login.url, config.nationalId);
await login.completion;
const mailbox: BridgeMailbox = {
  address: config.address,
  profile: 'PER',
  imap: { host: 'imap.sandbox.mssante.test', port: config.imapPort },
  smtp: { host: 'smtp.sandbox.mssante.test', port: config.smtpPort },
  lookup,
  secret: config.secret,
  credentials: { kind: 'psc', session: () => session },
};
const deps = {
  trust: trustContext(
    buildTrustSet(
      'sandbox',
      config.anchors.map((file) => new X509Certificate(readFileSync(file))),
    ),
    { cacheDir: path.join(config.dir, 'crl'), lookup },
  ),
  audit: new AuditJournal(path.join(config.dir, 'audit')),
  redactor: new Redactor(new Uint8Array(32).fill(1)),
  log: fileLogger(path.join(config.dir, 'host')),
  identity: await loopbackIdentity(),
};
const imap = new ImapBridge(mailbox, deps);
const smtp = new SmtpBridge(mailbox, deps);
const ports = {
  imapPort: await imap.listen(),
  smtpPort: await smtp.listen(),
  certPem: deps.identity.certPem,
};
process.stdout.write(JSON.stringify(ports) + '\n');
process.stdin.resume();
process.stdin.on('end', () => {
  void (async () => {
    await imap.close();
    await smtp.close();
    session.signOut();
    process.exit(0);
  })();
});
