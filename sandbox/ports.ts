import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { PORTS_FILE } from './paths';

export const SERVICES = ['psc', 'pki', 'imap', 'smtp', 'autoconfig', 'ldap'] as const;
export type Service = (typeof SERVICES)[number];
export type Ports = Record<Service, number>;

function listenable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Free loopback ports, chosen at the first `up` and kept in ports.json so that URLs baked into
 * the generated certificates (CRL distribution point, OCSP) stay valid; a saved port that is
 * busy now is replaced (and the PKI is then re-issued for the new URL).
 */
export async function allocatePorts(dir: string): Promise<Ports> {
  const file = path.join(dir, PORTS_FILE);
  const saved: Partial<Ports> = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const ports = {} as Ports;
  const taken = new Set<number>();
  for (const service of SERVICES) {
    const keep = saved[service];
    let port = keep && !taken.has(keep) && (await listenable(keep)) ? keep : await freePort();
    while (taken.has(port)) port = await freePort();
    taken.add(port);
    ports[service] = port;
  }
  writeFileSync(file, JSON.stringify(ports, null, 2) + '\n');
  return ports;
}
