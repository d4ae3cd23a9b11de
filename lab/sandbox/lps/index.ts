import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writePrivateFile } from '../../../native-host/config/private-file';
import type { LpsServerConfigFile } from '../../../lps-server/config';
import { HOST_NAMES } from '../contracts';
import type { MiniPki } from '../pki/mini-pki';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const BUNDLE = path.join(ROOT, 'dist', 'lps', 'mssante-lps.mjs');

/** The client the operator's PSC stub registers for the intermediate LPS server. */
export interface LpsRegistration {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

export function lpsRegistration(port: number): LpsRegistration {
  return {
    clientId: 'open-mssante-lps',
    clientSecret: randomBytes(24).toString('base64url'),
    redirectUri: `https://${HOST_NAMES.lps}:${port}/v1/psc/callback`,
  };
}

export interface LpsServerProcess {
  /** `https://lps.sandbox.mssante.test:<port>` (resolved to 127.0.0.1 by the project's tools). */
  url: string;
  port: number;
  /** The server's configuration file (0600: the PSC client secret). */
  configFile: string;
  logFile: string;
  /** PEM of the CAs its certificate chains to (root + Organisations). */
  caFile: string;
  pid(): number | undefined;
  /** Stops the process and starts it again (its sessions are lost, as after a real restart). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The intermediate LPS server as its own process (`node dist/lps/mssante-lps.mjs serve`), as an
 * establishment runs it: HTTPS with a certificate of the sandbox PKI for
 * `lps.sandbox.mssante.test`, PSC's client registered at the stub with its fixed redirect URI,
 * its operational log in `dir`.
 */
export async function startLpsServer(options: {
  dir: string;
  port: number;
  pki: MiniPki;
  issuer: string;
  registration: LpsRegistration;
  crlUrl?: string;
  sessionCheckSeconds?: number;
}): Promise<LpsServerProcess> {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} missing: node scripts/build.mjs first`);
  const { dir, port, pki, registration } = options;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const cert = await pki.issue({
    name: HOST_NAMES.lps,
    ...(options.crlUrl ? { crlUrl: options.crlUrl } : {}),
  });
  const file = (name: string, content: string) => {
    writePrivateFile(path.join(dir, name), content, { keepDirMode: true });
    return path.join(dir, name);
  };
  const caFile = file('ca.pem', pki.root.toString() + pki.organisations.toString());
  const config: LpsServerConfigFile = {
    version: 1,
    publicUrl: `https://${HOST_NAMES.lps}:${port}`,
    listen: { host: '127.0.0.1', port },
    tls: {
      certFile: file('lps.pem', cert.cert.toString() + pki.organisations.toString()),
      keyFile: file('lps.key', cert.keyPem),
    },
    psc: {
      preset: 'custom',
      issuer: options.issuer,
      discovery: `${options.issuer}/.well-known/wallet-openid-configuration`,
      clientId: registration.clientId,
      auth: { method: 'client_secret_basic', clientSecret: registration.clientSecret },
    },
    sessions: { checkSeconds: options.sessionCheckSeconds ?? 30 },
    log: 'lps.log',
  };
  const configFile = file('lps-server.json', JSON.stringify(config, null, 2) + '\n');
  let child: ChildProcess | null = null;
  const start = async () => {
    const current = spawn(process.execPath, [BUNDLE, 'serve', '--config', configFile], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = current;
    let err = '';
    current.stderr?.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-2000)));
    await new Promise<void>((resolve, reject) => {
      let out = '';
      current.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        if (/listening \d+/.test(out)) resolve();
      });
      current.once('exit', (code) => reject(new Error(`mssante-lps exited ${code}: ${err}`)));
    });
  };
  const stop = async () => {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill('SIGTERM');
    });
  };
  await start();
  return {
    url: config.publicUrl,
    port,
    configFile,
    logFile: path.join(dir, 'lps.log'),
    caFile,
    pid: () => child?.pid,
    restart: async () => {
      await stop();
      await start();
    },
    stop,
  };
}
