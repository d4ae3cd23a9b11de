/** The public Annuaire Santé's MSSanté mailbox directory. */
export const ANNUAIRE_PRESET = {
  url: 'ldap://ldap.annuaire.mssante.fr:389',
  base: 'ou=bal,o=mssante,c=fr',
} as const;
