import type { LookupFunction } from 'node:net';
import { toMssanteError } from '../../shared/errors/mssante-error';
import type { AuditJournal } from '../audit/journal';
import type { MailboxType } from '../../shared/domain/autoconfig/config-v1-1';
import type { TrustContext } from '../trust/verify';
import { type DiscoveredConfig, fetchAutoconfig, mailDomain } from './fetch';

export interface AutoconfigDeps {
  trust: TrustContext;
  lookup?: LookupFunction;
  /** The port of autoconfig.<domain> per mail domain (config.json `autoconfig.ports`). */
  ports?: Record<string, number>;
  audit?: AuditJournal;
  /** The mailbox type the servers are chosen for (fetchAutoconfig's `type`). */
  type?: MailboxType;
  /** The web PKI's anchors (fetchAutoconfig's `webPki`; tests). */
  webPki?: readonly string[];
}

/**
 * The port of autoconfig.<domain>: the one config.json names for the address's mail domain (a
 * lab's server on another port), else undefined (fetchAutoconfig's 443).
 */
export function autoconfigPort(
  address: string,
  ports: Record<string, number> = {},
): number | undefined {
  return ports[mailDomain(address).toLowerCase()];
}

/** The host's `autoconfig.lookup`: the download under the trust rules, journaled either way. */
export async function lookupAutoconfig(
  address: string,
  deps: AutoconfigDeps,
): Promise<DiscoveredConfig> {
  const port = autoconfigPort(address, deps.ports);
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
      ...(deps.type ? { type: deps.type } : {}),
      ...(deps.webPki ? { webPki: deps.webPki } : {}),
    });
    record('ok');
    return found;
  } catch (error) {
    const failure = toMssanteError(error);
    record('failed', failure.code);
    throw failure;
  }
}
