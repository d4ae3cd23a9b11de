import type { Endpoint } from '../contracts';

export interface MailConfig {
  domain: string;
  imap: Endpoint;
  smtp: Endpoint;
  displayName?: string;
}

const escape = (text: string) =>
  text.replace(
    /[<>&"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c as '<' | '>' | '&' | '"'],
  );

/**
 * Mozilla's ConfigFileFormat (config-v1.1.xml) for an MSSanté operator: IMAP and SMTP
 * submission, both STARTTLS (ECO.1.0.1, 1.0.2), the mailbox address as user name. PER/ORG
 * mailboxes authenticate with OAuth2 (XOAUTH2 with the PSC token, ECO.1.2.1), APP mailboxes with
 * their ORG AUTH_CLI certificate and PLAIN (ECO.1.3.1).
 */
export function configXml(config: MailConfig): string {
  const d = escape(config.domain);
  const server = (kind: 'incomingServer' | 'outgoingServer', type: string, at: Endpoint) =>
    `    <${kind} type="${type}">
      <hostname>${escape(at.host)}</hostname>
      <port>${at.port}</port>
      <socketType>STARTTLS</socketType>
      <authentication>OAuth2</authentication>
      <authentication>TLS-client-cert</authentication>
      <username>%EMAILADDRESS%</username>
    </${kind}>
`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="${d}">
    <domain>${d}</domain>
    <displayName>${escape(config.displayName ?? `MSSanté ${config.domain}`)}</displayName>
    <displayShortName>MSSanté</displayShortName>
${server('incomingServer', 'imap', config.imap)}${server('outgoingServer', 'smtp', config.smtp)}  </emailProvider>
</clientConfig>
`;
}
