/**
 * The sandbox's small `mssante` LDAP schema (slapd.conf format): what an Annuaire mailbox entry
 * carries that no standard attribute fits (docs/annuaire.md). OIDs under OpenLDAP's experimental
 * arc 1.3.6.1.4.1.4203.666 (reserved for experiments, never assigned): a test schema only.
 * Attribute names are those of native-host/annuaire/mapping.ts.
 */

const ARC = '1.3.6.1.4.1.4203.666.11.77';
const DIRECTORY_STRING = '1.3.6.1.4.1.1466.115.121.1.15';

const ATTRIBUTES: Array<[name: string, description: string]> = [
  ['mssanteTypeBAL', 'Mailbox type: PER, ORG or APP'],
  [
    'mssanteIdNat',
    'National id: RPPS-based (8...) for a person, FINESS-based (1...) for a structure',
  ],
  ['mssanteCivilite', "Civilité d'exercice (DR, PR, M, MME)"],
  ['mssanteCodeProfession', 'Profession code (TRE_G15)'],
  ['mssanteLibelleProfession', 'Profession label'],
  ['mssanteCodeSavoirFaire', 'Speciality (savoir-faire) code'],
  ['mssanteLibelleSavoirFaire', 'Speciality (savoir-faire) label'],
  ['mssanteDepartement', 'Department of the structure'],
];

export const SCHEMA_TEXT = [
  ...ATTRIBUTES.map(
    ([name, description], i) =>
      `attributetype ( ${ARC}.1.${i + 1} NAME '${name}'\n` +
      `  DESC '${description.replace(/'/g, '’')}'\n` +
      `  EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch\n` +
      `  SYNTAX ${DIRECTORY_STRING} SINGLE-VALUE )\n`,
  ),
  `objectclass ( ${ARC}.2.1 NAME 'mssanteBAL'\n` +
    `  DESC 'An MSSante mailbox as published in the Annuaire Sante'\n` +
    `  SUP top AUXILIARY\n` +
    `  MUST ( mail $ mssanteTypeBAL )\n` +
    `  MAY ( ${ATTRIBUTES.slice(1)
      .map(([name]) => name)
      .join(
        ' $ ',
      )} $ cn $ sn $ givenName $ o $ ou $ title $ street $ postalAddress $ postalCode $ l ) )\n`,
].join('\n');
