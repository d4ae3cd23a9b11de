import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { AnnuaireEntry } from '../../shared/domain/annuaire/entry';
import { type AnnuaireCriteria, MAX_AUTOCOMPLETE_WORDS, MAX_CRITERION_LENGTH } from './criteria';
import type { AnnuaireSearchResult } from './ldap-client';
import { MssanteError } from '../../shared/errors/mssante-error';
import { type ImportOptions, type ImportReport, buildOfflineIndex } from './offline-import';
import { type FtsColumn, autocompleteMatch, columnsMatch } from './offline-query';
import { type EntryRow, SCHEMA_VERSION, entryFromRow, mailKey, nameKey } from './offline-schema';

/** The Référentiel's cap per query (ECO.3.1.4), the same as the LDAP client's. */
export const MAX_RESULTS = 100;

/** Both sources take the same criteria and give the same result shape. */
export type { AnnuaireCriteria, AnnuaireSearchResult };

/** Where the index lives in the host's state dir. */
export function offlineIndexDir(stateDir: string): string {
  return path.join(stateDir, 'annuaire');
}

const INDEX_FILE = 'offline-index.sqlite';

/**
 * The offline Annuaire index (ECO.3.1.4, public extraction file): one SQLite file in `dir`, read
 * only while searching. `import` builds a complete new file beside it and renames it over the old
 * one (atomic on one file system): a failed import leaves the old index in place and in use.
 */
export class OfflineAnnuaire {
  private db: Database.Database | undefined;
  private report: ImportReport | undefined;
  private importing = false;
  /** Prepared once per opened file: preparing costs as much as a short query. */
  private statements = new Map<string, Database.Statement>();

  constructor(readonly dir: string) {}

  get file(): string {
    return path.join(this.dir, INDEX_FILE);
  }

  /** Opens the index if one was imported; false when there is none yet. */
  open(): boolean {
    if (this.db) return true;
    if (!existsSync(this.file)) return false;
    let db: Database.Database | undefined;
    try {
      db = new Database(this.file, { readonly: true, fileMustExist: true });
      const meta = new Map(
        (db.prepare('SELECT key, value FROM meta').all() as { key: string; value: string }[]).map(
          (r) => [r.key, r.value],
        ),
      );
      if (meta.get('schema') !== SCHEMA_VERSION) throw new Error('schema version');
      const report = JSON.parse(meta.get('report') ?? 'null') as ImportReport | null;
      // Reports written before `missingColumns` existed: read as none missing.
      this.report = report ? { ...report, missingColumns: report.missingColumns ?? [] } : undefined;
      this.db = db;
      return true;
    } catch (error) {
      db?.close();
      // The packaged host without its SQLite module (sqlite-packaged.ts): say that, not "invalid".
      if (error instanceof MssanteError && error.code === 'E_ANNUAIRE_OFFLINE_UNAVAILABLE')
        throw error;
      throw new MssanteError('E_ANNUAIRE_OFFLINE_INDEX_INVALID', { cause: error });
    }
  }

  /** The report of the import that made the current index, or undefined when there is none. */
  info(): ImportReport | undefined {
    this.open();
    return this.report;
  }

  close(): void {
    this.statements.clear();
    this.db?.close();
    this.db = undefined;
    this.report = undefined;
  }

  /**
   * Imports an extraction file (text or ZIP) and swaps the new index in. Progress comes through
   * `options.onProgress`. One import at a time per instance.
   */
  async import(file: string, options: ImportOptions = {}): Promise<ImportReport> {
    if (this.importing)
      throw new MssanteError('E_ANNUAIRE_IMPORT_FAILED', { detail: 'an import is running' });
    this.importing = true;
    try {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      const building = path.join(
        this.dir,
        `${INDEX_FILE}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
      );
      const report = await buildOfflineIndex(file, building, options);
      try {
        renameSync(building, this.file);
      } catch (error) {
        rmSync(building, { force: true });
        throw new MssanteError('E_ANNUAIRE_IMPORT_FAILED', { cause: error });
      }
      // The old handle still reads the old (now unlinked) file; switch to the new one.
      this.close();
      this.open();
      return report;
    } finally {
      this.importing = false;
    }
  }

  private handle(): Database.Database {
    if (!this.open()) throw new MssanteError('E_ANNUAIRE_OFFLINE_NO_INDEX');
    return this.db!;
  }

  /** A cached statement; `pluck` ones return the first column only. */
  private statement(sql: string, pluck = false): Database.Statement {
    const key = `${pluck ? 'p' : 'r'}${sql}`;
    let st = this.statements.get(key);
    if (!st) {
      st = this.handle().prepare(sql);
      if (pluck) st.pluck();
      this.statements.set(key, st);
    }
    return st;
  }

  /** Full rows for ids, in the order given: rows are only built for what is returned. */
  private rows(ids: readonly number[]): AnnuaireEntry[] {
    const one = this.statement('SELECT * FROM entries WHERE id = ?');
    return ids.map((id) => entryFromRow(one.get(id) as EntryRow));
  }

  /**
   * As the user types in the To field. Entries whose name (last name, or organisation for a
   * mailbox without one, then first name) starts with the input come first, in alphabetical
   * order (`martin ma` → MARTIN Marc, MARTIN Marie); then entries where each typed word starts a
   * word of the last name, first name, address or organisation (`marie mar` → Marie MARTIN,
   * LEFEBVRE-MARTIN Marie). Input with an `@` is an address prefix.
   */
  autocomplete(prefix: string, limit = MAX_RESULTS): AnnuaireSearchResult {
    this.handle();
    const max = clampLimit(limit);
    const input = prefix.normalize('NFC').trim();
    if (input === '') throw new MssanteError('E_ANNUAIRE_NO_CRITERIA');
    if (input.length > MAX_CRITERION_LENGTH)
      throw new MssanteError('E_ANNUAIRE_CRITERIA_INVALID', {
        detail: `> ${MAX_CRITERION_LENGTH} characters`,
      });
    if (input.split(/\s+/).length > MAX_AUTOCOMPLETE_WORDS)
      throw new MssanteError('E_ANNUAIRE_CRITERIA_INVALID', { detail: 'too many words' });
    if (CONTROL.test(input)) return { entries: [], truncated: false };
    if (input.includes('@')) {
      const key = mailKey(input);
      const ids = this.statement(
        'SELECT id FROM entries WHERE mail_key >= ? AND mail_key < ? ORDER BY mail_key LIMIT ?',
        true,
      ).all(key, `${key}\u{10ffff}`, max + 1) as number[];
      return { entries: this.rows(ids.slice(0, max)), truncated: ids.length > max };
    }
    const match = autocompleteMatch(input);
    if (!match) return { entries: [], truncated: false };
    const key = nameKey(input);
    const first = this.statement(
      'SELECT id FROM entries WHERE name_key >= ? AND name_key < ? ORDER BY name_key LIMIT ?',
      true,
    ).all(key, `${key}\u{10ffff}`, max + 1) as number[];
    // More names start with the input than fit: those are the answer, no need to look further.
    if (first.length > max) return { entries: this.rows(first.slice(0, max)), truncated: true };
    const all = this.statement(
      'SELECT rowid FROM search WHERE search MATCH ? ORDER BY rowid LIMIT ?',
      true,
    ).all(match, max + first.length + 1) as number[];
    const seen = new Set(first);
    const ids = [...first, ...all.filter((id) => !seen.has(id))];
    return {
      entries: this.rows(ids.slice(0, max)),
      truncated: all.length > max || ids.length > max,
    };
  }

  /**
   * Multi-criteria search, with the LDAP client's criteria (criteria.ts). Text criteria (name, first
   * name, organisation, city, profession or speciality label) match word prefixes without case or
   * accents: `mart` finds MARTIN and LEFEBVRE-MARTIN, `helene` finds Hélène. A profession or
   * speciality given as a code (`10`, `SM54`) is matched exactly on the code; postal code and mail
   * are prefixes (`75`, `marie.m`); mailbox type and national id are exact. Every criterion given
   * must hold. E_ANNUAIRE_NO_CRITERIA when none is given.
   */
  search(criteria: AnnuaireCriteria, limit = MAX_RESULTS): AnnuaireSearchResult {
    this.handle();
    const max = clampLimit(limit);
    const fts: string[] = [];
    const where: string[] = [];
    const params: string[] = [];
    let given = 0;
    let impossible = false;
    const value = (raw: string | undefined): string | undefined => {
      const text = raw?.normalize('NFC').trim() ?? '';
      if (text === '') return undefined;
      if (text.length > MAX_CRITERION_LENGTH)
        throw new MssanteError('E_ANNUAIRE_CRITERIA_INVALID', {
          detail: `> ${MAX_CRITERION_LENGTH} characters`,
        });
      given++;
      // No Annuaire value holds a control character: such a criterion matches nothing.
      if (CONTROL.test(text)) impossible = true;
      return text;
    };
    const words = (column: FtsColumn, text: string) => {
      const m = columnsMatch([column], text);
      if (m) fts.push(m);
      else impossible = true; // only punctuation: no word of any entry can match it
    };
    const exact = (column: string, text: string) => {
      where.push(`e.${column} = ?`);
      params.push(text);
    };
    const startsWith = (column: string, text: string) => {
      where.push(`e.${column} >= ? AND e.${column} < ?`);
      params.push(text, `${text}\u{10ffff}`);
    };
    const name = value(criteria.name);
    if (name) words('last_name', name);
    const firstName = value(criteria.firstName);
    if (firstName) words('first_name', firstName);
    const organisation = value(criteria.organisation);
    if (organisation) words('organisation', organisation);
    const city = value(criteria.city);
    if (city) words('city', city);
    const profession = value(criteria.profession);
    if (profession) {
      if (PROFESSION_CODE.test(profession)) exact('profession_code', profession);
      else words('profession', profession);
    }
    const speciality = value(criteria.speciality);
    if (speciality) {
      if (SPECIALITY_CODE.test(speciality)) exact('speciality_code', speciality.toUpperCase());
      else words('speciality', speciality);
    }
    const postalCode = value(criteria.postalCode);
    if (postalCode) startsWith('postal_code', postalCode);
    const mail = value(criteria.mail);
    if (mail) startsWith('mail_key', mailKey(mail));
    const type = value(criteria.mailboxType);
    if (type) {
      if (!MAILBOX_TYPES.includes(type.toUpperCase()))
        throw new MssanteError('E_ANNUAIRE_CRITERIA_INVALID', { detail: 'mailbox type' });
      exact('mailbox_type', type.toUpperCase());
    }
    const nationalId = value(criteria.nationalId);
    if (nationalId) exact('national_id', nationalId);
    if (given === 0) throw new MssanteError('E_ANNUAIRE_NO_CRITERIA');
    if (impossible) return { entries: [], truncated: false };

    let sql: string;
    const bind: (string | number)[] = [];
    if (fts.length > 0) {
      sql = 'SELECT e.id FROM search JOIN entries e ON e.id = search.rowid WHERE search MATCH ?';
      bind.push(fts.join(' AND '));
      for (const w of where) sql += ` AND ${w}`;
      sql += ' ORDER BY search.rowid LIMIT ?';
    } else {
      sql = `SELECT e.id FROM entries e WHERE ${where.join(' AND ')} ORDER BY e.id LIMIT ?`;
    }
    bind.push(...params, max + 1);
    const ids = this.statement(sql, true).all(...bind) as number[];
    return { entries: this.rows(ids.slice(0, max)), truncated: ids.length > max };
  }

  /** The entry of one address (case-insensitive), if the index has it. */
  lookup(mail: string): AnnuaireEntry | undefined {
    const row = this.statement('SELECT * FROM entries WHERE mail_key = ?').get(
      mailKey(mail.trim()),
    ) as EntryRow | undefined;
    return row ? entryFromRow(row) : undefined;
  }
}

const MAILBOX_TYPES: readonly string[] = ['PER', 'ORG', 'APP'];
const PROFESSION_CODE = /^\d{1,3}$/;
const SPECIALITY_CODE = /^S[A-Z]{1,3}\d{1,3}$/i;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

function clampLimit(limit: number): number {
  return Number.isInteger(limit) && limit > 0 ? Math.min(limit, MAX_RESULTS) : MAX_RESULTS;
}
