import type { Endpoint } from '../contracts';

export interface MailConfig {
  domain: string;
  /** The PSC front (PER/ORG); without `app`, the one front of every type. */
  imap: Endpoint;
  smtp: Endpoint;
  /**
   * The AUTH_CLI front (APP): with it, the file has the layout of seed 001's sample, two fronts
   * per protocol told apart by `<authentication>` (`OAuth2`, `TLS-client-cert`), the user name
   * `%EMAILLOCALPART%` as there.
   */
  app?: { imap: Endpoint; smtp: Endpoint };
  displayName?: string;
}

const escape = (text: string) =>
  text.replace(
    /[<>&"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c as '<' | '>' | '&' | '"'],
  );

/**
 * Mozilla's ConfigFileFormat (config-v1.1.xml) for an MSSanté operator: IMAP and SMTP
 * submission, both STARTTLS (ECO.1.0.1, 1.0.2). PER/ORG mailboxes authenticate with OAuth2
 * (XOAUTH2 with the PSC token, ECO.1.2.1), APP mailboxes with their ORG AUTH_CLI certificate and
 * PLAIN (ECO.1.3.1): on two fronts as in seed 001's sample when `app` is given, else on one
 * front listing both authentications (the mailbox address as user name).
 */
export function configXml(config: MailConfig): string {
  const d = escape(config.domain);
  const server = (
    kind: 'incomingServer' | 'outgoingServer',
    type: string,
    at: Endpoint,
    auths: string[],
    username: string,
  ) =>
    `    <${kind} type="${type}">
      <hostname>${escape(at.host)}</hostname>
      <port>${at.port}</port>
      <socketType>STARTTLS</socketType>
      <username>${username}</username>
${auths.map((a) => `      <authentication>${a}</authentication>\n`).join('')}    </${kind}>
`;
  const app = config.app;
  const fronts = app
    ? [
        server('incomingServer', 'imap', config.imap, ['OAuth2'], '%EMAILLOCALPART%'),
        server('outgoingServer', 'smtp', config.smtp, ['OAuth2'], '%EMAILLOCALPART%'),
        server('incomingServer', 'imap', app.imap, ['TLS-client-cert'], '%EMAILLOCALPART%'),
        server('outgoingServer', 'smtp', app.smtp, ['TLS-client-cert'], '%EMAILLOCALPART%'),
      ]
    : [
        server(
          'incomingServer',
          'imap',
          config.imap,
          ['OAuth2', 'TLS-client-cert'],
          '%EMAILADDRESS%',
        ),
        server(
          'outgoingServer',
          'smtp',
          config.smtp,
          ['OAuth2', 'TLS-client-cert'],
          '%EMAILADDRESS%',
        ),
      ];
  return `<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="${d}">
    <domain>${d}</domain>
    <displayName>${escape(config.displayName ?? `MSSanté ${config.domain}`)}</displayName>
    <displayShortName>MSSanté</displayShortName>
${fronts.join('\n')}  </emailProvider>
</clientConfig>
`;
}
