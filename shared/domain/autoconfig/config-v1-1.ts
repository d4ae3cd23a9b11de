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

/** Expands `%EMAILADDRESS%`, `%EMAILLOCALPART%` and `%EMAILDOMAIN%` in a username template. */
export function expandUsername(template: string, address: string): string {
  const at = address.lastIndexOf('@');
  return template
    .replaceAll('%EMAILADDRESS%', address)
    .replaceAll('%EMAILLOCALPART%', address.slice(0, at))
    .replaceAll('%EMAILDOMAIN%', address.slice(at + 1));
}
