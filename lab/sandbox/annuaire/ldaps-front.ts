import net, { type AddressInfo } from 'node:net';
import tls from 'node:tls';
import { ECDH_CURVES, TLS12_SUITES } from '../../../native-host/trust/tls-policy';

export interface LdapsFrontOptions {
  /** Where slapd listens in plain LDAP (startSlapd's port on 127.0.0.1). */
  upstreamPort: number;
  /** The server certificate (leaf then chain) and its key, PEM. */
  cert: string;
  key: string;
  /** Replaces or narrows the TLS settings (the negative cases: TLS 1.1 only, a banned suite). */
  tls?: tls.TlsOptions;
  port?: number;
}

export interface LdapsFront {
  port: number;
  /** TCP connections accepted (every pre-flight opens one), whatever became of their TLS. */
  connections(): number;
  /** Connections opened to slapd: one per TLS connection on which LDAP bytes arrived. */
  upstreamConnections(): number;
  /** Decrypted LDAP bytes forwarded from clients to slapd, ever. */
  forwardedBytes(): number;
  /** Serves another certificate (and settings) from the next connection on. */
  replace(options: { cert: string; key: string; tls?: tls.TlsOptions }): void;
  /** Closes every open connection (a server-side drop), the listener stays. */
  dropConnections(): void;
  stop(): Promise<void>;
}

function serverOptions(options: { cert: string; key: string; tls?: tls.TlsOptions }) {
  return {
    cert: options.cert,
    key: options.key,
    minVersion: 'TLSv1.2',
    ciphers: TLS12_SUITES.join(':'),
    ecdhCurve: ECDH_CURVES,
    dhparam: 'auto',
    honorCipherOrder: true,
    ...options.tls,
  } as tls.TlsOptions;
}

/**
 * The sandbox Annuaire over TLS (`ldaps://`): a TLS endpoint with a test IGC Santé certificate
 * in front of slapd's plain port. slapd is reached only when LDAP bytes arrive on a TLS
 * connection, and those bytes are counted: a client that refuses the server after the handshake
 * leaves both counts at zero (test/integration/annuaire-ldaps.test.ts).
 */
export async function startLdapsFront(options: LdapsFrontOptions): Promise<LdapsFront> {
  let accepted = 0;
  let upstreams = 0;
  let bytes = 0;
  const open = new Set<net.Socket>();
  const track = (socket: net.Socket) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
  };
  const server = tls.createServer(serverOptions(options), (secure) => {
    track(secure);
    let upstream: net.Socket | null = null;
    secure.on('error', () => secure.destroy());
    secure.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (!upstream) {
        upstreams += 1;
        upstream = net.connect(options.upstreamPort, '127.0.0.1');
        track(upstream);
        upstream.on('error', () => secure.destroy());
        upstream.on('close', () => secure.destroy());
        upstream.pipe(secure);
        secure.on('close', () => upstream?.destroy());
      }
      upstream.write(chunk);
    });
  });
  server.on('connection', () => (accepted += 1));
  server.on('tlsClientError', () => {}); // refused clients and bad-suite probes are expected
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => accepted,
    upstreamConnections: () => upstreams,
    forwardedBytes: () => bytes,
    replace(next) {
      server.setSecureContext(serverOptions(next) as tls.SecureContextOptions);
    },
    dropConnections() {
      for (const socket of open) socket.destroy();
    },
    stop() {
      for (const socket of open) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
