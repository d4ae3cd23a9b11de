import { MssanteError } from '../../errors/mssante-error';
import { encodeUtf8 } from '../bytes/utf8';
import { type XmlTag, parseXml } from '../xml/safe-xml';

/** One server of a Mozilla ConfigFileFormat file (ECO.1.1.9). */
export interface AutoconfigServer {
  readonly type: 'imap' | 'smtp' | 'pop3';
  readonly hostname: string;
  readonly port: number;
  /** `plain`, `STARTTLS` or `SSL`, as written. */
  readonly socketType: string;
  /** Every `authentication` element, in order (`OAuth2`, `password-cleartext`, `TLS-client-cert`…). */
  readonly authentication: readonly string[];
  readonly username?: string;
}

export interface Autoconfig {
  readonly providerId?: string;
  readonly domains: readonly string[];
  readonly incoming: readonly AutoconfigServer[];
  readonly outgoing: readonly AutoconfigServer[];
}

/**
 * Parses `https://autoconfig.<domain>/mail/config-v1.1.xml` (no DOCTYPE, no entities). At least
 * one IMAP incoming and one SMTP outgoing server are required.
 */
export function parseAutoconfig(xml: string | Uint8Array): Autoconfig {
  const bytes = typeof xml === 'string' ? encodeUtf8(xml) : xml;
  const stack: string[] = [];
  const domains: string[] = [];
  const incoming: AutoconfigServer[] = [];
  const outgoing: AutoconfigServer[] = [];
  let providerId: string | undefined;
  let server:
    | {
        type: string;
        fields: Record<string, string>;
        authentication: string[];
        direction: 'in' | 'out';
      }
    | undefined;
  let text = '';
  try {
    parseXml(bytes, {
      opentag(tag: XmlTag) {
        if (stack.length === 0 && tag.local !== 'clientConfig')
          throw new MssanteError('E_AUTOCONFIG_INVALID', { detail: 'root' });
        stack.push(tag.local);
        text = '';
        if (stack.length === 2 && tag.local === 'emailProvider')
          providerId = tag.attributes['id']?.value;
        if (
          stack.length === 3 &&
          (tag.local === 'incomingServer' || tag.local === 'outgoingServer')
        ) {
          server = {
            type: tag.attributes['type']?.value ?? '',
            fields: {},
            authentication: [],
            direction: tag.local === 'incomingServer' ? 'in' : 'out',
          };
        }
      },
      text(t: string) {
        text += t;
      },
      closetag(tag: XmlTag) {
        const value = text.trim();
        if (stack.length === 3 && tag.local === 'domain') domains.push(value);
        if (stack.length === 4 && server) {
          if (tag.local === 'authentication') server.authentication.push(value);
          else server.fields[tag.local] = value;
        }
        if (
          stack.length === 3 &&
          server &&
          (tag.local === 'incomingServer' || tag.local === 'outgoingServer')
        ) {
          const s = toServer(server.type, server.fields, server.authentication);
          if (s) (server.direction === 'in' ? incoming : outgoing).push(s);
          server = undefined;
        }
        stack.pop();
        text = '';
      },
    });
  } catch (error) {
    if (error instanceof MssanteError && error.code === 'E_AUTOCONFIG_INVALID') throw error;
    throw new MssanteError('E_AUTOCONFIG_INVALID', {
      cause: error,
      detail: error instanceof MssanteError ? error.code : 'XML',
    });
  }
  if (!incoming.some((s) => s.type === 'imap') || !outgoing.some((s) => s.type === 'smtp')) {
    throw new MssanteError('E_AUTOCONFIG_INVALID', { detail: 'no IMAP or SMTP server' });
  }
  return { ...(providerId ? { providerId } : {}), domains, incoming, outgoing };
}

function toServer(
  type: string,
  fields: Record<string, string>,
  authentication: string[],
): AutoconfigServer | undefined {
  if (type !== 'imap' && type !== 'smtp' && type !== 'pop3') return undefined;
  const port = Number(fields['port']);
  if (!fields['hostname'] || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new MssanteError('E_AUTOCONFIG_INVALID', {
      detail: `${type} server without hostname or port`,
    });
  }
  return {
    type,
    hostname: fields['hostname'],
    port,
    socketType: fields['socketType'] ?? 'plain',
    authentication,
    ...(fields['username'] ? { username: fields['username'] } : {}),
  };
}

/** The mailbox types of the API LPS (PER personal, ORG organisational, APP application). */
export type MailboxType = 'PER' | 'ORG' | 'APP';

/**
 * The `<authentication>` value of the API LPS front each mailbox type uses (seed 001's sample
 * file, ECO.1.1.9): PER and ORG sign in through Pro Santé Connect (`OAuth2`, XOAUTH2, ECO.1.2.1),
 * APP with its ORG AUTH_CLI certificate (`TLS-client-cert`, ECO.1.3.1).
 */
export const TYPE_AUTHENTICATION: Readonly<Record<MailboxType, string>> = {
  PER: 'OAuth2',
  ORG: 'OAuth2',
  APP: 'TLS-client-cert',
};

/** Why no server of a file fits a mailbox type (the detail of a refusal). */
export type ServerChoice =
  | { ok: true; server: AutoconfigServer }
  | {
      ok: false;
      code: 'E_AUTOCONFIG_NOT_MSSANTE' | 'E_AUTOCONFIG_NO_SERVER_FOR_TYPE';
      detail: string;
    };

/**
 * The server of one protocol for one mailbox type (docs/setup.md "Which front"): among the
 * servers of that protocol with STARTTLS (none: E_AUTOCONFIG_NOT_MSSANTE), the first, in the
 * file's order (ConfigFileFormat: the preferred one first), whose `<authentication>` elements
 * include the type's (TYPE_AUTHENTICATION, compared without case). A server may list several
 * authentications (one front for every type); authentications this client does not know are
 * ignored; a server with none fits no type. None that fits: E_AUTOCONFIG_NO_SERVER_FOR_TYPE,
 * naming what the file offers.
 */
export function chooseServer(
  servers: readonly AutoconfigServer[],
  protocol: 'imap' | 'smtp',
  type: MailboxType,
): ServerChoice {
  const starttls = servers.filter(
    (s) => s.type === protocol && s.socketType.toUpperCase() === 'STARTTLS',
  );
  if (starttls.length === 0)
    return {
      ok: false,
      code: 'E_AUTOCONFIG_NOT_MSSANTE',
      detail: `no ${protocol.toUpperCase()} server with STARTTLS`,
    };
  const wanted = TYPE_AUTHENTICATION[type].toLowerCase();
  const server = starttls.find((s) => s.authentication.some((a) => a.toLowerCase() === wanted));
  if (server) return { ok: true, server };
  const offered = starttls
    .map(
      (s) => `${s.hostname.slice(0, 100)} (${s.authentication.join(', ').slice(0, 100) || 'none'})`,
    )
    .join('; ');
  return {
    ok: false,
    code: 'E_AUTOCONFIG_NO_SERVER_FOR_TYPE',
    detail: `${type}: no ${protocol.toUpperCase()} server with ${TYPE_AUTHENTICATION[type]}; offered: ${offered}`,
  };
}

/** Expands `%EMAILADDRESS%`, `%EMAILLOCALPART%` and `%EMAILDOMAIN%` in a username template. */
export function expandUsername(template: string, address: string): string {
  const at = address.lastIndexOf('@');
  return template
    .replaceAll('%EMAILADDRESS%', address)
    .replaceAll('%EMAILLOCALPART%', address.slice(0, at))
    .replaceAll('%EMAILDOMAIN%', address.slice(at + 1));
}
