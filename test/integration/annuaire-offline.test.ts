import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { zipSync } from 'fflate';
import { type AnnuaireEntry, EXTRACTION_COLUMNS } from '../../shared/domain/annuaire/entry';
import { MssanteError } from '../../shared/errors/mssante-error';
import type { ImportProgress } from '../../native-host/annuaire/offline-import';
import { OfflineAnnuaire } from '../../native-host/annuaire/offline-index';
import type { CliIo } from '../../native-host/cli/command';
import { main } from '../../native-host/cli/main';
import {
  runOfflineImport,
  runOfflineInfo,
  runOfflineSearch,
} from '../../native-host/cli/commands/annuaire-offline';
import {
  asExtracted,
  extractionLines,
  generateEntries,
  writeExtraction,
} from '../../lab/sandbox/annuaire/generate';
import { deflatedZeros, zipEntries } from '../../lab/fixtures/xdm/zip-writer';
import { MARIE } from '../../lab/sandbox/people';

const FILE_NAME = 'Extraction_Correspondance_MSSante_202612010000.txt';
const enc = new TextEncoder();

function entry(over: Partial<AnnuaireEntry> & Pick<AnnuaireEntry, 'mail'>): AnnuaireEntry {
  return {
    mailboxType: 'PER',
    nationalId: '',
    civility: '',
    lastName: '',
    firstName: '',
    profession: { code: '', label: '' },
    speciality: { code: '', label: '' },
    organisation: '',
    service: '',
    addressLines: [],
    postalCode: '',
    city: '',
    department: '',
    ...over,
  };
}

/** Names made to look like FTS5 or SQL syntax, next to ordinary generated entries. */
const TRICKY: AnnuaireEntry[] = [
  entry({
    mail: 'siobhan.oneil@chu-nord.mssante.test',
    lastName: "O'NEIL",
    firstName: 'Siobhán',
    organisation: 'Centre "Santé" (Nord)',
    profession: { code: '10', label: 'Médecin' },
    speciality: { code: 'SM54', label: 'Médecine générale' },
    postalCode: '59000',
    city: 'Lille',
    nationalId: '810000000001',
  }),
  entry({
    mail: 'jean-luc.near@chu-nord.mssante.test',
    lastName: 'NEAR',
    firstName: 'Jean-Luc',
    organisation: 'AND OR NOT',
    profession: { code: '60', label: 'Infirmier' },
    postalCode: '75013',
    city: 'Paris',
  }),
  entry({
    mail: 'lea.dropsy@chu-nord.mssante.test',
    lastName: 'DROPSY',
    firstName: 'Léa',
    organisation: 'Clinique (Sud) * Étoile',
    postalCode: '13005',
    city: 'Marseille',
  }),
  entry({
    mail: 'accueil.etoile@chu-nord.mssante.test',
    mailboxType: 'ORG',
    organisation: 'Clinique (Sud) * Étoile',
    service: 'Accueil',
    nationalId: '1130000001',
    postalCode: '13005',
    city: 'Marseille',
  }),
];

const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
const tokens = (s: string) =>
  fold(s)
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);

/** Does `word` (its tokens, the last as a prefix) appear in this text, as the index promises? */
function wordMatches(text: string, word: string): boolean {
  const want = tokens(word);
  const have = tokens(text);
  if (want.length === 0) return false;
  for (let i = 0; i + want.length <= have.length; i++) {
    const ok = want.every((w, k) =>
      k === want.length - 1 ? have[i + k]!.startsWith(w) : have[i + k] === w,
    );
    if (ok) return true;
  }
  return false;
}

/** What a literal autocomplete of `input` must return, computed without the index. */
function literalAutocomplete(entries: readonly AnnuaireEntry[], input: string): string[] {
  const text = input.trim();
  if (text.includes('@'))
    return entries
      .filter((e) => e.mail.toLowerCase().startsWith(text.toLowerCase()))
      .map((e) => e.mail);
  const words = text.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w));
  if (words.length === 0) return [];
  return entries
    .filter((e) =>
      words.every((w) =>
        [e.lastName, e.firstName, e.mail.split('@')[0]!, e.organisation].some((f) =>
          wordMatches(f, w),
        ),
      ),
    )
    .map((e) => e.mail);
}

function codeOf(error: unknown): string {
  assert.ok(error instanceof MssanteError, String(error));
  return error.code;
}

function fakeIo(): CliIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    locale: 'en' as const,
    stdout: (s: string) => void (io.out += s),
    stderr: (s: string) => void (io.err += s),
  };
  return io;
}

describe('offline Annuaire index (public extraction file) on a real SQLite/FTS5 file', function () {
  // The 400 000-row import runs for tens of seconds on a busy machine; nothing here is timed.
  this.timeout(900_000);
  let work: string;
  let small: AnnuaireEntry[];
  let smallFile: string;

  before(() => {
    work = mkdtempSync(path.join(os.tmpdir(), 'mssante-annuaire-offline-'));
    small = [...generateEntries(60, 11), ...TRICKY];
    smallFile = path.join(work, FILE_NAME);
    writeExtraction(small, smallFile);
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  const freshDir = (name: string) => path.join(work, name);

  it('ECO.3.1.4 imports a generated 400 000-row extraction file, with progress, and searches it', async () => {
    const all = generateEntries(400_000, 4);
    const file = path.join(work, 'big', FILE_NAME);
    mkdirSync(path.dirname(file));
    writeExtraction(all, file);
    const size = statSync(file).size;
    const index = new OfflineAnnuaire(freshDir('big-index'));
    const seen: ImportProgress[] = [];
    const report = await index.import(file, { onProgress: (p) => seen.push({ ...p }) });
    try {
      assert.equal(report.counts.lines, 400_000);
      assert.equal(report.counts.entries, 400_000);
      assert.equal(report.entries, 400_000);
      assert.equal(report.duplicates, 0);
      assert.deepEqual(Object.values(report.counts.malformed), [0, 0, 0, 0, 0]);
      assert.equal(report.source, FILE_NAME);

      // Progress: reading (bytes and rows only grow), then indexing, then done, totals exact.
      assert.ok(seen.length > 10, `${seen.length} progress calls`);
      assert.equal(seen[0]!.phase, 'reading');
      assert.equal(seen.at(-1)!.phase, 'done');
      assert.deepEqual([...new Set(seen.map((p) => p.phase))], ['reading', 'indexing', 'done']);
      for (let i = 1; i < seen.length; i++) {
        assert.ok(seen[i]!.bytesRead >= seen[i - 1]!.bytesRead);
        assert.ok(seen[i]!.rowsRead >= seen[i - 1]!.rowsRead);
        assert.equal(seen[i]!.totalBytes, size);
      }
      assert.equal(seen.at(-1)!.bytesRead, size);
      assert.equal(seen.at(-1)!.rowsRead, 400_000);

      // Searches: the demo practitioner, an entry deep in the file, the cap.
      const marie = index.autocomplete('martin mar');
      assert.equal(marie.entries[0]!.mail, MARIE.mailbox);
      const deep = all[312_345]!;
      assert.deepEqual(index.lookup(deep.mail.toUpperCase()), asExtracted(deep));
      const found = index.search({
        ...(deep.lastName
          ? { name: deep.lastName, firstName: deep.firstName }
          : { organisation: deep.organisation }),
        postalCode: deep.postalCode,
        mail: deep.mail,
      });
      assert.deepEqual(found.entries, [asExtracted(deep)]);
      const broad = index.autocomplete('m');
      assert.equal(broad.entries.length, 100);
      assert.equal(broad.truncated, true);
      const byId = index.search({ nationalId: deep.nationalId });
      assert.ok(byId.entries.some((e) => e.mail === deep.mail));
      const parisDoctors = index.search({ profession: '10', postalCode: '75', mailboxType: 'PER' });
      assert.equal(parisDoctors.entries.length, 100);
      assert.ok(parisDoctors.truncated);
      assert.ok(
        parisDoctors.entries.every(
          (e) =>
            e.profession.code === '10' && e.postalCode.startsWith('75') && e.mailboxType === 'PER',
        ),
      );
    } finally {
      index.close();
      rmSync(path.dirname(file), { recursive: true, force: true });
    }
  });

  it('ECO.3.1.4 autocomplete matches word prefixes of name, first name, address and organisation, without case or accents', async () => {
    const index = new OfflineAnnuaire(freshDir('prefix'));
    await index.import(smallFile);
    try {
      const inputs = [
        'siob',
        'SIOBHAN',
        'o neil',
        "o'neil",
        'étoile',
        'ETOILE clin',
        'jean-luc',
        'luc',
        'marie',
        'martin ma',
        'lille',
        'marie.martin@',
        'MARIE.MARTIN@SANDBOX',
        ...small.slice(4, 14).map((e) => (e.lastName || e.organisation).slice(0, 3)),
        ...small.slice(20, 30).map((e) => `${e.firstName.slice(0, 2)} ${e.lastName}`),
      ].filter((input) => input.trim() !== '');
      for (const input of inputs) {
        const got = index.autocomplete(input);
        const want = literalAutocomplete(small, input);
        assert.equal(got.truncated, want.length > 100, input);
        assert.deepEqual(got.entries.map((e) => e.mail).sort(), want.sort(), input);
      }
      // Names that start with the input come first, alphabetically.
      const ma = index.autocomplete('dropsy');
      assert.equal(ma.entries[0]!.lastName, 'DROPSY');
      const o = index.autocomplete('siobhan');
      assert.deepEqual(o.entries[0], asExtracted(TRICKY[0]!));
    } finally {
      index.close();
    }
  });

  it('ECO.3.1.4 FTS and SQL syntax in user input is matched literally (", *, NEAR, \'; DROP, ), …)', async () => {
    const index = new OfflineAnnuaire(freshDir('injection'));
    await index.import(smallFile);
    try {
      const hostile = [
        '"',
        '*',
        ')',
        '(',
        '""',
        'NEAR',
        'near(',
        'NEAR(jean luc)',
        'NEAR/2',
        "'; DROP TABLE entries; --",
        "x'; DELETE FROM search; --",
        'o"neil',
        '"santé"',
        '"Santé" (Nord)',
        'AND',
        'OR',
        'NOT',
        'and or',
        'last_name:near',
        '{mail}: siob',
        'mail : x',
        'x OR 1=1',
        'a*',
        '^near',
        '%',
        '_',
        '%@%',
        "a@b' OR 1=1 --",
        '\\',
        'clinique (sud) *',
      ];
      for (const input of hostile) {
        const got = index.autocomplete(input);
        const want = literalAutocomplete(small, input);
        assert.deepEqual(got.entries.map((e) => e.mail).sort(), want.sort(), input);
      }
      // Spot checks of what "literally" means here.
      assert.deepEqual(index.autocomplete('*').entries, []);
      assert.deepEqual(index.autocomplete(')').entries, []);
      assert.deepEqual(
        index.autocomplete('NEAR').entries.map((e) => e.lastName),
        ['NEAR'],
      );
      assert.ok(
        index
          .autocomplete('"santé"')
          .entries.some((e) => e.mail === 'siobhan.oneil@chu-nord.mssante.test'),
      );
      assert.deepEqual(index.search({ name: '*' }).entries, []);
      assert.deepEqual(index.search({ name: "'; DROP TABLE entries; --" }).entries, []);
      assert.deepEqual(
        index.search({ organisation: 'and or not' }).entries.map((e) => e.lastName),
        ['NEAR'],
      );
      assert.deepEqual(index.search({ postalCode: "75' OR '1'='1" }).entries, []);
      assert.deepEqual(index.search({ nationalId: "' OR 1=1 --" }).entries, []);
      assert.deepEqual(index.search({ mail: '%' }).entries, []);
      assert.deepEqual(index.search({ name: 'near\u0000' }).entries, []);
      // The index is intact afterwards.
      assert.equal(index.info()!.entries, small.length);
      assert.equal(index.autocomplete('marie.martin@').entries.length, 1);
    } finally {
      index.close();
    }
  });

  it('ECO.3.1.4 multi-criteria search: name, first name, profession, speciality, postal code, city, organisation, type, national id', async () => {
    const index = new OfflineAnnuaire(freshDir('criteria'));
    await index.import(smallFile);
    try {
      const mails = (r: { entries: AnnuaireEntry[] }) => r.entries.map((e) => e.mail).sort();
      const where = (f: (e: AnnuaireEntry) => boolean) =>
        small
          .filter(f)
          .map((e) => e.mail)
          .sort();
      assert.deepEqual(mails(index.search({ name: "o'neil" })), [TRICKY[0]!.mail]);
      assert.deepEqual(mails(index.search({ firstName: 'siobhan', city: 'LILLE' })), [
        TRICKY[0]!.mail,
      ]);
      assert.deepEqual(
        mails(index.search({ profession: '10' })),
        where((e) => e.profession.code === '10'),
      );
      assert.deepEqual(
        mails(index.search({ profession: 'médecin' })),
        where((e) => wordMatches(e.profession.label, 'médecin')),
      );
      assert.deepEqual(
        mails(index.search({ speciality: 'sm54' })),
        where((e) => e.speciality.code === 'SM54'),
      );
      assert.deepEqual(
        mails(index.search({ speciality: 'generale' })),
        where((e) => wordMatches(e.speciality.label, 'generale')),
      );
      assert.deepEqual(
        mails(index.search({ postalCode: '75' })),
        where((e) => e.postalCode.startsWith('75')),
      );
      assert.deepEqual(
        mails(index.search({ mailboxType: 'org', city: 'marseille' })),
        where((e) => e.mailboxType === 'ORG' && wordMatches(e.city, 'marseille')),
      );
      assert.deepEqual(
        mails(index.search({ organisation: 'clinique etoile' })),
        where(
          (e) => wordMatches(e.organisation, 'clinique') && wordMatches(e.organisation, 'etoile'),
        ),
      );
      assert.deepEqual(mails(index.search({ nationalId: '1130000001' })), [TRICKY[3]!.mail]);
      const none = () => index.search({ name: '   ' });
      assert.throws(none, (e) => codeOf(e) === 'E_ANNUAIRE_NO_CRITERIA');
      assert.throws(
        () => index.search({}),
        (e) => codeOf(e) === 'E_ANNUAIRE_NO_CRITERIA',
      );
      assert.throws(
        () => index.search({ mailboxType: 'XYZ' }),
        (e) => codeOf(e) === 'E_ANNUAIRE_CRITERIA_INVALID',
      );
      const capped = index.search({ mailboxType: 'PER' }, 5);
      assert.equal(capped.entries.length, 5);
      assert.equal(capped.truncated, true);
    } finally {
      index.close();
    }
  });

  it('ECO.3.1.4 duplicate rows of one address become one entry: the most complete row wins, a tie keeps the first', async () => {
    const line = (values: Partial<Record<(typeof EXTRACTION_COLUMNS)[number], string>>) =>
      EXTRACTION_COLUMNS.map((c) => values[c] ?? '').join('|');
    const base = { 'Type de BAL': 'PER', "Nom d'exercice": 'DUPONT', "Prénom d'exercice": 'Jean' };
    const text = [
      EXTRACTION_COLUMNS.join('|'),
      line({ ...base, 'Adresse BAL': 'jean.dupont@x.mssante.test' }),
      line({
        ...base,
        'Adresse BAL': 'Jean.Dupont@X.mssante.test',
        'Raison Sociale structure BAL': 'Cabinet A',
        L6LIGNEACHEMINEMENT: '69001 LYON',
      }),
      line({
        ...base,
        "Nom d'exercice": 'DUPOND',
        'Adresse BAL': 'jean.dupont@x.mssante.test',
        'Raison Sociale structure BAL': 'Cabinet B',
        L6LIGNEACHEMINEMENT: '06000 NICE',
      }),
      line({ ...base, 'Adresse BAL': 'other@x.mssante.test' }),
    ].join('\n');
    const file = path.join(work, 'dups.txt');
    writeFileSync(file, text);
    const index = new OfflineAnnuaire(freshDir('dups'));
    const report = await index.import(file);
    try {
      assert.equal(report.counts.entries, 4);
      assert.equal(report.entries, 2);
      assert.equal(report.duplicates, 2);
      const r = index.search({ mail: 'jean.dupont@' });
      assert.equal(r.entries.length, 1);
      assert.equal(r.entries[0]!.mail, 'Jean.Dupont@X.mssante.test');
      assert.equal(r.entries[0]!.organisation, 'Cabinet A');
      assert.equal(r.entries[0]!.lastName, 'DUPONT');
    } finally {
      index.close();
    }
  });

  it('ECO.3.1.4 imports the extraction file from the ZIP that contains it', async () => {
    const zip = path.join(work, 'extraction.zip');
    writeFileSync(
      zip,
      zipSync({
        'LISEZMOI.txt': enc.encode('Extraction publique'),
        [`export/${FILE_NAME}`]: enc.encode(extractionLines(small).join('\r\n')),
      }),
    );
    const index = new OfflineAnnuaire(freshDir('zip'));
    const progress: ImportProgress[] = [];
    const report = await index.import(zip, { onProgress: (p) => progress.push(p) });
    try {
      assert.equal(report.source, FILE_NAME);
      assert.equal(report.entries, small.length);
      assert.equal(progress.at(-1)!.bytesRead, progress.at(-1)!.totalBytes);
      assert.deepEqual(index.lookup(TRICKY[2]!.mail), asExtracted(TRICKY[2]!));
      const noText = path.join(work, 'other.zip');
      writeFileSync(noText, zipSync({ 'other.txt': enc.encode('x') }));
      await assert.rejects(
        index.import(noText),
        (e) => codeOf(e) === 'E_ANNUAIRE_EXTRACTION_NOT_FOUND',
      );
    } finally {
      index.close();
    }
  });

  it('ECO.3.1.4 imports the ZIP as the ANS serves it: one root entry, streamed with a data descriptor, the 2026 header, repeated addresses', async () => {
    // 2 000 generated entries, the file as the extraction service names it, the header as
    // published in 2026, and a mailbox on two situations d'exercice (the second line emptier).
    const entries = generateEntries(2_000, 7);
    const lines = extractionLines(entries);
    assert.equal(
      lines[0],
      "Type de BAL|Adresse BAL|Type Identifiant PP|Identifiant PP|Identification nationale PP|Type identifiant structure|Identification Structure|Service de rattachement|Civilité d'exercice|Nom d'exercice|Prénom d'exercice|Catégorie profession|Libellé de catégorie profession|Code Profession|Libellé Profession|Code savoir-faire|Libellé savoir-faire|Dématérialisation|Raison Sociale structure BAL|Enseigne commerciale structure BAL|L2COMPLEMENTLOCALISATION|L3COMPLEMENTDISTRIBUTION|L4NUMEROVOIE|L4COMPLEMENTNUMEROVOIE|NL4TYPEVOIE|L4LIBELLEVOIE|L5LIEUDITMENTION|L6LIGNEACHEMINEMENT|Code postal|Département|Pays",
    );
    const repeated = entries[1_234]!;
    const secondSituation = extractionLines([
      { ...repeated, organisation: '', service: '', speciality: { code: '', label: '' } },
    ])[1]!;
    const text = [...lines, secondSituation, lines[1]!].join('\r\n') + '\r\n';
    const stamp = '202608261013';
    const zip = path.join(work, `Extraction_Correspondance_MSSante_${stamp}.zip`);
    writeFileSync(
      zip,
      zipEntries([
        {
          name: `Extraction_Correspondance_MSSante_${stamp}.txt`,
          data: enc.encode(text),
          dataDescriptor: true,
        },
      ]),
    );
    const index = new OfflineAnnuaire(freshDir('ans-zip'));
    const report = await index.import(zip);
    try {
      assert.equal(report.source, `Extraction_Correspondance_MSSante_${stamp}.txt`);
      assert.deepEqual(report.missingColumns, []);
      assert.equal(report.counts.lines, entries.length + 2);
      assert.equal(report.entries, entries.length);
      assert.equal(report.duplicates, 2);
      assert.deepEqual(index.lookup(repeated.mail), asExtracted(repeated));
      assert.deepEqual(index.lookup(MARIE.mailbox), asExtracted(entries[0]!));

      // Searches by postal code, department, city: each finds exactly what a literal scan finds.
      const sample = entries.filter((e) => e.postalCode !== '')[500]!;
      const byCode = index.search({ postalCode: sample.postalCode, mailboxType: 'ORG' });
      assert.deepEqual(
        byCode.entries.map((e) => e.mail).sort(),
        entries
          .filter((e) => e.mailboxType === 'ORG' && e.postalCode === sample.postalCode)
          .map((e) => e.mail)
          .sort(),
      );
      assert.ok(byCode.entries.length > 0);
      const byCity = index.search({
        city: sample.city,
        ...(sample.lastName ? { name: sample.lastName } : {}),
      });
      assert.ok(byCity.entries.some((e) => e.mail === sample.mail));
      assert.ok(byCity.entries.every((e) => wordMatches(e.city, sample.city)));
      const found = index.lookup(sample.mail)!;
      assert.deepEqual(found.addressLines, sample.addressLines);
      assert.equal(found.city, sample.city.toUpperCase());

      // The CLI's report says nothing is missing; a header without the routing line says so.
      const io = fakeIo();
      assert.equal(await runOfflineInfo(['--offline', '--dir', freshDir('ans-zip')], io), 0);
      assert.doesNotMatch(io.out, /missing/i);
      const short = path.join(work, 'no-routing.txt');
      writeFileSync(
        short,
        lines
          .slice(0, 50)
          .map((l) => l.split('|').slice(0, 27).join('|'))
          .join('\n'),
      );
      const dir = freshDir('no-routing');
      const cli = fakeIo();
      assert.equal(await runOfflineImport([short, '--dir', dir], cli), 0);
      assert.match(
        cli.out,
        /Expected columns missing \(searches by them find nothing\): L6LIGNEACHEMINEMENT, Code postal, Département, Pays/,
      );
      const json = fakeIo();
      assert.equal(await runOfflineInfo(['--offline', '--json', '--dir', dir], json), 0);
      assert.deepEqual(JSON.parse(json.out).index.missingColumns, [
        'L6LIGNEACHEMINEMENT',
        'Code postal',
        'Département',
        'Pays',
      ]);
    } finally {
      index.close();
    }
  });

  it('hostile ZIPs (bomb, lying sizes, path traversal) and bad files are refused with their codes; the previous index keeps answering', async () => {
    const dir = freshDir('hostile');
    const index = new OfflineAnnuaire(dir);
    await index.import(smallFile);
    const before = index.autocomplete('siobhan');
    const zeros = deflatedZeros(64 * 1024 * 1024);
    const header = enc.encode(EXTRACTION_COLUMNS.join('|') + '\n');
    const cases: { name: string; bytes: Uint8Array; code: string }[] = [
      {
        name: 'bomb.zip',
        bytes: zipEntries([{ name: FILE_NAME, deflated: zeros }]),
        code: 'E_ZIP_BOMB',
      },
      {
        name: 'lying.zip',
        bytes: zipEntries([
          { name: FILE_NAME, deflated: zeros, lie: { uncompressedSize: 4096, crc: 0 } },
        ]),
        code: 'E_ZIP_BOMB',
      },
      {
        name: 'traversal.zip',
        bytes: zipEntries([{ name: `../${FILE_NAME}`, data: header }]),
        code: 'E_ZIP_PATH_TRAVERSAL',
      },
      {
        name: 'absolute.zip',
        bytes: zipEntries([{ name: `/tmp/${FILE_NAME}`, data: header }]),
        code: 'E_ZIP_PATH_TRAVERSAL',
      },
      {
        name: 'truncated.zip',
        bytes: zipEntries([{ name: FILE_NAME, data: header }]).subarray(0, 40),
        code: 'E_ZIP_TRUNCATED',
      },
      {
        name: 'not-extraction.txt',
        bytes: enc.encode('Nom|Prénom|Mail\nA|B|c@d.fr\n'),
        code: 'E_ANNUAIRE_EXTRACTION_HEADER',
      },
      { name: 'empty.txt', bytes: new Uint8Array(0), code: 'E_ANNUAIRE_EXTRACTION_HEADER' },
    ];
    try {
      for (const c of cases) {
        const file = path.join(work, c.name);
        writeFileSync(file, c.bytes);
        await assert.rejects(index.import(file), (e) => codeOf(e) === c.code, c.name);
        assert.deepEqual(index.autocomplete('siobhan'), before, c.name);
        assert.deepEqual(readdirSync(dir), ['offline-index.sqlite'], c.name);
      }
      await assert.rejects(
        index.import(path.join(work, 'missing.txt')),
        (e) => codeOf(e) === 'E_FILE_UNREADABLE',
      );
      // A second reader opening the file on disk sees the old index too.
      const other = new OfflineAnnuaire(dir);
      assert.deepEqual(other.autocomplete('siobhan'), before);
      other.close();
    } finally {
      index.close();
    }
  });

  it('ECO.3.1.4 refresh swaps the index atomically: a reader of the old one keeps answering, new readers see the new one', async () => {
    const dir = freshDir('refresh');
    const reader = new OfflineAnnuaire(dir);
    assert.throws(
      () => reader.autocomplete('x'),
      (e) => codeOf(e) === 'E_ANNUAIRE_OFFLINE_NO_INDEX',
    );
    const writer = new OfflineAnnuaire(dir);
    const running = writer.import(smallFile);
    await assert.rejects(writer.import(smallFile), (e) => codeOf(e) === 'E_ANNUAIRE_IMPORT_FAILED');
    await running;
    assert.equal(reader.autocomplete('siobhan').entries.length, 1);
    const next = path.join(work, 'next.txt');
    writeExtraction(generateEntries(30, 99).slice(10), next);
    await writer.import(next);
    try {
      assert.equal(reader.autocomplete('siobhan').entries.length, 1, 'old handle, old data');
      assert.equal(writer.autocomplete('siobhan').entries.length, 0, 'new index');
      assert.equal(writer.info()!.entries, 20);
      const fresh = new OfflineAnnuaire(dir);
      assert.equal(fresh.info()!.entries, 20);
      fresh.close();
      assert.deepEqual(readdirSync(dir), ['offline-index.sqlite']);
    } finally {
      reader.close();
      writer.close();
    }
  });

  it('ECO.3.1.4 mssante annuaire import / search --offline / info --offline (CLI contract)', async () => {
    const dir = freshDir('cli');
    let io = fakeIo();
    assert.equal(await runOfflineSearch(['--offline', 'siob', '--dir', dir, '--json'], io), 1);
    assert.equal(
      (JSON.parse(io.out) as { error: { code: string } }).error.code,
      'E_ANNUAIRE_OFFLINE_NO_INDEX',
    );

    io = fakeIo();
    assert.equal(await runOfflineImport([smallFile, '--dir', dir, '--json'], io), 0);
    const imported = JSON.parse(io.out) as { ok: boolean; entries: number; source: string };
    assert.deepEqual(
      [imported.ok, imported.entries, imported.source],
      [true, small.length, FILE_NAME],
    );

    io = fakeIo();
    assert.equal(await runOfflineImport([smallFile, '--dir', dir], io), 0);
    assert.match(io.out, new RegExp(`Addresses in the index: ${small.length}`));
    assert.match(io.err, /Reading 100 % \(\d+ lines\)\nIndexing…/);

    io = fakeIo();
    assert.equal(await runOfflineSearch(['--offline', 'siob', '--dir', dir, '--json'], io), 0);
    const found = JSON.parse(io.out) as {
      ok: boolean;
      entries: AnnuaireEntry[];
      truncated: boolean;
    };
    assert.deepEqual(found, { ok: true, entries: [asExtracted(TRICKY[0]!)], truncated: false });

    io = fakeIo();
    assert.equal(
      await runOfflineSearch(['--offline', '--name', 'near', '--city', 'paris', '--dir', dir], io),
      0,
    );
    assert.match(io.out, /NEAR Jean-Luc <jean-luc\.near@chu-nord\.mssante\.test> \[PER\]/);

    io = fakeIo();
    assert.equal(
      await runOfflineSearch(['--offline', '--type', 'PER', '--limit', '3', '--dir', dir], io),
      0,
    );
    assert.match(io.out, /more entries match/);

    io = fakeIo();
    assert.equal(await runOfflineInfo(['--offline', '--dir', dir, '--json'], io), 0);
    assert.equal(
      (JSON.parse(io.out) as { index: { entries: number } }).index.entries,
      small.length,
    );

    io = fakeIo();
    const bad = path.join(work, 'bad-cli.txt');
    writeFileSync(bad, 'a|b\n');
    assert.equal(await runOfflineImport([bad, '--dir', dir, '--json'], io), 1);
    assert.equal(
      (JSON.parse(io.out) as { error: { code: string } }).error.code,
      'E_ANNUAIRE_EXTRACTION_HEADER',
    );
    assert.equal(await runOfflineImport(['--dir', dir], fakeIo()), 2);

    // Through `mssante annuaire …`, the command line's own dispatch.
    io = fakeIo();
    assert.equal(
      await main(['annuaire', 'search', 'siob', '--offline', '--dir', dir, '--json'], io),
      0,
    );
    assert.equal(
      (JSON.parse(io.out) as { entries: AnnuaireEntry[] }).entries[0]!.mail,
      TRICKY[0]!.mail,
    );
    io = fakeIo();
    assert.equal(await main(['annuaire', 'import', smallFile, '--dir', dir, '--json'], io), 0);
    assert.equal((JSON.parse(io.out) as { entries: number }).entries, small.length);
  });
});
