import { closeSync, fsyncSync, openSync, rmSync } from 'node:fs';
import { setImmediate as nextTurn } from 'node:timers/promises';
import Database from 'better-sqlite3';
import type { ExtractionColumn } from '../../shared/domain/annuaire/entry';
import { type ExtractionCounts, ExtractionParser } from '../../shared/domain/annuaire/extraction';
import { LineSplitter } from '../../shared/domain/annuaire/lines';
import { MssanteError } from '../../shared/errors/mssante-error';
import { openExtraction } from './extraction-source';
import {
  COPY_SORTED,
  CREATE_INDEX_SCHEMA,
  CREATE_SECONDARY_INDEXES,
  CREATE_STAGING,
  FILL_SEARCH,
  SCHEMA_VERSION,
  INSERT_STAGING,
  stagingRow,
} from './offline-schema';

/** What the UI shows while an import runs. */
export interface ImportProgress {
  phase: 'reading' | 'indexing' | 'done';
  /** Data lines read so far. */
  rowsRead: number;
  /** Uncompressed bytes of the text file read so far, out of `totalBytes`. */
  bytesRead: number;
  totalBytes: number;
}

export interface ImportReport {
  /** The text file's name (inside the ZIP when it came in one). */
  source: string;
  importedAt: string;
  /** Data lines, entries parsed, malformed lines by reason (see ExtractionCounts). */
  counts: ExtractionCounts;
  /** Distinct addresses in the index. */
  entries: number;
  /** Lines whose address was already seen (merged by the duplicate rule). */
  duplicates: number;
  /**
   * Known columns the file's header did not name (EXTRACTION_COLUMNS order): their fields are
   * empty in every entry, so searches by them find nothing. Absent in reports of indexes built
   * before this field existed (read as none).
   */
  missingColumns: ExtractionColumn[];
}

export interface ImportOptions {
  onProgress?: (progress: ImportProgress) => void;
  /** The clock, for `importedAt`. */
  now?: () => Date;
}

const BATCH_ROWS = 4000;
const SEARCH_BATCH = 25_000;
/** Progress is reported at most once per this many bytes read (and at each phase change). */
const PROGRESS_BYTES = 256 * 1024;

/**
 * Builds a complete index file at `target` from an extraction file (text or ZIP), streamed: chunks
 * are decoded, cut into lines, parsed and appended in batches; only one chunk and one batch are in
 * memory. On any failure `target` and the staging file are removed and the error is thrown; the
 * caller swaps `target` in only on success.
 */
export async function buildOfflineIndex(
  file: string,
  target: string,
  options: ImportOptions = {},
): Promise<ImportReport> {
  const source = await openExtraction(file);
  const stagePath = `${target}.stage`;
  let db: Database.Database | undefined;
  try {
    db = new Database(target);
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('cache_size = -16384');
    db.exec(CREATE_INDEX_SCHEMA);
    db.prepare('ATTACH DATABASE ? AS stage').run(stagePath);
    db.pragma('stage.journal_mode = OFF');
    db.pragma('stage.synchronous = OFF');
    db.pragma('stage.cache_size = -16384');
    db.exec(CREATE_STAGING);

    const { counts, missingColumns } = await readInto(db, source, options.onProgress);
    const progress = (phase: ImportProgress['phase']) =>
      options.onProgress?.({
        phase,
        rowsRead: counts.lines,
        bytesRead: source.totalBytes,
        totalBytes: source.totalBytes,
      });
    progress('indexing');
    await nextTurn();
    db.exec(COPY_SORTED);
    db.exec('DETACH DATABASE stage');
    rmSync(stagePath, { force: true });
    const total = (db.prepare('SELECT count(*) AS n FROM entries').get() as { n: number }).n;
    const fill = db.prepare(FILL_SEARCH);
    for (let from = 0; from < total; from += SEARCH_BATCH) {
      fill.run(from, from + SEARCH_BATCH);
      await nextTurn();
    }
    db.exec(CREATE_SECONDARY_INDEXES);
    await nextTurn();
    db.exec("INSERT INTO search (search) VALUES ('optimize')");
    db.exec('ANALYZE');
    const importedAt = (options.now?.() ?? new Date()).toISOString();
    const report: ImportReport = {
      source: source.name,
      importedAt,
      counts,
      entries: total,
      duplicates: counts.entries - total,
      missingColumns,
    };
    const meta = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
    meta.run('schema', SCHEMA_VERSION);
    meta.run('report', JSON.stringify(report));
    db.pragma('journal_mode = DELETE');
    db.close();
    db = undefined;
    const fd = openSync(target, 'r+');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    progress('done');
    return report;
  } catch (error) {
    db?.close();
    rmSync(target, { force: true });
    rmSync(stagePath, { force: true });
    if (error instanceof MssanteError) throw error;
    throw new MssanteError(
      error instanceof Error && 'code' in error && String(error.code).startsWith('SQLITE')
        ? 'E_ANNUAIRE_IMPORT_FAILED'
        : 'E_FILE_UNREADABLE',
      { ...(error instanceof Error ? { detail: error.message } : {}), cause: error },
    );
  } finally {
    source.close();
  }
}

async function readInto(
  db: Database.Database,
  source: Awaited<ReturnType<typeof openExtraction>>,
  onProgress: ImportOptions['onProgress'],
): Promise<{ counts: ExtractionCounts; missingColumns: ExtractionColumn[] }> {
  const insert = db.prepare(INSERT_STAGING);
  const insertBatch = db.transaction((rows: (string | number)[][]) => {
    for (const r of rows) insert.run(r);
  });
  // Non-fatal: a stray invalid byte becomes U+FFFD in that field rather than failing the import.
  const decoder = new TextDecoder('utf-8');
  const splitter = new LineSplitter();
  const parser = new ExtractionParser();
  let batch: (string | number)[][] = [];
  let bytesRead = 0;
  let reported = 0;
  const take = (lines: string[]) => {
    for (const line of lines) {
      const entry = parser.push(line);
      if (entry) batch.push(stagingRow(entry));
    }
    if (batch.length >= BATCH_ROWS) {
      insertBatch(batch);
      batch = [];
    }
  };
  onProgress?.({ phase: 'reading', rowsRead: 0, bytesRead: 0, totalBytes: source.totalBytes });
  for await (const chunk of source.chunks()) {
    bytesRead += chunk.length;
    take(splitter.push(decoder.decode(chunk, { stream: true })));
    if (onProgress && bytesRead - reported >= PROGRESS_BYTES) {
      reported = bytesRead;
      onProgress({
        phase: 'reading',
        rowsRead: parser.counts.lines,
        bytesRead,
        totalBytes: source.totalBytes,
      });
    }
  }
  take(splitter.push(decoder.decode()));
  take(splitter.end());
  if (batch.length > 0) insertBatch(batch);
  const counts = parser.finish(splitter.overlongLines);
  return { counts, missingColumns: [...parser.missingColumns] };
}
