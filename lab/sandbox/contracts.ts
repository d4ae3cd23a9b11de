/**
 * Contracts between the sandbox's parts (issue 5). Today the PSC stub (sandbox/psc) and the
 * operator's Dovecot (sandbox/dovecot) exist and are started by the tests that need them; the
 * daemon behind `mssante sandbox up` (which will also write SandboxRuntime) is still to come.
 * Everything binds to 127.0.0.1 only.
 *
 * Names: the sandbox's host names (DOMAIN and the names below) are not in /etc/hosts. Every
 * client of the project (the host's bridge, tests, tools) resolves them through
 * `SandboxRuntime.hosts` (a name → 127.0.0.1 map) with a custom `lookup` for net/tls
 * (see sandbox/resolve.ts); TLS uses the name as SNI and for certificate checks.
 */

export const DOMAIN = 'sandbox.mssante.test';
export const PATIENT_DOMAIN = 'patient.mssante.fr';

export const HOST_NAMES = {
  imap: `imap.${DOMAIN}`,
  smtp: `smtp.${DOMAIN}`,
  /** The AUTH_CLI front of APP mailboxes (IMAP and SMTP), seed 001's second front; Dovecot too. */
  authcli: `authcli.${DOMAIN}`,
  autoconfig: `autoconfig.${DOMAIN}`,
  ldap: `ldap.${DOMAIN}`,
  psc: `psc.${DOMAIN}`,
  pki: `pki.${DOMAIN}`, // CRL distribution point and OCSP responder (plain HTTP, as in real PKIs)
  lps: `lps.${DOMAIN}`, // the intermediate LPS server (HTTPS), PSC's client for the workstations
} as const;

/** What one part reports once started: where it listens, and how to stop it. */
export interface Started<Info> {
  info: Info;
  stop(): Promise<void>;
}

export interface Endpoint {
  host: string;
  port: number;
}

/** Files of the generated test IGC Santé PKI (all PEM unless said), in the sandbox's directory. */
export interface PkiFiles {
  rootCert: string;
  intermediateCert: string;
  /** root + intermediate, for servers that send the chain */
  chain: string;
  /** The CRL as first published (DER); the live one is served at `crl.url`. */
  crl: string;
  /** The foreign CA (not IGC Santé) that signs the `foreignCa` bad certificate. */
  foreignCaCert: string;
  /**
   * The root of the test "commercial" CA (web-PKI-like, not IGC Santé) that issues the autoconfig
   * server's certificate: what NODE_EXTRA_CA_CERTS names for the host (docs/trust.md).
   */
  webCaCert?: string;
  /** Server certificates (cert with its chain + key) per sandbox host name. */
  servers: Record<string, { cert: string; key: string }>;
  /** ORG AUTH_CLI client certificate of the APP mailbox. */
  appClient?: {
    cert: string;
    key: string;
    p12: string;
    p12Password: string;
    organisationIdNat: string;
  };
}

/** What `mssante sandbox status --json` prints (issue 5 "Interface"), plus internals under `internal`. */
export interface SandboxRuntime {
  up: boolean;
  domain: string;
  imap: Endpoint;
  smtp: Endpoint;
  psc: { issuer: string; control: string };
  /** The intermediate LPS server (its own process) and the CA file its certificate chains to. */
  lps?: { url: string; caFile: string };
  ldap: { url: string; base: string };
  /** `caFile`: the root of the test "commercial" CA of its certificate (NODE_EXTRA_CA_CERTS). */
  autoconfig: { url: string; caFile?: string };
  crl: { url: string };
  ocsp: { url: string };
  ca: { root: string; intermediate: string };
  badServers: Record<string, Endpoint & { protocol: 'imap' | 'smtp' }>;
  mailboxes: Array<{ address: string; profile: 'PER' | 'ORG' | 'APP'; nationalId: string }>;
  /** Host name → address for every sandbox name (see the note at the top). */
  hosts: Record<string, string>;
  pid: number;
  startedAt: string;
  /** For the project's own tools (the host in sandbox mode, tests); test credentials only. */
  internal: {
    /** The native host's client at the PSC stub (the intermediate LPS server). */
    pscHostClient: { clientId: string; clientSecret: string };
    /** Paths of the generated test PKI (trust anchors, the APP client certificate…). */
    pki: PkiFiles;
    /** The operator's dovecot.conf (`doveadm -c` for kick, save…). */
    dovecotConf: string;
  };
}
