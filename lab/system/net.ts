import { readFileSync } from 'node:fs';
import net from 'node:net';

/** Whether 127.0.0.1:`port` can be listened on right now. */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** The kernel's ephemeral range (source ports of outgoing connections, and of `listen(0)`). */
function ephemeralLow(): number {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/);
    const n = Number(low);
    return Number.isInteger(n) && n > 2048 ? n : 32768;
  } catch {
    return 32768;
  }
}

/**
 * A loopback port free right now, for a server started a moment later. Taken at random *below*
 * the ephemeral range: a port the OS hands out for `listen(0)` is an ephemeral one, which any
 * outgoing connection made meanwhile (a test's client, Thunderbird) may take as its source port
 * before our server binds it; ports below the range are never used that way.
 */
export async function freePort(): Promise<number> {
  const top = ephemeralLow() - 1;
  const bottom = Math.max(1025, top - 12_000);
  for (let i = 0; i < 100; i++) {
    const port = bottom + Math.floor(Math.random() * (top - bottom + 1));
    if (await portIsFree(port)) return port;
  }
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once something listens on 127.0.0.1:`port` (a server we just spawned), or rejects. */
export function waitForPort(port: number, timeoutMs: number, what = 'the server'): Promise<void> {
  const until = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > until) reject(new Error(`${what} did not listen on ${port}`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}
