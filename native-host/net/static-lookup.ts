import dns from 'node:dns';
import type { LookupFunction } from 'node:net';

/**
 * Name resolution for the sandbox's host names without touching /etc/hosts: a `lookup` for
 * net/tls connections that answers the names of `hosts` (SandboxRuntime.hosts; `*.domain` keys
 * match any name under the domain) and hands every
 * other name to the system resolver. TLS still uses the name as SNI and checks it against the
 * certificate, so a connection to `imap.sandbox.mssante.test` behaves as with real DNS.
 */
export function staticLookup(hosts: Record<string, string>): LookupFunction {
  const wildcards = Object.entries(hosts).filter(([name]) => name.startsWith('*.'));
  const find = (name: string): string | undefined =>
    hosts[name] ?? wildcards.find(([pattern]) => name.endsWith(pattern.slice(1)))?.[1];
  return (hostname, options, callback) => {
    const address = find(hostname.toLowerCase());
    if (!address) {
      dns.lookup(hostname, options, callback as never);
      return;
    }
    const family = address.includes(':') ? 6 : 4;
    if (options.all)
      (callback as (e: null, a: dns.LookupAddress[]) => void)(null, [{ address, family }]);
    else callback(null, address, family);
  };
}
