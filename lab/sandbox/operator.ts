import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../system/net';
import { HOST_NAMES, type PkiFiles, type Started } from './contracts';
import { type DovecotHandle, startDovecot } from './dovecot/index';
import { type PscStubInfo, startPscStub } from './psc/index';
import { type MiniPki, miniPki } from './pki/mini-pki';
import { RevocationServer } from './pki/revocation-server';
import { issueClientCertificate } from './pki/client-certificate';
import { MAILBOXES, ORGANISATION } from './people';
import { generateEntries } from './annuaire/generate';
import { type SlapdInfo, startSlapd } from './annuaire/slapd';
import { type AutoconfigServer, sandboxMailConfig, startAutoconfig } from './autoconfig/index';
import { type BadServers, startBadServers } from './bad-servers/index';
import { lpsRegistration, type LpsServerProcess, startLpsServer } from './lps/index';

/** The APP mailbox's ORG AUTH_CLI client certificate (ECO.1.3.1), as files. */
export interface AppClientFiles {
  address: string;
  organisationId: string;
  /** The certificate's subject DN on one line (the journal's author for this mailbox). */
  subject: string;
  /** Certificate + Organisations CA, PEM. */
  cert: string;
  key: string;
  /** PKCS#12 (AES-256-CBC, PBKDF2) of the certificate, key and chain, and its password. */
  p12: string;
  p12Password: string;
}

export interface TestOperator {
  dir: string;
  pki: MiniPki;
  revocation: RevocationServer;
  stub: Started<PscStubInfo>;
  dovecot: DovecotHandle;
  app: AppClientFiles;
  /** HTTPS autoconfiguration of the sandbox domain (ECO.1.1.9). */
  autoconfig: AutoconfigServer;
  annuaire?: Started<SlapdInfo>;
  bad?: BadServers;
  lps?: LpsServerProcess;
  /** PEM files of the test PKI's trust anchors. */
  anchors: { rootCert: string; intermediateCert: string };
  /** Every file of the test PKI (what runtime.json publishes under internal.pki). */
  files: PkiFiles;
  /** POST to one of the PSC stub's control endpoints. */
  control(action: string, form: Record<string, string>): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

/**
 * A whole operator on loopback: an IGC Santé-shaped PKI with its CRL and OCSP server, the PSC
 * stub, Dovecot serving IMAP and submission for `imap.`/`smtp.sandbox.mssante.test`, the HTTPS
 * autoconfiguration, and on request the Annuaire (slapd) and the trust matrix's bad servers.
 * Tests start one in a temporary directory; the sandbox daemon (`mssante sandbox up`) runs one
 * with everything, in its state directory, with CAs and ports kept across restarts.
 */
export interface OperatorOptions {
  dir?: string;
  /** Loopback ports to use (the daemon keeps them across restarts); others are picked free. */
  ports?: Partial<OperatorPorts>;
  /** Leave `dir` in place on stop (the daemon's state); tests' temporary dirs are removed. */
  keep?: boolean;
  /** The Annuaire (slapd) with this many generated entries (sandbox people first). */
  annuaire?: { entries: number };
  /** The bad servers of the trust matrix, published for tools and manual checks. */
  badServers?: boolean;
  /** Test only: the submission server's message size limit in bytes (SIZE, docs/bridge.md). */
  submissionMaxMailSize?: number;
  /**
   * The intermediate LPS server as its own process, registered at the PSC stub with its fixed
   * HTTPS redirect URI (lab/sandbox/lps/); the host's config.json then names it instead of a PSC
   * client (operatorHostConfig).
   */
  lps?: boolean | { sessionCheckSeconds?: number };
  /** Bench only: Dovecot also serves IMAP with implicit TLS (`dovecot.info.imaps`). */
  imaps?: boolean;
  /** Bench only: IMAP connections per user and IP at Dovecot (its default is 10). */
  maxUserIpConnections?: number;
  /** Bench only: the MTA behind submission drops what it is given (see DovecotOptions). */
  discardSubmissions?: boolean;
  /** Bench only: the PSC stub's access token lifetime in seconds (its default is 120). */
  pscAccessTokenSeconds?: number;
  /**
   * Who issues the autoconfig server's certificate: `web` (default), the test "commercial" CA
   * (seed 001, footnote (*) under ECO.1.1.9; a client trusts it through NODE_EXTRA_CA_CERTS =
   * `files.webCaCert`), or `igc-sante`, the test IGC Santé Organisations CA (the live-check
   * platform and the handshake bench, which run without that variable).
   */
  autoconfigPki?: 'web' | 'igc-sante';
}

export interface OperatorPorts {
  pki: number;
  psc: number;
  lps: number;
  imap: number;
  smtp: number;
  autoconfig: number;
  ldap: number;
}

export async function startOperator(options: OperatorOptions = {}): Promise<TestOperator> {
  const dir = options.dir ?? mkdtempSync(path.join(os.tmpdir(), 'operator-'));
  mkdirSync(dir, { recursive: true });
  const port = async (name: keyof OperatorPorts) => options.ports?.[name] ?? (await freePort());
  // The daemon's CAs persist under its state (stable trust anchors); tests get fresh ones.
  const pki = await miniPki(options.keep ? { dir: path.join(dir, 'pki') } : {});
  const revocation = new RevocationServer(pki.organisations, pki.organisationsKey);
  const urls = await revocation.start(await port('pki'));
  revocation.crl = await pki.crl([]);
  const server = await pki.issue({
    name: 'imap.sandbox.mssante.test',
    altNames: [HOST_NAMES.smtp, HOST_NAMES.authcli],
    crlUrl: urls.crlUrl,
    ocspUrl: urls.ocspUrl,
  });
  const file = (name: string, content: string) => {
    writeFileSync(path.join(dir, name), content, { mode: 0o600 });
    return path.join(dir, name);
  };
  const certFile = file('server.pem', server.cert.toString() + pki.organisations.toString());
  const keyFile = file('server.key', server.keyPem);
  const anchors = {
    rootCert: file('root.pem', pki.root.toString()),
    intermediateCert: file('organisations.pem', pki.organisations.toString()),
  };
  const files: PkiFiles = {
    ...anchors,
    chain: file('chain.pem', pki.root.toString() + pki.organisations.toString()),
    crl: file('crl.der', ''),
    foreignCaCert: file('foreign-ca.pem', pki.foreign.toString()),
    webCaCert: file('web-ca.pem', pki.webRoot.toString()),
    servers: Object.fromEntries(
      [HOST_NAMES.imap, HOST_NAMES.smtp, HOST_NAMES.authcli].map((name) => [
        name,
        { cert: certFile, key: keyFile },
      ]),
    ),
  };
  writeFileSync(files.crl, revocation.crl);
  const appMailbox = MAILBOXES.find((m) => m.profile === 'APP')!;
  const appCert = await issueClientCertificate(pki, {
    commonName: appMailbox.address,
    organisationId: appMailbox.nationalId,
    organisation: ORGANISATION.name,
    crlUrl: urls.crlUrl,
  });
  const app: AppClientFiles = {
    address: appMailbox.address,
    organisationId: appMailbox.nationalId,
    subject: appCert.cert.subject.split('\n').join(', '),
    cert: file('app-client.pem', appCert.cert.toString() + appCert.chainPem),
    key: file('app-client.key', appCert.keyPem),
    p12: path.join(dir, 'app-client.p12'),
    p12Password: randomBytes(12).toString('base64url'),
  };
  writeFileSync(app.p12, appCert.pkcs12(app.p12Password), { mode: 0o600 });
  files.appClient = {
    cert: app.cert,
    key: app.key,
    p12: app.p12,
    p12Password: app.p12Password,
    organisationIdNat: app.organisationId,
  };
  const lpsPort = options.lps ? await port('lps') : 0;
  const registration = options.lps ? lpsRegistration(lpsPort) : undefined;
  const stub = await startPscStub({
    port: await port('psc'),
    stateDir: path.join(dir, 'psc'),
    ...(options.pscAccessTokenSeconds ? { accessTokenSeconds: options.pscAccessTokenSeconds } : {}),
    ...(registration
      ? {
          clients: [
            {
              clientId: registration.clientId,
              clientSecret: registration.clientSecret,
              redirectUris: [registration.redirectUri],
            },
          ],
        }
      : {}),
  });
  const lps = registration
    ? await startLpsServer({
        dir: path.join(dir, 'lps'),
        port: lpsPort,
        pki,
        issuer: stub.info.issuer,
        registration,
        crlUrl: urls.crlUrl,
        ...(typeof options.lps === 'object' && options.lps.sessionCheckSeconds
          ? { sessionCheckSeconds: options.lps.sessionCheckSeconds }
          : {}),
      })
    : undefined;
  const dovecot = await startDovecot({
    dir: path.join(dir, 'dovecot'),
    tls: { certFile, keyFile },
    imapPort: await port('imap'),
    smtpPort: await port('smtp'),
    introspection: stub.info.introspection,
    domains: ['sandbox.mssante.test', 'patient.mssante.fr'],
    mailboxes: MAILBOXES.map((m) => m.address),
    orgMailboxes: MAILBOXES.filter((m) => m.profile === 'ORG').map((m) => m.address),
    app: {
      caFile: file('client-ca.pem', pki.root.toString() + pki.organisations.toString()),
      mailboxes: [{ address: app.address, organisationId: app.organisationId }],
    },
    ...(options.submissionMaxMailSize
      ? { submissionMaxMailSize: options.submissionMaxMailSize }
      : {}),
    ...(options.imaps ? { imapsPort: await freePort() } : {}),
    ...(options.maxUserIpConnections ? { maxUserIpConnections: options.maxUserIpConnections } : {}),
    ...(options.discardSubmissions ? { discardSubmissions: true } : {}),
  });
  // The web PKI's leaf names no CRL nor OCSP (docs/trust.md: its revocation is soft-failed).
  const web = (options.autoconfigPki ?? 'web') === 'web';
  const autoconfigCert = await pki.issue(
    web
      ? { name: HOST_NAMES.autoconfig, issuer: 'web', crlUrl: null }
      : { name: HOST_NAMES.autoconfig, crlUrl: urls.crlUrl, ocspUrl: urls.ocspUrl },
  );
  const autoconfigChain =
    autoconfigCert.cert.toString() + (web ? pki.webIntermediate : pki.organisations).toString();
  const autoconfig = await startAutoconfig({
    port: await port('autoconfig'),
    cert: autoconfigChain,
    key: autoconfigCert.keyPem,
    config: sandboxMailConfig(dovecot.info.imap, dovecot.info.smtp),
  });
  files.servers[HOST_NAMES.autoconfig] = {
    cert: file('autoconfig.pem', autoconfigChain),
    key: file('autoconfig.key', autoconfigCert.keyPem),
  };
  const annuaire = options.annuaire
    ? await startSlapd({
        dir: path.join(dir, 'annuaire'),
        port: await port('ldap'),
        entries: generateEntries(options.annuaire.entries),
      })
    : undefined;
  const bad = options.badServers
    ? await startBadServers({ pki, crlUrl: urls.crlUrl, ocspUrl: urls.ocspUrl, dir })
    : undefined;
  if (bad) {
    // What the bad servers' revoked certificates need: their serials in the CRL and at OCSP.
    revocation.crl = await pki.crl(bad.revokedSerials.crl);
    for (const serial of bad.revokedSerials.ocsp) revocation.ocsp.set(serial, 'revoked');
  }
  return {
    dir,
    pki,
    revocation,
    stub,
    dovecot,
    app,
    autoconfig,
    ...(annuaire ? { annuaire } : {}),
    ...(bad ? { bad } : {}),
    ...(lps ? { lps } : {}),
    anchors,
    files,
    async control(action, form) {
      const res = await fetch(`${stub.info.control}/${action}`, {
        method: 'POST',
        body: new URLSearchParams(form).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      return (await res.json()) as Record<string, unknown>;
    },
    async stop() {
      await lps?.stop();
      await bad?.stop();
      await annuaire?.stop();
      await autoconfig.stop();
      await dovecot.stop();
      await stub.stop();
      await revocation.stop();
      if (!options.keep) rmSync(dir, { recursive: true, force: true });
    },
  };
}
