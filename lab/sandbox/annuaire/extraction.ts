import { writeFileSync } from 'node:fs';
import {
  type AnnuaireEntry,
  EXTRACTION_COLUMNS,
  type ExtractionColumn,
} from '../../../shared/domain/annuaire/entry';

/**
 * Line ending of the generated extraction file. We write CRLF, like the Windows-made text
 * extractions published by the ANS; readers must accept LF too (docs/annuaire.md).
 */
export const EXTRACTION_EOL = '\r\n';

/** `12 bis rue de la Paix` → number, complement, type, label; anything else is a label alone. */
const STREET = /^(\d+)([A-Z]|\s(?:bis|ter|quater))?\s+(\S+)\s+(.+)$/;

/** A value as a field: no separator and no line break inside (the format has no quoting). */
function field(value: string): string {
  return value.replace(/[|\r\n]+/g, ' ');
}

function row(entry: AnnuaireEntry): Record<ExtractionColumn, string> {
  const per = entry.mailboxType === 'PER';
  const lines = entry.addressLines;
  const streetLine = lines.length > 0 ? lines[lines.length - 1]! : '';
  const street = STREET.exec(streetLine);
  return {
    'Type de BAL': entry.mailboxType,
    'Adresse BAL': entry.mail,
    // Type 8 = RPPS; the national id is `8` + the 11-digit RPPS number.
    'Type Identifiant PP': per && entry.nationalId ? '8' : '',
    'Identifiant PP': per ? entry.nationalId.replace(/^8/, '') : '',
    'Identification nationale PP': per ? entry.nationalId : '',
    // Type 1 = FINESS; the structure IdNat is `1` + FINESS.
    'Type identifiant structure': !per && entry.nationalId ? '1' : '',
    'Identification Structure': per ? '' : entry.nationalId,
    'Service de rattachement': entry.service,
    "Civilité d'exercice": entry.civility,
    "Nom d'exercice": entry.lastName,
    "Prénom d'exercice": entry.firstName,
    'Catégorie profession': entry.profession.code ? 'C' : '',
    'Libellé de catégorie profession': entry.profession.code ? 'Civil' : '',
    'Code Profession': entry.profession.code,
    'Libellé Profession': entry.profession.label,
    'Code savoir-faire': entry.speciality.code,
    'Libellé savoir-faire': entry.speciality.label,
    Dématérialisation: 'O',
    'Raison Sociale structure BAL': entry.organisation,
    'Enseigne commerciale structure BAL': '',
    L2COMPLEMENTLOCALISATION: lines.slice(0, -1).join(' '),
    L3COMPLEMENTDISTRIBUTION: '',
    L4NUMEROVOIE: street ? street[1]! : '',
    L4COMPLEMENTNUMEROVOIE: street ? (street[2] ?? '').trim() : '',
    NL4TYPEVOIE: street ? street[3]! : '',
    L4LIBELLEVOIE: street ? street[4]! : streetLine,
    L5LIEUDITMENTION: '',
    // The routing line is the only place the file names the city: "CODE CITY", upper case.
    L6LIGNEACHEMINEMENT: entry.postalCode ? `${entry.postalCode} ${entry.city.toUpperCase()}` : '',
    'Code postal': entry.postalCode,
    Département: entry.department,
    Pays: entry.postalCode ? 'FRANCE' : '',
  };
}

/**
 * The public extraction file's lines (`Extraction_Correspondance_MSSante*.txt`): the header
 * (EXTRACTION_COLUMNS) then one line per entry, 31 `|`-separated fields, no trailing separator,
 * no quoting. Lines carry no line ending (see EXTRACTION_EOL).
 */
export function extractionLines(entries: readonly AnnuaireEntry[]): string[] {
  const lines = [EXTRACTION_COLUMNS.join('|')];
  for (const entry of entries) {
    const values = row(entry);
    lines.push(EXTRACTION_COLUMNS.map((column) => field(values[column])).join('|'));
  }
  return lines;
}

/** Writes the extraction file: UTF-8 without BOM, CRLF line endings, a final line ending. */
export function writeExtraction(entries: readonly AnnuaireEntry[], file: string): void {
  writeFileSync(file, extractionLines(entries).join(EXTRACTION_EOL) + EXTRACTION_EOL, 'utf8');
}

/**
 * What importing the generated line of `entry` gives back: the file names the city only in its
 * routing line, in upper case (`75012 PARIS`), so that is the city an import reads.
 */
export function asExtracted(entry: AnnuaireEntry): AnnuaireEntry {
  return { ...entry, city: entry.postalCode ? entry.city.toUpperCase() : '' };
}
