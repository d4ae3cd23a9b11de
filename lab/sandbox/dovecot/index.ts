import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  chownSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
  statSync,
  chmodSync,
} from 'node:fs';
import path from 'node:path';
import { TLS12_SUITES } from '../../../native-host/trust/tls-policy';
import { waitForPort } from '../../system/net';
import { ensurePackages } from '../../system/packages';
import { isValidIns } from '../../../shared/domain/ins/ins';
import { type Endpoint, HOST_NAMES, PATIENT_DOMAIN, type Started } from '../contracts';
import { buildDsn, type RecipientReport } from './dsn';
import { type Delivery, startRelay } from './relay';

/** ECO.1.1.3: the operator's server offers exactly the six TLS 1.2 suites the client accepts. */
export const OPERATOR_SUITES = TLS12_SUITES.join(':');

export interface DovecotOptions {
  dir: string;
  /** Server certificate (with its chain) and key, PEM files. */
  tls: { certFile: string; keyFile: string };
  imapPort: number;
  smtpPort: number;
  /** The PSC stub's introspection endpoint and the operator's client credentials there. */
  introspection: { url: string; clientId: string; clientSecret: string };
  /** Mail domains delivered locally (the sandbox domain and patient.mssante.fr). */
  domains: string[];
  /** APP mailboxes (ECO.1.3.1): ORG AUTH_CLI client certificate, then PLAIN/LOGIN. */
  app?: DovecotAppOptions;
  /** Test only: submission's message size limit in bytes (Dovecot's default otherwise). */
  submissionMaxMailSize?: number;
  /**
   * Bench only: IMAP with implicit TLS (IMAPS) on this loopback port too, for clients without
   * IMAP STARTTLS (email-oauth2-proxy). Default: no IMAPS listener, STARTTLS only.
   */
  imapsPort?: number;
  /** Bench only: IMAP connections per user and IP (Dovecot's default is 10). */
  maxUserIpConnections?: number;
  /**
   * Bench only: the operator's MTA accepts what submission relays and drops it (no delivery, no
   * DSN), so that submission figures measure the path to the server, not mailbox delivery.
   */
  discardSubmissions?: boolean;
  /**
   * ORG mailboxes opened with an owner's PSC token: each gets its own `oauth2` passdb (selected by
   * `username_filter`) whose introspection URL names the mailbox, as an operator maps BALs to
   * national ids (see sandbox/psc/introspection.ts `operatorView`).
   */
  orgMailboxes?: string[];
  /**
   * The mailboxes that exist in the local professional domains; mail to any other address there
   * is returned with a DSN (5.1.1). Without it every address exists. Patient addresses exist
   * when their local part is a valid INS.
   */
  mailboxes?: string[];
}

/** The first value of a header of a raw message (unfolded), or undefined. */
function headerValue(message: Buffer, name: string): string | undefined {
  const text = message.toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  const head = (end < 0 ? text : text.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ');
  return head
    .split(/\r?\n/)
    .find((line) => line.toLowerCase().startsWith(`${name}:`))
    ?.slice(name.length + 1)
    .trim();
}

/** Why the operator's MTA cannot deliver to `address`, or null when it can. */
function undeliverable(
  address: string,
  options: Pick<DovecotOptions, 'domains' | 'mailboxes'>,
): { status: string; diagnostic: string } | null {
  const [local = '', domain = ''] = address.toLowerCase().split('@');
  if (!options.domains.includes(domain))
    return {
      status: '5.1.2',
      diagnostic: `550 5.1.2 <${address}>: unknown domain`,
    };
  const exists =
    domain === PATIENT_DOMAIN
      ? isValidIns(local)
      : !options.mailboxes ||
        options.mailboxes.some((m) => m.toLowerCase() === address.toLowerCase());
  return exists ? null : { status: '5.1.1', diagnostic: `550 5.1.1 <${address}>: unknown mailbox` };
}

export interface DovecotAppOptions {
  /** PEM bundle of the CAs that issue ORG AUTH_CLI certificates (root + Organisations CA). */
  caFile: string;
  /**
   * The APP mailboxes, with the IdNat their certificate's OU must carry. Without `password`
   * the login is the mailbox address and the certificate alone authenticates (seed 001 names no
   * password for APP mailboxes); with one, PLAIN must also carry it.
   */
  mailboxes: Array<{ address: string; organisationId: string; password?: string }>;
}

export interface DovecotHandle extends Started<{
  imap: Endpoint;
  smtp: Endpoint;
  imaps?: Endpoint;
}> {
  /** The generated dovecot.conf (for doveadm). */
  conf: string;
  /** `doveadm kick`: the operator ends a user's sessions. */
  kick(user: string): Promise<void>;
  /** `doveadm who -1`: the protocol of each session the user has open (`imap`, `submission`). */
  who(user: string): string[];
  /** Raw messages in a mailbox's INBOX (for tests). */
  readMailbox(address: string): string[];
  /** Stores a message in a mailbox's INBOX, as the operator's delivery would. */
  deliver(address: string, message: string | Buffer): void;
}

/**
 * The operator's API LPS on Debian's Dovecot, as an unprivileged instance with its own config
 * under `dir`: IMAP and submission on loopback, STARTTLS required before any authentication,
 * TLS 1.2+ with exactly the six suites of ECO.1.1.3 (DH 2048, curves ≥ 256 bits), XOAUTH2 and
 * OAUTHBEARER through the `oauth2` passdb introspecting the PSC stub (the token's `email` must
 * be the mailbox: the personal mailbox of the practitioner the token was issued to).
 */
export async function startDovecot(options: DovecotOptions): Promise<DovecotHandle> {
  ensurePackages([
    { command: 'dovecot', pkg: 'dovecot-imapd' },
    { command: '/usr/lib/dovecot/submission', pkg: 'dovecot-submissiond' },
    { command: 'openssl', pkg: 'openssl' },
  ]);
  const dir = path.resolve(options.dir);
  for (const sub of ['run', 'state', 'mail']) mkdirSync(path.join(dir, sub), { recursive: true });
  chownSync(path.join(dir, 'mail'), uid('dovecot'), gid('dovecot'));
  // Dovecot's mail processes run as the `dovecot` user: they must be able to traverse down to
  // the mail directory (only the search bit is added, on our own directories).
  for (let d = dir; d !== path.dirname(d); d = path.dirname(d)) {
    const st = statSync(d);
    if (st.uid === process.getuid?.() && !(st.mode & 0o001))
      chmodSync(d, (st.mode & 0o7777) | 0o001);
  }
  const dh = path.join(dir, 'dh2048.pem');
  if (!existsSync(dh)) {
    // RFC 7919 ffdhe2048: a standard 2048-bit group (ECO.1.1.3), written at once, nothing to generate.
    const made = spawnSync(
      'openssl',
      ['genpkey', '-genparam', '-algorithm', 'DH', '-pkeyopt', 'group:ffdhe2048', '-out', dh],
      { stdio: 'ignore' },
    );
    if (made.status !== 0) throw new Error('openssl genpkey (ffdhe2048) failed');
  }
  const intro = new URL(options.introspection.url);
  intro.username = encodeURIComponent(options.introspection.clientId);
  intro.password = encodeURIComponent(options.introspection.clientSecret);
  const oauth2Conf = (url: string) =>
    [
      'introspection_mode = post',
      `introspection_url = ${url}`,
      'force_introspection = yes',
      'username_attribute = email',
      'active_attribute = active',
      'active_value = true',
      '',
    ].join('\n');
  const orgPassdbs = (options.orgMailboxes ?? [])
    .map((address, i) => {
      const url = new URL(intro.href);
      url.searchParams.set('mailbox', address);
      const file = path.join(dir, `oauth2-org-${i}.conf.ext`);
      writeFileSync(file, oauth2Conf(url.href), { mode: 0o600 });
      return `passdb {
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  username_filter = ${address}
  args = ${file}
}
`;
    })
    .join('');
  writeFileSync(
    path.join(dir, 'oauth2.conf.ext'),
    [
      'introspection_mode = post',
      `introspection_url = ${intro.href}`,
      'force_introspection = yes',
      'username_attribute = email',
      'active_attribute = active',
      'active_value = true',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  // The operator's MTA: delivers what it can, and returns a DSN to the sender for each recipient
  // it cannot deliver (and for delivered ones when asked with NOTIFY=SUCCESS), as real MTAs do
  // after accepting a message.
  const relay = await startRelay(async (mail: Delivery) => {
    if (options.discardSubmissions) return;
    const reports: RecipientReport[] = [];
    // ECO.2.3.1: MSSanté clients ask for a delivery report with `Return-Receipt-To`. (Dovecot 2.3's
    // submission does not offer the DSN extension, so NOTIFY/ENVID from the client do not reach
    // this MTA; the header does.)
    const receiptTo = headerValue(mail.data, 'return-receipt-to')?.match(
      /<?([^<>\s]+@[^<>\s]+)>?/,
    )?.[1];
    for (const to of mail.to) {
      const failure = undeliverable(to, options);
      const asked = mail.dsn.recipients[to];
      const original = asked?.original ? { original: asked.original } : {};
      if (failure) {
        if (!asked?.notify.includes('NEVER'))
          reports.push({ recipient: to, action: 'failed', ...failure, ...original });
        continue;
      }
      handle.deliver(to, mail.data);
      if (asked?.notify.includes('SUCCESS') || receiptTo)
        reports.push({ recipient: to, action: 'delivered', status: '2.0.0', ...original });
    }
    const sender = mail.from.toLowerCase();
    const failed = reports.filter((r) => r.action === 'failed');
    const report = (to: string, recipients: RecipientReport[]) => {
      if (!recipients.length || !to || undeliverable(to, options)) return;
      handle.deliver(
        to,
        buildDsn({
          reportingMta: HOST_NAMES.smtp,
          to,
          arrival: new Date(),
          recipients: reports,
          original: mail.data,
          returnFull: mail.dsn.returnFull,
          ...(mail.dsn.envelopeId ? { envelopeId: mail.dsn.envelopeId } : {}),
        }),
      );
    };
    // Failures go to the envelope sender; a requested success report to Return-Receipt-To.
    if (receiptTo && receiptTo.toLowerCase() !== sender) {
      report(sender, failed);
      report(
        receiptTo.toLowerCase(),
        reports.filter((r) => r.action === 'delivered'),
      );
    } else report(sender, reports);
  });
  const conf = path.join(dir, 'dovecot.conf');
  writeFileSync(
    conf,
    `# Generated by the sandbox (sandbox/dovecot): an unprivileged Dovecot for the local API LPS.
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
info_log_path = ${dir}/dovecot.log
instance_name = mssante-sandbox-${path.basename(dir)}
protocols = imap submission
listen = 127.0.0.1
default_internal_user = dovecot
default_login_user = dovenull
mail_uid = dovecot
mail_gid = dovecot
first_valid_uid = 1
mail_location = maildir:~/Maildir
# The special-use folders an operator's mailbox has (RFC 6154). Thunderbird 140 keeps sent copies
# in Local Folders when the mailbox has no Sent folder (docs/thunderbird-esr.md).
namespace inbox {
  inbox = yes
  mailbox Sent {
    auto = subscribe
    special_use = \\Sent
  }
  mailbox Drafts {
    auto = subscribe
    special_use = \\Drafts
  }
  mailbox Trash {
    auto = subscribe
    special_use = \\Trash
  }
}
auth_username_format = %Lu
disable_plaintext_auth = yes
auth_mechanisms = xoauth2 oauthbearer${options.app ? ' plain login' : ''}
auth_verbose = yes
ssl = required
ssl_cert = <${options.tls.certFile}
ssl_key = <${options.tls.keyFile}
ssl_dh = <${dh}
ssl_min_protocol = TLSv1.2
ssl_cipher_list = ${OPERATOR_SUITES}
ssl_curve_list = P-256:P-384:P-521
ssl_prefer_server_ciphers = yes
imap_capability = +SASL-IR
${orgPassdbs}passdb {
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = ${dir}/oauth2.conf.ext
}
${options.app ? appConfig(dir, options.app) : ''}userdb {
  driver = static
  args = allow_all_users=yes home=${dir}/mail/%d/%n
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${options.imapPort}
  }
  inet_listener imaps {
${options.imapsPort ? `    address = 127.0.0.1\n    port = ${options.imapsPort}\n    ssl = yes` : '    port = 0'}
  }
}
${options.maxUserIpConnections ? `protocol imap {\n  mail_max_userip_connections = ${options.maxUserIpConnections}\n}\n` : ''}service submission-login {
  inet_listener submission {
    address = 127.0.0.1
    port = ${options.smtpPort}
  }
}
submission_relay_host = 127.0.0.1
submission_relay_port = ${relay.port}
submission_relay_trusted = yes
submission_host = imap.sandbox.mssante.test
${options.submissionMaxMailSize ? `submission_max_mail_size = ${options.submissionMaxMailSize}\n` : ''}hostname = imap.sandbox.mssante.test
service anvil {
  chroot =
}
service stats {
  unix_listener stats-writer {
    mode = 0666
  }
}
`,
  );
  const child: ChildProcess = spawn('/usr/sbin/dovecot', ['-F', '-c', conf], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) =>
      reject(new Error(`dovecot exited (${code}): ${stderr}${readLog(dir)}`)),
    ),
  );
  await Promise.race([
    Promise.all([
      waitForPort(options.imapPort, 20_000, 'Dovecot'),
      waitForPort(options.smtpPort, 20_000, 'Dovecot'),
      ...(options.imapsPort ? [waitForPort(options.imapsPort, 20_000, 'Dovecot')] : []),
    ]),
    exited,
  ]);

  const maildir = (address: string) => {
    const [local, domain] = address.toLowerCase().split('@');
    return path.join(dir, 'mail', domain ?? '', local ?? '', 'Maildir');
  };
  const handle: DovecotHandle = {
    conf,
    info: {
      imap: { host: '127.0.0.1', port: options.imapPort },
      smtp: { host: '127.0.0.1', port: options.smtpPort },
      ...(options.imapsPort ? { imaps: { host: '127.0.0.1', port: options.imapsPort } } : {}),
    },
    async stop() {
      await relay.close();
      if (child.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
    },
    async kick(user: string) {
      const run = spawnSync('doveadm', ['-c', conf, 'kick', user.toLowerCase()], {
        encoding: 'utf8',
      });
      if (run.status !== 0 && !/no users/i.test(run.stderr + run.stdout))
        throw new Error(`doveadm kick: ${run.stderr}`);
    },
    who(user: string) {
      const run = spawnSync('doveadm', ['-c', conf, 'who', '-1', user.toLowerCase()], {
        encoding: 'utf8',
      });
      if (run.status !== 0) throw new Error(`doveadm who: ${run.stderr}`);
      // "username proto pid ip" heading, then one line per connection.
      return run.stdout
        .split('\n')
        .slice(1)
        .map((line) => line.trim().split(/\s+/))
        .filter((cols) => cols[0]?.toLowerCase() === user.toLowerCase())
        .map((cols) => cols[1] ?? '');
    },
    readMailbox(address: string) {
      const out: string[] = [];
      for (const sub of ['new', 'cur']) {
        const folder = path.join(maildir(address), sub);
        if (!existsSync(folder)) continue;
        for (const file of readdirSync(folder).sort())
          out.push(readFileSync(path.join(folder, file), 'utf8'));
      }
      return out;
    },
    deliver(address: string, message: string | Buffer) {
      const run = spawnSync('doveadm', ['-c', conf, 'save', '-u', address.toLowerCase()], {
        input: message,
      });
      if (run.status !== 0) throw new Error(`doveadm save: ${run.stderr.toString()}`);
    },
  };
  return handle;
}

/**
 * APP mailboxes (ECO.1.3.1, issue 5 part 3). Dovecot asks every client for a certificate
 * (`ssl_verify_client_cert`) and checks it against the IGC Santé CAs in `ssl_ca`; a client without
 * one (PER/ORG with XOAUTH2) still completes TLS: the certificate is only *required* by the
 * PLAIN/LOGIN passdb below, not globally (`auth_ssl_require_client_cert` would refuse XOAUTH2
 * logins without a certificate too).
 *
 * That passdb reads a passwd-file whose path holds `%{cert}` ("valid" when the client presented
 * a certificate that verified, empty otherwise) and the certificate's OU (Dovecot puts it in the
 * username: `auth_ssl_username_from_cert` with `ssl_cert_username_field = organizationalUnitName`,
 * only when a certificate was presented): `app/valid-<IdNat>.passwd` lists the APP mailboxes of
 * that organisation, keyed by the login PLAIN carried (`%{orig_user}`, the mailbox address), and
 * gives the mailbox back as the user. Any other combination (no certificate, a certificate of
 * another CA, another organisation's certificate) finds no file, or `app/refused.passwd`, whose
 * entries refuse with a sentence naming the certificate. CRLs of client certificates are not
 * checked by the sandbox (`ssl_require_crl = no`): the host's revocation rules are about servers.
 */
function appConfig(dir: string, app: DovecotAppOptions): string {
  const files = path.join(dir, 'app');
  rmSync(files, { recursive: true, force: true });
  mkdirSync(files, { recursive: true });
  const line = (address: string, password: string | undefined, extra: string) =>
    `${address.toLowerCase()}:${password ? `{PLAIN}${password}` : ''}::::::${extra}\n`;
  const byOrganisation = new Map<string, string>();
  for (const m of app.mailboxes) {
    const extra = `user=${m.address.toLowerCase()}${m.password ? '' : ' nopassword=y'}`;
    byOrganisation.set(
      m.organisationId,
      (byOrganisation.get(m.organisationId) ?? '') + line(m.address, m.password, extra),
    );
  }
  for (const [idNat, content] of byOrganisation)
    writeFileSync(path.join(files, `valid-${idNat.toLowerCase()}.passwd`), content, {
      mode: 0o644,
    });
  return `ssl_ca = <${app.caFile}
ssl_verify_client_cert = yes
ssl_require_crl = no
ssl_cert_username_field = organizationalUnitName
auth_ssl_username_from_cert = yes
passdb {
  driver = passwd-file
  mechanisms = plain login
  args = scheme=PLAIN username_format=%{orig_user} ${files}/%{cert}-%Lu.passwd
}
`;
}

function readLog(dir: string): string {
  const file = path.join(dir, 'dovecot.log');
  return existsSync(file)
    ? `\n${readFileSync(file, 'utf8').split('\n').slice(-20).join('\n')}`
    : '';
}

function uid(user: string): number {
  return Number(spawnSync('id', ['-u', user], { encoding: 'utf8' }).stdout.trim());
}

function gid(user: string): number {
  return Number(spawnSync('id', ['-g', user], { encoding: 'utf8' }).stdout.trim());
}
