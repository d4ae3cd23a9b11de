import type { LookupFunction } from 'node:net';
import type { SandboxRuntime } from '../../sandbox/contracts';
import { toMssanteError } from '../../shared/errors/mssante-error';
import type { AuditJournal } from '../audit/journal';
import type { TrustContext } from '../trust/verify';
import { type DiscoveredConfig, fetchAutoconfig, mailDomain } from './fetch';

export interface AutoconfigDeps {
  trust: TrustContext;
  lookup?: LookupFunction;
  /** The local sandbox, whose autoconfig server listens on a loopback port, not 443. */
  sandbox?: SandboxRuntime;
  audit?: AuditJournal;
}

/**
 * The port of autoconfig.<domain>: 443, except for the sandbox's own domain, whose server's URL
 * (SandboxRuntime.autoconfig.url) carries a loopback port.
 */
export function autoconfigPort(address: string, sandbox?: SandboxRuntime): number | undefined {
  const url = sandbox?.autoconfig?.url;
  if (!url) return undefined;
  const parsed = new URL(url);
  if (parsed.hostname.toLowerCase() !== `autoconfig.${mailDomain(address)}`) return undefined;
  return parsed.port ? Number(parsed.port) : 443;
}

/** The host's `autoconfig.lookup`: the download under the trust rules, journaled either way. */
export async function lookupAutoconfig(
  address: string,
  deps: AutoconfigDeps,
): Promise<DiscoveredConfig> {
  const port = autoconfigPort(address, deps.sandbox);
  const record = (outcome: 'ok' | 'failed', code?: string) =>
    deps.audit?.record({
      author: 'system',
      mailbox: address,
      action: 'autoconfig',
      request: 'GET /mail/config-v1.1.xml',
      outcome,
      ...(code ? { code } : {}),
    });
  try {
    const found = await fetchAutoconfig(address, {
      trust: deps.trust,
      ...(deps.lookup ? { lookup: deps.lookup } : {}),
      ...(port ? { port } : {}),
    });
    record('ok');
    return found;
  } catch (error) {
    const failure = toMssanteError(error);
    record('failed', failure.code);
    throw failure;
  }
}
