import { errorMessage } from '../../../shared/errors/codes';
import { toMssanteError } from '../../../shared/errors/mssante-error';
import { AnnuaireLdapClient } from '../../annuaire/ldap-client';
import { type LiveCheck, result } from './types';

const ID = ['ECO.3.1.4'];

/**
 * ECO.3.1.4: a search of the Annuaire's LDAP server for the configured name (last name prefix),
 * with the host's own client (native-host/annuaire/ldap-client.ts: escaped filters, 100-entry
 * cap, 60 s limits). Proved when entries come back, each with an MSSanté address; failing when
 * the server answers with none; not run, with the coded reason, when no `ldap` is configured or
 * the server cannot be reached.
 */
export const annuaireCheck: LiveCheck = {
  name: 'annuaire',
  ids: ID,
  async run(context) {
    const ldap = context.config.ldap;
    if (!ldap)
      return [
        result('annuaire', ID, 'not-run', {
          fr: 'Non vérifiable : aucun annuaire LDAP n’est configuré (champ « ldap »).',
          en: 'Could not be checked: no LDAP directory is configured (field "ldap").',
        }),
      ];
    const name = ldap.name ?? 'MARTIN';
    let client: AnnuaireLdapClient | undefined;
    try {
      client = new AnnuaireLdapClient({
        url: ldap.url,
        base: ldap.base,
        trust: context.trust,
        ...(context.lookup ? { lookup: context.lookup } : {}),
      });
      const found = await client.search({ name });
      const withMail = found.entries.filter((e) => e.mail.includes('@'));
      const ok = withMail.length > 0;
      return [
        result(
          'annuaire',
          ID,
          ok ? 'proved' : 'failing',
          ok
            ? {
                fr: `Recherche « ${name} » dans l’Annuaire : ${withMail.length} entrée(s) avec une adresse MSSanté.`,
                en: `Annuaire search "${name}": ${withMail.length} entr${withMail.length > 1 ? 'ies' : 'y'} with an MSSanté address.`,
              }
            : {
                fr: `Recherche « ${name} » dans l’Annuaire : aucune entrée avec une adresse MSSanté.`,
                en: `Annuaire search "${name}": no entry with an MSSanté address.`,
              },
          {
            server: `${client.url} ${client.base}`,
            entries: found.entries.length,
            truncated: String(found.truncated),
            first: withMail[0] ? `${withMail[0].lastName} ${withMail[0].mail}` : undefined,
          },
        ),
      ];
    } catch (error) {
      const e = toMssanteError(error);
      return [
        result(
          'annuaire',
          ID,
          'not-run',
          {
            fr: `Non vérifiable : ${errorMessage(e.code, 'fr')}`,
            en: `Could not be checked: ${errorMessage(e.code, 'en')}`,
          },
          { server: `${ldap.url} ${ldap.base}`, code: e.code, detail: e.detail },
        ),
      ];
    } finally {
      await client?.close();
    }
  },
};
