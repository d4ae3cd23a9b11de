import type { AnnuaireEntry } from '../../shared/domain/annuaire/entry';

/**
 * The offline index's SQLite layout (docs/annuaire.md, "Offline index"). `entries` holds one row
 * per address, its ids in alphabetical order (last name or organisation, then first name), so a
 * search that walks ids in order meets results already sorted and stops at the limit. `search` is
 * an FTS5 table over the same ids: unicode61 with diacritics removed (case and accents ignored),
 * prefix indexes of 1–3 characters so one typed letter is answered from one posting list.
 * Contentless (`content=''`): the text lives once, in `entries`.
 */
export const SCHEMA_VERSION = '1';

export const CREATE_INDEX_SCHEMA = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE entries (
  id INTEGER PRIMARY KEY,
  mail TEXT NOT NULL,
  mail_key TEXT NOT NULL,
  name_key TEXT NOT NULL,
  mailbox_type TEXT NOT NULL,
  national_id TEXT NOT NULL,
  civility TEXT NOT NULL,
  last_name TEXT NOT NULL,
  first_name TEXT NOT NULL,
  profession_code TEXT NOT NULL,
  profession_label TEXT NOT NULL,
  speciality_code TEXT NOT NULL,
  speciality_label TEXT NOT NULL,
  organisation TEXT NOT NULL,
  service TEXT NOT NULL,
  address_lines TEXT NOT NULL,
  postal_code TEXT NOT NULL,
  city TEXT NOT NULL,
  department TEXT NOT NULL
);
CREATE VIRTUAL TABLE search USING fts5(
  last_name, first_name, mail, organisation, city, profession, speciality,
  content = '', columnsize = 0,
  tokenize = 'unicode61 remove_diacritics 2',
  prefix = '1 2 3'
);
`;

/** Created after the rows are in: one sort of the finished table instead of 400 000 updates. */
export const CREATE_SECONDARY_INDEXES = `
CREATE UNIQUE INDEX entries_mail ON entries (mail_key);
CREATE INDEX entries_name ON entries (name_key);
CREATE INDEX entries_type ON entries (mailbox_type);
CREATE INDEX entries_national_id ON entries (national_id);
CREATE INDEX entries_postal_code ON entries (postal_code);
CREATE INDEX entries_profession ON entries (profession_code);
CREATE INDEX entries_speciality ON entries (speciality_code);
`;

/**
 * The staging table of an import, in its own temporary database file: lines are appended as they
 * come (no index to maintain), duplicates are resolved once, when copying. Rule for duplicates:
 * the row with the most non-empty fields wins, a tie keeps the earlier row (docs/annuaire.md).
 */
export const CREATE_STAGING = `
CREATE TABLE stage.rows (
  seq INTEGER PRIMARY KEY,
  mail_key TEXT NOT NULL, sort_key TEXT NOT NULL, name_key TEXT NOT NULL, filled INTEGER NOT NULL,
  mail TEXT NOT NULL, mailbox_type TEXT NOT NULL, national_id TEXT NOT NULL,
  civility TEXT NOT NULL, last_name TEXT NOT NULL, first_name TEXT NOT NULL,
  profession_code TEXT NOT NULL, profession_label TEXT NOT NULL,
  speciality_code TEXT NOT NULL, speciality_label TEXT NOT NULL,
  organisation TEXT NOT NULL, service TEXT NOT NULL, address_lines TEXT NOT NULL,
  postal_code TEXT NOT NULL, city TEXT NOT NULL, department TEXT NOT NULL
);
`;

const DATA_COLUMNS = `mail, mailbox_type, national_id, civility, last_name, first_name,
  profession_code, profession_label, speciality_code, speciality_label, organisation, service,
  address_lines, postal_code, city, department`;

export const INSERT_STAGING = `
INSERT INTO stage.rows (mail_key, sort_key, name_key, filled, ${DATA_COLUMNS})
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
`;

/** Copies staged rows in alphabetical order; ids follow that order. */
export const COPY_SORTED = `
INSERT INTO entries (mail_key, name_key, ${DATA_COLUMNS})
SELECT mail_key, name_key, ${DATA_COLUMNS} FROM (
  SELECT *, row_number() OVER (PARTITION BY mail_key ORDER BY filled DESC, seq) AS rank
  FROM stage.rows
) WHERE rank = 1 ORDER BY sort_key
`;

export const FILL_SEARCH = `
INSERT INTO search (rowid, last_name, first_name, mail, organisation, city, profession, speciality)
SELECT id, last_name, first_name, substr(mail, 1, instr(mail, '@') - 1), organisation, city,
  profession_label, speciality_label
FROM entries WHERE id > ? AND id <= ?
`;

/** Lower case, accents removed: the order a French reader expects, and the dedup key's basis. */
export function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

export function mailKey(mail: string): string {
  return mail.toLowerCase();
}

/**
 * The key of the "name starts with" search: folded last name (or organisation when there is none),
 * a space, folded first name, spaces collapsed. Indexed, so `martin ma` is a range scan.
 */
export function nameKey(name: string, firstName = ''): string {
  return fold(`${name} ${firstName}`).replace(/\s+/g, ' ').trim();
}

/** Parameters of INSERT_STAGING for one entry. */
export function stagingRow(entry: AnnuaireEntry): (string | number)[] {
  const key = mailKey(entry.mail);
  const name = entry.lastName || entry.organisation;
  const values = [
    entry.mail,
    entry.mailboxType,
    entry.nationalId,
    entry.civility,
    entry.lastName,
    entry.firstName,
    entry.profession.code,
    entry.profession.label,
    entry.speciality.code,
    entry.speciality.label,
    entry.organisation,
    entry.service,
    entry.addressLines.join('\n'),
    entry.postalCode,
    entry.city,
    entry.department,
  ];
  const filled = values.reduce((n, v) => (v === '' ? n : n + 1), 0);
  return [
    key,
    `${fold(name)}\u0001${fold(entry.firstName)}\u0001${key}`,
    nameKey(name, entry.firstName),
    filled,
    ...values,
  ];
}

/** A row of `entries` as SQLite returns it. */
export interface EntryRow {
  mail: string;
  mailbox_type: string;
  national_id: string;
  civility: string;
  last_name: string;
  first_name: string;
  profession_code: string;
  profession_label: string;
  speciality_code: string;
  speciality_label: string;
  organisation: string;
  service: string;
  address_lines: string;
  postal_code: string;
  city: string;
  department: string;
}

export function entryFromRow(r: EntryRow): AnnuaireEntry {
  return {
    mail: r.mail,
    mailboxType: r.mailbox_type as AnnuaireEntry['mailboxType'],
    nationalId: r.national_id,
    civility: r.civility,
    lastName: r.last_name,
    firstName: r.first_name,
    profession: { code: r.profession_code, label: r.profession_label },
    speciality: { code: r.speciality_code, label: r.speciality_label },
    organisation: r.organisation,
    service: r.service,
    addressLines: r.address_lines === '' ? [] : r.address_lines.split('\n'),
    postalCode: r.postal_code,
    city: r.city,
    department: r.department,
  };
}
