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

/** `12 rue de la Paix` → number, type, label; anything else is a label alone. */
const STREET = /^(\d+[A-Za-z]?(?:\s(?:bis|ter))?)\s+(\S+)\s+(.+)$/;

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
    'Libellé catégorie profession': entry.profession.code ? 'Civil' : '',
    'Code Profession': entry.profession.code,
    'Libellé Profession': entry.profession.label,
    'Code savoir-faire': entry.speciality.code,
    'Libellé savoir-faire': entry.speciality.label,
    Dématérialisation: 'O',
    'Raison Sociale structure BAL': entry.organisation,
    'Enseigne commerciale structure BAL': '',
    'Complément localisation structure BAL': lines.slice(0, -1).join(' '),
    'Complément distribution structure BAL': '',
    'Numéro Voie structure BAL': street ? street[1]! : '',
    'Type de voie structure BAL': street ? street[2]! : '',
    'Libellé Voie structure BAL': street ? street[3]! : streetLine,
    'Lieu-dit structure BAL': '',
    'Ligne Acheminement structure BAL': entry.postalCode
      ? `${entry.postalCode} ${entry.city.toUpperCase()}`
      : '',
    'Code postal structure BAL': entry.postalCode,
    'Département structure BAL': entry.department,
    'Pays structure BAL': entry.postalCode ? 'France' : '',
    'Commune structure BAL': entry.city,
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
