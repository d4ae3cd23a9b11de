import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { errorMessage } from '../../../shared/errors/codes';
import { MssanteError } from '../../../shared/errors/mssante-error';
import { type LiveCheck, result } from './types';

const ID = ['ECO.3.1.4'];

/** The Annuaire client (native-host/annuaire/ldap-client.ts), when this build has it. */
type LdapClientModule = Record<string, unknown>;

async function loadClient(): Promise<LdapClientModule | null> {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const file = path.join(here, '..', '..', 'annuaire', 'ldap-client.ts');
  if (!existsSync(file)) return null;
  return (await import(file)) as LdapClientModule;
}

/**
 * ECO.3.1.4: a search in the Annuaire's LDAP server for the configured name. The LDAP client is
 * being written alongside (issue 4); until this build has it, the check says so (not-run).
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
    const client = await loadClient().catch(() => null);
    const search = client?.searchAnnuaire;
    if (typeof search !== 'function')
      return [
        result('annuaire', ID, 'not-run', {
          fr: 'Non vérifiable : le client LDAP de l’Annuaire n’est pas encore dans cette version.',
          en: 'Could not be checked: the Annuaire LDAP client is not in this build yet.',
        }),
      ];
    try {
      const found = (await search(
        { url: ldap.url, base: ldap.base, lookup: context.lookup },
        { name: ldap.name ?? 'MARTIN' },
      )) as { entries: Array<{ mail?: string }>; truncated: boolean };
      const ok = found.entries.length > 0;
      return [
        result(
          'annuaire',
          ID,
          ok ? 'proved' : 'failing',
          ok
            ? {
                fr: 'Recherche dans l’Annuaire : des entrées trouvées.',
                en: 'Annuaire search: entries found.',
              }
            : {
                fr: 'Recherche dans l’Annuaire : aucune entrée.',
                en: 'Annuaire search: no entry.',
              },
          { entries: found.entries.length, truncated: String(found.truncated) },
        ),
      ];
    } catch (error) {
      const e = error instanceof MssanteError ? error : new MssanteError('E_INTERNAL');
      return [
        result(
          'annuaire',
          ID,
          'not-run',
          { fr: errorMessage(e.code, 'fr'), en: errorMessage(e.code, 'en') },
          {
            code: e.code,
            detail: e.detail,
          },
        ),
      ];
    }
  },
};
