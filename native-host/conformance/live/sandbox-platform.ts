import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { HOST_NAMES } from '../../../sandbox/contracts';
import {
  type AutoconfigServer,
  sandboxMailConfig,
  startAutoconfig,
} from '../../../sandbox/autoconfig/index';
import { startOperator, type TestOperator } from '../../../sandbox/operator';
import { PRACTITIONERS } from '../../../sandbox/people';
import { freePort } from '../../../scripts/lib/net';
import type { LiveConfig } from './config';

export interface SandboxPlatform {
  operator: TestOperator;
  autoconfig: AutoconfigServer;
  /** The live configuration of the local sandbox (the lab's file, filled in for loopback). */
  config: LiveConfig;
  /** The same, written as a file (mode 0600: it holds the stub's client secret). */
  file: string;
  stop(): Promise<void>;
}

/**
 * The local sandbox as a platform under test: a whole operator (test IGC Santé PKI with CRL and
 * OCSP, PSC stub, Dovecot) plus its autoconfiguration server, and the live configuration that
 * points at them (Dr Marie MARTIN's mailbox, signed in through the stub's page). Dev and CI only.
 */
export async function startSandboxPlatform(
  options: { dir?: string } = {},
): Promise<SandboxPlatform> {
  const operator = await startOperator(options.dir ? { dir: options.dir } : {});
  try {
    const { pki, revocation, stub, dovecot } = operator;
    const issued = await pki.issue({
      name: HOST_NAMES.autoconfig,
      crlUrl: revocation.urls.crlUrl,
      ocspUrl: revocation.urls.ocspUrl,
    });
    const autoconfig = await startAutoconfig({
      port: await freePort(),
      cert: issued.cert.toString() + pki.organisations.toString(),
      key: issued.keyPem,
      config: sandboxMailConfig(dovecot.info.imap, dovecot.info.smtp),
    });
    const marie = PRACTITIONERS[0]!;
    const config: LiveConfig = {
      platform: 'bac à sable local / local sandbox',
      mailbox: { address: marie.mailbox, profile: 'PER' },
      imap: { host: HOST_NAMES.imap, port: dovecot.info.imap.port },
      smtp: { host: HOST_NAMES.smtp, port: dovecot.info.smtp.port },
      psc: {
        preset: 'custom',
        issuer: stub.info.issuer,
        clientId: stub.info.hostClient.clientId,
        clientSecret: stub.info.hostClient.clientSecret,
        login: 'sandbox-page',
        nationalId: marie.nationalId,
      },
      trust: { set: 'sandbox', ...operator.anchors },
      hosts: { '*.sandbox.mssante.test': '127.0.0.1' },
      autoconfig: { port: Number(new URL(autoconfig.info.url).port) },
    };
    const file = path.join(operator.dir, 'live.json');
    writeFileSync(file, JSON.stringify(config, null, 2) + '\n', { mode: 0o600 });
    return {
      operator,
      autoconfig,
      config,
      file,
      async stop() {
        await autoconfig.stop();
        await operator.stop();
      },
    };
  } catch (error) {
    await operator.stop();
    throw error;
  }
}
