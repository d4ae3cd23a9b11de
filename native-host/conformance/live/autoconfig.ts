import { errorMessage } from '../../../shared/errors/codes';
import { MssanteError } from '../../../shared/errors/mssante-error';
import { fetchAutoconfig } from '../../autoconfig/fetch';
import { RULE_OF_CODE } from './rules';
import { type LiveCheck, result } from './types';

const ID = ['ECO.1.1.9'];

/**
 * ECO.1.1.9: `https://autoconfig.<domain>/mail/config-v1.1.xml` downloaded under the bridge's
 * TLS rules and the autoconfig trust rules (IGC Santé or the web PKI, docs/trust.md), and
 * naming the IMAP and SMTP servers the other checks connect to (the "connection test" that
 * follows: the `tls` and `xoauth2` checks).
 */
export const autoconfigCheck: LiveCheck = {
  name: 'autoconfig',
  ids: ID,
  async run(context) {
    const { config } = context;
    try {
      const found = await fetchAutoconfig(config.mailbox.address, {
        trust: context.trust,
        ...(context.lookup ? { lookup: context.lookup } : {}),
        ...(config.autoconfig?.port ? { port: config.autoconfig.port } : {}),
      });
      const evidence = {
        url: found.url,
        imap: `${found.imap.host}:${found.imap.port} ${found.imap.socketType} ${found.imap.authentication.join(',')}`,
        smtp: `${found.smtp.host}:${found.smtp.port} ${found.smtp.socketType} ${found.smtp.authentication.join(',')}`,
        server: `${found.server.protocol} ${found.server.cipher}; ${found.server.pki}; ${found.server.certificate}`,
      };
      const same = (a: { host: string; port: number }, b: { host: string; port: number }) =>
        a.host.toLowerCase() === b.host.toLowerCase() && a.port === b.port;
      const matches = same(found.imap, config.imap) && same(found.smtp, config.smtp);
      return [
        result(
          'autoconfig',
          ID,
          matches ? 'proved' : 'failing',
          matches
            ? {
                fr: 'Autoconfiguration téléchargée sous les règles TLS et de confiance (IGC Santé ou IGC commerciale) ; elle désigne les serveurs IMAP et SMTP testés.',
                en: 'Autoconfiguration downloaded under the TLS and trust rules (IGC Santé or commercial PKI); it names the IMAP and SMTP servers tested.',
              }
            : {
                fr: 'L’autoconfiguration désigne d’autres serveurs IMAP/SMTP que ceux de la plateforme.',
                en: 'The autoconfiguration names other IMAP/SMTP servers than the platform’s.',
              },
          evidence,
        ),
      ];
    } catch (error) {
      const e = error instanceof MssanteError ? error : new MssanteError('E_UPSTREAM_PROTOCOL');
      // Unreachable: nothing was checked. Anything else is the autoconfiguration failing the rule.
      const status = e.code === 'E_UPSTREAM_UNREACHABLE' ? 'not-run' : 'failing';
      return [
        result(
          'autoconfig',
          ID,
          status,
          { fr: errorMessage(e.code, 'fr'), en: errorMessage(e.code, 'en') },
          { code: e.code, detail: e.detail, rule: RULE_OF_CODE[e.code] },
        ),
      ];
    }
  },
};
