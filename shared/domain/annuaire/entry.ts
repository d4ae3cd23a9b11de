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
 * The 31 columns of the public extraction file `Extraction_Correspondance_MSSante_<timestamp>.txt`,
 * in file order, named as the ANS file's header names them in 2026 (UTF-8, `|`-separated, one
 * header line; docs/annuaire.md, "The file as the ANS serves it"). The address columns carry the
 * La Poste line numbers (L2 to L6) of the mailbox's structure.
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
  'Libellé de catégorie profession',
  'Code Profession',
  'Libellé Profession',
  'Code savoir-faire',
  'Libellé savoir-faire',
  'Dématérialisation',
  'Raison Sociale structure BAL',
  'Enseigne commerciale structure BAL',
  'L2COMPLEMENTLOCALISATION',
  'L3COMPLEMENTDISTRIBUTION',
  'L4NUMEROVOIE',
  'L4COMPLEMENTNUMEROVOIE',
  'NL4TYPEVOIE',
  'L4LIBELLEVOIE',
  'L5LIEUDITMENTION',
  'L6LIGNEACHEMINEMENT',
  'Code postal',
  'Département',
  'Pays',
] as const;

export type ExtractionColumn = (typeof EXTRACTION_COLUMNS)[number];

/**
 * Other names the same columns carry in headers seen before 2026: the address columns suffixed
 * with ` structure BAL` (`L6LIGNEACHEMINEMENT structure BAL`, `Code postal structure BAL`…), as
 * read by public readers of the data.gouv.fr copy (docs/annuaire.md). Compared like column names
 * (case, accents, spacing ignored).
 */
export const EXTRACTION_COLUMN_ALIASES: Readonly<Record<string, ExtractionColumn>> = Object.freeze(
  Object.fromEntries(
    // The address columns: from L2COMPLEMENTLOCALISATION to the end of the header.
    EXTRACTION_COLUMNS.slice(EXTRACTION_COLUMNS.indexOf('L2COMPLEMENTLOCALISATION')).map((c) => [
      `${c} structure BAL`,
      c,
    ]),
  ),
);
