import path from 'node:path';
import { writeHostConfig } from '../../native-host/config/private-file';
import { type HostConfigFile, parseHostConfig } from '../../native-host/config/schema';
import { DOMAIN, type SandboxRuntime } from './contracts';
import type { TestOperator } from './operator';

/**
 * The host's config.json for a sandbox operator: the lab writes the same file an establishment
 * would, through the product's own schema and private-file writer, so the host never reads the
 * sandbox's runtime.json and holds no code of the lab. What it names:
 * - PSC: the intermediate LPS server when the sandbox runs one (the daemon does: the host then
 *   holds no PSC credential), else — embedded, the host as PSC's client — the stub as a `custom`
 *   issuer (discovery at PSC's own wallet path) and the host's client at the stub;
 * - trust: the sandbox's generated IGC Santé-shaped chain;
 * - hosts: the sandbox's names on loopback (they are not in DNS);
 * - autoconfig: the port of autoconfig.<sandbox domain> (not 443 on a workstation);
 * - annuaire: the sandbox's slapd, when it runs.
 */
interface SandboxParts {
  /** The intermediate LPS server: the host then names it and holds no PSC credential. */
  lps?: { url: string; caFile: string };
  issuer: string;
  client: { clientId: string; clientSecret: string };
  anchors: { rootCert: string; intermediateCert: string };
  hosts: Record<string, string>;
  autoconfigUrl?: string;
  ldap?: { url: string; base: string };
}

function hostConfig(parts: SandboxParts, extra: Record<string, unknown>): HostConfigFile {
  const { psc, ...rest } = extra as { psc?: Record<string, unknown> };
  const autoconfigPort = parts.autoconfigUrl ? new URL(parts.autoconfigUrl).port : '';
  return parseHostConfig({
    version: 1,
    ...(parts.lps
      ? { lps: { url: parts.lps.url, caFile: parts.lps.caFile } }
      : {
          psc: {
            preset: 'custom',
            issuer: parts.issuer,
            discovery: `${parts.issuer}/.well-known/wallet-openid-configuration`,
            clientId: parts.client.clientId,
            clientSecret: parts.client.clientSecret,
            ...psc,
          },
        }),
    trust: { set: 'sandbox', ...parts.anchors },
    hosts: parts.hosts,
    ...(autoconfigPort ? { autoconfig: { ports: { [DOMAIN]: Number(autoconfigPort) } } } : {}),
    ...(parts.ldap
      ? { annuaire: { source: 'ldap', url: parts.ldap.url, base: parts.ldap.base } }
      : {}),
    ...rest,
  });
}

/** The configuration of a running sandbox daemon (`mssante-lab sandbox up`). */
export function sandboxHostConfig(runtime: SandboxRuntime): HostConfigFile {
  return hostConfig(
    {
      ...(runtime.lps ? { lps: runtime.lps } : {}),
      issuer: runtime.psc.issuer,
      client: runtime.internal.pscHostClient,
      anchors: {
        rootCert: runtime.internal.pki.rootCert,
        intermediateCert: runtime.internal.pki.intermediateCert,
      },
      hosts: runtime.hosts,
      autoconfigUrl: runtime.autoconfig.url,
      ...(runtime.ldap ? { ldap: runtime.ldap } : {}),
    },
    {},
  );
}

/**
 * The configuration of an operator a test started; `extra` merges over it (`psc` field by field)
 * and the result is checked against the product's schema.
 */
export function operatorHostConfig(
  operator: TestOperator,
  extra: { psc?: Record<string, unknown>; [key: string]: unknown } = {},
): HostConfigFile {
  return hostConfig(
    {
      ...(operator.lps ? { lps: { url: operator.lps.url, caFile: operator.lps.caFile } } : {}),
      issuer: operator.stub.info.issuer,
      client: operator.stub.info.hostClient,
      anchors: operator.anchors,
      hosts: { [`*.${DOMAIN}`]: '127.0.0.1' },
      autoconfigUrl: operator.autoconfig.info.url,
      ...(operator.annuaire ? { ldap: operator.annuaire.info } : {}),
    },
    extra,
  );
}

/** Writes `config` as `<stateDir>/config.json` (0600, folder 0700) and returns the file. */
export function writeLabHostConfig(stateDir: string, config: HostConfigFile): string {
  writeHostConfig(stateDir, config);
  return path.join(stateDir, 'config.json');
}
