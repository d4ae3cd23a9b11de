// email-oauth2-proxy (github.com/simonrob/email-oauth2-proxy) for `npm run bench -- peers`: never
// copied here. The bench runs the script named by MSSANTE_BENCH_EMAILPROXY with Debian's Python
// (MSSANTE_BENCH_PYTHON, default /usr/bin/python3), configured through its own config file.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { freePort, waitForPort } from '../../lab/system/net';

export interface EmailProxyFound {
  script: string;
  python: string;
  /** `__package_version__` of the script, its git commit when given, its SHA-256. */
  version: string;
  commit?: string;
  sha256: string;
  pythonVersion: string;
}

/** The script to run, or why the peer is skipped (never a figure made up in its place). */
export function findEmailProxy(): EmailProxyFound | { skipped: string } {
  const script = process.env.MSSANTE_BENCH_EMAILPROXY;
  const python = process.env.MSSANTE_BENCH_PYTHON ?? '/usr/bin/python3';
  if (!script)
    return {
      skipped:
        'email-oauth2-proxy not measured: MSSANTE_BENCH_EMAILPROXY (path of emailproxy.py) is not set',
    };
  if (!existsSync(script))
    return { skipped: `email-oauth2-proxy not measured: ${script} does not exist` };
  const probe = spawnSync(python, [
    '-c',
    'import sys, cryptography; print(sys.version.split()[0])',
  ]);
  if (probe.status !== 0)
    return {
      skipped: `email-oauth2-proxy not measured: ${python} cannot import cryptography (apt-get install python3-cryptography): ${probe.stderr.toString().trim()}`,
    };
  const text = readFileSync(script);
  const version = /__package_version__ = '([^']+)'/.exec(text.toString())?.[1] ?? 'unknown';
  return {
    script,
    python,
    version,
    ...(process.env.MSSANTE_BENCH_EMAILPROXY_COMMIT
      ? { commit: process.env.MSSANTE_BENCH_EMAILPROXY_COMMIT }
      : {}),
    sha256: createHash('sha256').update(text).digest('hex'),
    pythonVersion: probe.stdout.toString().trim(),
  };
}

/**
 * The proxy's token endpoint for this bench: OAuth 2.0 resource owner password credentials
 * (RFC 6749 §4.3, the proxy's `oauth2_flow = password`). It checks the proxy's client and the
 * mailbox's local password, and answers with the access token the PSC stub issued to the signed-in
 * practitioner (`token()`) and its real remaining lifetime, so Dovecot introspects the very same
 * kind of token at the stub as on the other paths.
 */
export async function startTokenEndpoint(options: {
  username: string;
  password: string;
  token: () => Promise<{ token: string; expiresIn: number }>;
}): Promise<{
  url: string;
  clientId: string;
  clientSecret: string;
  requests: () => number;
  close(): Promise<void>;
}> {
  const clientId = 'bench-emailproxy';
  const clientSecret = randomBytes(16).toString('base64url');
  let requests = 0;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      requests++;
      const form = new URLSearchParams(body);
      const refuse = (status: number, error: string) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error }));
      };
      if (req.method !== 'POST' || req.url !== '/token') return refuse(404, 'not_found');
      if (form.get('client_id') !== clientId || form.get('client_secret') !== clientSecret)
        return refuse(401, 'invalid_client');
      if (form.get('grant_type') !== 'password') return refuse(400, 'unsupported_grant_type');
      if (form.get('username') !== options.username || form.get('password') !== options.password)
        return refuse(400, 'invalid_grant');
      options.token().then(
        ({ token, expiresIn }) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify({ access_token: token, token_type: 'Bearer', expires_in: expiresIn }),
          );
        },
        () => refuse(500, 'server_error'),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`,
    clientId,
    clientSecret,
    requests: () => requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// Runs the proxy's script unchanged in this interpreter, after mapping the sandbox's host names to
// loopback in Python's resolver (the proxy resolves its server with socket.getaddrinfo and checks
// the certificate against that name), as the host's static name map does for our bridge.
const LAUNCHER = `import runpy, socket, sys
_getaddrinfo = socket.getaddrinfo
def _lookup(host, *args, **kwargs):
    if isinstance(host, str) and host.endswith('.sandbox.mssante.test'):
        host = '127.0.0.1'
    return _getaddrinfo(host, *args, **kwargs)
socket.getaddrinfo = _lookup
script = sys.argv[1]
sys.argv = sys.argv[1:]
runpy.run_path(script, run_name='__main__')
`;

export interface RunningEmailProxy {
  imapPort: number;
  smtpPort: number;
  pid: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts the proxy with `--no-gui` and a config file of its own format: an IMAP server towards
 * Dovecot's implicit-TLS port (it has no IMAP STARTTLS towards the server), an SMTP server towards
 * submission with `server_starttls`, and the mailbox's account using the password flow at `tokenUrl`.
 * It trusts the test PKI through OpenSSL's SSL_CERT_FILE (it uses Python's default context).
 */
export async function startEmailProxy(options: {
  found: EmailProxyFound;
  dir: string;
  imaps: number;
  submission: number;
  caFile: string;
  account: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
}): Promise<RunningEmailProxy> {
  const imapPort = await freePort();
  const smtpPort = await freePort();
  const config = path.join(options.dir, 'emailproxy.config');
  writeFileSync(
    config,
    `[Server setup]

[IMAP-${imapPort}]
local_address = 127.0.0.1
server_address = imap.sandbox.mssante.test
server_port = ${options.imaps}

[SMTP-${smtpPort}]
local_address = 127.0.0.1
server_address = smtp.sandbox.mssante.test
server_port = ${options.submission}
server_starttls = True

[Account setup]

[${options.account}]
token_url = ${options.tokenUrl}
oauth2_flow = password
oauth2_scope = openid scope_all
client_id = ${options.clientId}
client_secret = ${options.clientSecret}
`,
    { mode: 0o600 },
  );
  const launcher = path.join(options.dir, 'launch.py');
  writeFileSync(launcher, LAUNCHER);
  const child = spawn(
    options.found.python,
    [
      launcher,
      options.found.script,
      '--no-gui',
      '--config-file',
      config,
      '--log-file',
      path.join(options.dir, 'emailproxy.log'),
    ],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, SSL_CERT_FILE: options.caFile, PYTHONDONTWRITEBYTECODE: '1' },
    },
  );
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`emailproxy exited (${code}): ${stderr}`))),
  );
  await Promise.race([
    Promise.all([
      waitForPort(imapPort, 20_000, 'emailproxy'),
      waitForPort(smtpPort, 20_000, 'emailproxy'),
    ]),
    exited,
  ]);
  exited.catch(() => undefined);
  return {
    imapPort,
    smtpPort,
    pid: child.pid!,
    child,
    async stop() {
      if (child.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
    },
  };
}
