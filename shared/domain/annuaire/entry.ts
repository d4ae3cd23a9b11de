/**
 * One Annuaire Santé mailbox entry (ECO.3.1.4), as the add-on shows it and as both sources give
 * it: the LDAP directory (`ou=bal,o=mssante,c=fr`) and the public extraction file
 * `Extraction_Correspondance_MSSante*.txt`. Pure types and the extraction file's columns; the
 * LDAP attribute mapping lives with the host's Annuaire client and the sandbox's slapd.
 */
export type MailboxType = 'PER' | 'ORG' | 'APP';

export interface AnnuaireEntry {
  /** The MSSanté address (unique key of an entry). */
  mail: string;
  mailboxType: MailboxType;
  /** National id of the person (RPPS-based `8…`) or of the structure; '' when none. */
  nationalId: string;
  civility: string;
  lastName: string;
  firstName: string;
  profession: { code: string; label: string };
  speciality: { code: string; label: string };
  organisation: string;
  service: string;
  /** Address lines, postal code and city as published. */
  addressLines: string[];
  postalCode: string;
  city: string;
  department: string;
}

/**
 * The 31 columns of the public extraction file, in file order (UTF-8, `|`-separated, one header
 * line). Names as published in the file's header.
 */
export const EXTRACTION_COLUMNS = [
  'Type de BAL',
  'Adresse BAL',
  'Type Identifiant PP',
  'Identifiant PP',
  'Identification nationale PP',
  'Type identifiant structure',
  'Identification Structure',
  'Service de rattachement',
  "Civilité d'exercice",
  "Nom d'exercice",
  "Prénom d'exercice",
  'Catégorie profession',
  'Libellé catégorie profession',
  'Code Profession',
  'Libellé Profession',
  'Code savoir-faire',
  'Libellé savoir-faire',
  'Dématérialisation',
  'Raison Sociale structure BAL',
  'Enseigne commerciale structure BAL',
  'Complément localisation structure BAL',
  'Complément distribution structure BAL',
  'Numéro Voie structure BAL',
  'Type de voie structure BAL',
  'Libellé Voie structure BAL',
  'Lieu-dit structure BAL',
  'Ligne Acheminement structure BAL',
  'Code postal structure BAL',
  'Département structure BAL',
  'Pays structure BAL',
  'Commune structure BAL',
] as const;

export type ExtractionColumn = (typeof EXTRACTION_COLUMNS)[number];
