import assert from 'node:assert/strict';
import { EXTRACTION_COLUMNS } from '../../../shared/domain/annuaire/entry';
import {
  ExtractionParser,
  columnKey,
  isPlausibleAddress,
  parseExtractionHeader,
  parseExtractionLine,
  splitFields,
} from '../../../shared/domain/annuaire/extraction';
import { LineSplitter } from '../../../shared/domain/annuaire/lines';
import { MssanteError } from '../../../shared/errors/mssante-error';
import { MARIE } from '../../../lab/sandbox/people';

const HEADER = EXTRACTION_COLUMNS.join('|');

/** One data line in file order from a few named values (the rest empty). */
function row(values: Partial<Record<(typeof EXTRACTION_COLUMNS)[number], string>>): string {
  return EXTRACTION_COLUMNS.map((c) => values[c] ?? '').join('|');
}

const MARTIN = row({
  'Type de BAL': 'PER',
  'Adresse BAL': MARIE.mailbox,
  'Type Identifiant PP': '8',
  'Identifiant PP': '10001234567',
  'Identification nationale PP': '810001234567',
  "Civilité d'exercice": 'DR',
  "Nom d'exercice": 'MARTIN',
  "Prénom d'exercice": 'Marie',
  'Code Profession': '10',
  'Libellé Profession': 'Médecin',
  'Code savoir-faire': 'SM54',
  'Libellé savoir-faire': 'Médecine générale',
  'Raison Sociale structure BAL': 'Cabinet du Parc',
  'Numéro Voie structure BAL': '12',
  'Type de voie structure BAL': 'R',
  'Libellé Voie structure BAL': 'des Lilas',
  'Ligne Acheminement structure BAL': '75013 PARIS',
  'Code postal structure BAL': '75013',
  'Département structure BAL': '75',
  'Commune structure BAL': 'Paris',
});

function refusedCode(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof MssanteError);
    return error.code;
  }
  assert.fail('expected a refusal');
}

describe('Annuaire extraction file parser', () => {
  it('ECO.3.1.4 maps a data line of the official header to an AnnuaireEntry', () => {
    const header = parseExtractionHeader(HEADER);
    assert.equal(header.fieldCount, 31);
    const result = parseExtractionLine(MARTIN, header);
    assert.ok(result.ok);
    assert.deepEqual(result.entry, {
      mail: MARIE.mailbox,
      mailboxType: 'PER',
      nationalId: '810001234567',
      civility: 'DR',
      lastName: 'MARTIN',
      firstName: 'Marie',
      profession: { code: '10', label: 'Médecin' },
      speciality: { code: 'SM54', label: 'Médecine générale' },
      organisation: 'Cabinet du Parc',
      service: '',
      addressLines: ['12 R des Lilas'],
      postalCode: '75013',
      city: 'Paris',
      department: '75',
    });
  });

  it('ECO.3.1.4 accepts header names in any case, without accents, quoted, with a trailing |', () => {
    const variants = [
      HEADER + '|',
      HEADER.toUpperCase(),
      HEADER.normalize('NFD').replace(/\p{M}/gu, ''),
      EXTRACTION_COLUMNS.map((c) => `"${c.replace("'", '’')}"`).join('|'),
      '\ufeff' + HEADER,
    ];
    for (const line of variants) {
      const header = parseExtractionHeader(line);
      assert.equal(header.fieldCount, 31, line.slice(0, 40));
      assert.equal(header.index.get("Prénom d'exercice"), 10);
      const r = parseExtractionLine(MARTIN, header);
      assert.ok(r.ok && r.entry.firstName === 'Marie');
    }
    assert.equal(columnKey('  PRENOM_D’EXERCICE '), "prenom d'exercice");
  });

  it('ECO.3.1.4 finds columns by name in another order and ignores unknown ones', () => {
    const header = parseExtractionHeader(
      "Adresse BAL|Colonne inconnue|Nom d'exercice|Prénom d'exercice|Type de BAL",
    );
    const r = parseExtractionLine('a@b.fr|x|DUPONT|Jean|org', header);
    assert.ok(r.ok);
    assert.equal(r.entry.mailboxType, 'ORG');
    assert.equal(r.entry.lastName, 'DUPONT');
    assert.equal(r.entry.city, '');
  });

  it('ECO.3.1.4 refuses a header without the key columns with E_ANNUAIRE_EXTRACTION_HEADER', () => {
    assert.equal(
      refusedCode(() => parseExtractionHeader('Nom|Prénom|Mail')),
      'E_ANNUAIRE_EXTRACTION_HEADER',
    );
    const noAddress = EXTRACTION_COLUMNS.filter((c) => c !== 'Adresse BAL').join('|');
    assert.equal(
      refusedCode(() => parseExtractionHeader(noAddress)),
      'E_ANNUAIRE_EXTRACTION_HEADER',
    );
    const p = new ExtractionParser();
    assert.equal(
      refusedCode(() => p.finish()),
      'E_ANNUAIRE_EXTRACTION_HEADER',
    );
  });

  it('ECO.3.1.4 counts and skips malformed lines without stopping', () => {
    const p = new ExtractionParser();
    const lines = [
      HEADER,
      MARTIN,
      'too|few|fields',
      MARTIN + '|extra|fields',
      row({ 'Type de BAL': 'PER', 'Adresse BAL': '  ' }),
      row({ 'Type de BAL': 'PER', 'Adresse BAL': 'not an address' }),
      row({ 'Type de BAL': 'PER', 'Adresse BAL': 'a@@b.fr' }),
      row({ 'Type de BAL': 'XYZ', 'Adresse BAL': 'ok@b.fr' }),
      '',
      MARTIN + '|', // a trailing | is fine
    ];
    const entries = lines.map((l) => p.push(l)).filter((e) => e !== undefined);
    assert.equal(entries.length, 2);
    assert.deepEqual(p.finish(), {
      lines: 8,
      entries: 2,
      malformed: {
        columns: 2,
        'empty-address': 1,
        'invalid-address': 2,
        'invalid-type': 1,
        overlong: 0,
      },
    });
  });

  it('ECO.3.1.4 unquotes quoted fields and keeps stray quotes literally', () => {
    assert.deepEqual(splitFields('"a|b"|c|"say ""hi"""'), ['a|b', 'c', 'say "hi"']);
    assert.deepEqual(splitFields('"Les Tilleuls" EHPAD|x'), ['"Les Tilleuls" EHPAD', 'x']);
    assert.deepEqual(splitFields('"open|x'), ['"open', 'x']);
    assert.deepEqual(splitFields('a||'), ['a', '', '']);
    const header = parseExtractionHeader(HEADER);
    const quoted = MARTIN.replace('Cabinet du Parc', '"Centre ""Santé"" | Nord"');
    const r = parseExtractionLine(quoted, header);
    assert.ok(r.ok);
    assert.equal(r.entry.organisation, 'Centre "Santé" | Nord');
  });

  it('ECO.3.1.4 takes the city from the routing line when the commune is a code', () => {
    const header = parseExtractionHeader(HEADER);
    const r = parseExtractionLine(MARTIN.replace('|Paris', '|75113'), header);
    assert.ok(r.ok);
    assert.equal(r.entry.city, 'PARIS');
  });

  it('checks the shape of addresses', () => {
    assert.ok(isPlausibleAddress('jean.dupont@hopital-x.mssante.fr'));
    assert.ok(!isPlausibleAddress('jean dupont@x.fr'));
    assert.ok(!isPlausibleAddress('jean@localhost'));
    assert.ok(!isPlausibleAddress('@x.fr'));
    assert.ok(!isPlausibleAddress(`${'a'.repeat(65)}@x.fr`));
  });
});

describe('Annuaire extraction line splitter', () => {
  function split(chunks: string[], max?: number): { lines: string[]; overlong: number } {
    const s = new LineSplitter(max);
    const lines = chunks.flatMap((c) => s.push(c));
    lines.push(...s.end());
    return { lines, overlong: s.overlongLines };
  }

  it('ECO.3.1.4 reads LF, CRLF (even cut between chunks) and a final line without break', () => {
    assert.deepEqual(split(['a\nb\r\nc']).lines, ['a', 'b', 'c']);
    assert.deepEqual(split(['a\r', '\nb\r', '\n', 'c\n']).lines, ['a', 'b', 'c']);
    assert.deepEqual(split(['ab', 'c\r\nd', 'ef']).lines, ['abc', 'def']);
    assert.deepEqual(split(['a\rb']).lines, ['a', 'b']);
  });

  it('ECO.3.1.4 drops a byte-order mark at the start only', () => {
    assert.deepEqual(split(['\ufeffhead\n\ufeffx']).lines, ['head', '\ufeffx']);
    assert.deepEqual(split(['', '\ufeffh\n']).lines, ['h']);
  });

  it('ECO.3.1.4 drops and counts lines longer than the limit, keeping memory bounded', () => {
    const r = split(['ok\n', 'x'.repeat(30), 'y'.repeat(30), '\nnext\n', 'z'.repeat(70)], 50);
    assert.deepEqual(r.lines, ['ok', 'next']);
    assert.equal(r.overlong, 2);
  });

  it('ECO.3.1.4 a whole CRLF file with BOM parses the same as LF', () => {
    const lf = [HEADER, MARTIN, 'bad'].join('\n');
    const crlf = '\ufeff' + [HEADER, MARTIN, 'bad'].join('\r\n') + '\r\n';
    const counts = (text: string) => {
      const s = new LineSplitter();
      const p = new ExtractionParser();
      const got = [];
      for (let i = 0; i < text.length; i += 7)
        for (const l of s.push(text.slice(i, i + 7))) got.push(p.push(l));
      for (const l of s.end()) got.push(p.push(l));
      return { entries: got.filter(Boolean), counts: p.finish(s.overlongLines) };
    };
    assert.deepEqual(counts(lf), counts(crlf));
    assert.equal(counts(crlf).entries.length, 1);
  });
});
