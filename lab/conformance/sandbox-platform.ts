import path from 'node:path';
import { writePrivateFile } from '../../native-host/config/private-file';
import { HOST_NAMES } from '../sandbox/contracts';
import { startOperator, type TestOperator } from '../sandbox/operator';
import { PRACTITIONERS } from '../sandbox/people';
import type { LiveConfig } from '../../native-host/conformance/live/config';
import type { LoginPageDriver } from '../../native-host/conformance/live/types';
import { LoginDriver } from '../sandbox/psc/login-driver';

/** The stub's page filled in with an e-CPS sign-in; the callback is fetched, as a browser would. */
const completeLoginPage: LoginPageDriver = async (url, nationalId) => {
  const callback = await new LoginDriver().signIn(url, nationalId, 'ecps');
  await fetch(callback);
};

/** Entries of the sandbox Annuaire the live check searches (the sandbox people come first). */
const ANNUAIRE_ENTRIES = 50;

export interface SandboxPlatform {
  operator: TestOperator;
  /** The live configuration of the local sandbox (the lab's file, filled in for loopback). */
  config: LiveConfig;
  /** The same, written as a file (mode 0600: it holds the stub's client secret). */
  file: string;
  /** Signs in at the stub's page as a browser would (the live check's `browser` login). */
  completeLoginPage: LoginPageDriver;
  stop(): Promise<void>;
}

/**
 * The local sandbox as a platform under test: a whole operator (test IGC Santé PKI with CRL and
 * OCSP, PSC stub, Dovecot, its HTTPS autoconfiguration, the Annuaire on slapd) and the live
 * configuration that points at it (Dr Marie MARTIN's mailbox, signed in through the stub's page,
 * a search for MARTIN in the Annuaire). Dev and CI only.
 */
export async function startSandboxPlatform(
  options: { dir?: string } = {},
): Promise<SandboxPlatform> {
  const operator = await startOperator({
    ...(options.dir ? { dir: options.dir } : {}),
    annuaire: { entries: ANNUAIRE_ENTRIES },
    // The live check downloads autoconfig in this process, without NODE_EXTRA_CA_CERTS naming
    // the sandbox's test web CA: its autoconfig keeps an IGC Santé certificate.
    autoconfigPki: 'igc-sante',
  });
  try {
    const { stub, dovecot, autoconfig, annuaire } = operator;
    if (!annuaire) throw new Error('the sandbox operator started without its Annuaire');
    const marie = PRACTITIONERS[0]!;
    const config: LiveConfig = {
      platform: 'bac à sable local / local sandbox',
      mailbox: { address: marie.mailbox!, profile: 'PER' },
      imap: { host: HOST_NAMES.imap, port: dovecot.info.imap.port },
      smtp: { host: HOST_NAMES.smtp, port: dovecot.info.smtp.port },
      psc: {
        preset: 'custom',
        issuer: stub.info.issuer,
        clientId: stub.info.hostClient.clientId,
        clientSecret: stub.info.hostClient.clientSecret,
        login: 'browser',
        nationalId: marie.nationalId,
      },
      trust: { set: 'sandbox', ...operator.anchors },
      hosts: { '*.sandbox.mssante.test': '127.0.0.1' },
      autoconfig: { port: Number(new URL(autoconfig.info.url).port) },
      ldap: { url: annuaire.info.url, base: annuaire.info.base, name: marie.lastName },
    };
    const file = path.join(operator.dir, 'live.json');
    // The operator's folder is shared with its servers' own users: left as it is.
    writePrivateFile(file, JSON.stringify(config, null, 2) + '\n', { keepDirMode: true });
    return { operator, config, file, completeLoginPage, stop: () => operator.stop() };
  } catch (error) {
    await operator.stop();
    throw error;
  }
}
