import assert from 'node:assert/strict';
import { EXTRACTION_COLUMNS } from '../../../shared/domain/annuaire/entry';
import {
  ExtractionParser,
  cityOf,
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
  L2COMPLEMENTLOCALISATION: 'Bâtiment B',
  L4NUMEROVOIE: '12',
  L4COMPLEMENTNUMEROVOIE: 'bis',
  NL4TYPEVOIE: 'R',
  L4LIBELLEVOIE: 'des Lilas',
  L5LIEUDITMENTION: 'Les Gobelins',
  L3COMPLEMENTDISTRIBUTION: 'BP 12',
  L6LIGNEACHEMINEMENT: '75013 PARIS',
  'Code postal': '75013',
  Département: '75',
  Pays: 'FRANCE',
});

/** The header of the file the ANS served in 2026, as published (one line, `|`-separated). */
const ANS_2026_HEADER =
  "Type de BAL|Adresse BAL|Type Identifiant PP|Identifiant PP|Identification nationale PP|Type identifiant structure|Identification Structure|Service de rattachement|Civilité d'exercice|Nom d'exercice|Prénom d'exercice|Catégorie profession|Libellé de catégorie profession|Code Profession|Libellé Profession|Code savoir-faire|Libellé savoir-faire|Dématérialisation|Raison Sociale structure BAL|Enseigne commerciale structure BAL|L2COMPLEMENTLOCALISATION|L3COMPLEMENTDISTRIBUTION|L4NUMEROVOIE|L4COMPLEMENTNUMEROVOIE|NL4TYPEVOIE|L4LIBELLEVOIE|L5LIEUDITMENTION|L6LIGNEACHEMINEMENT|Code postal|Département|Pays";

/** The older header: the address columns suffixed with ` structure BAL`. */
const SUFFIXED_HEADER = ANS_2026_HEADER.replace(
  /\|(L2COMPLEMENTLOCALISATION|L3COMPLEMENTDISTRIBUTION|L4NUMEROVOIE|L4COMPLEMENTNUMEROVOIE|NL4TYPEVOIE|L4LIBELLEVOIE|L5LIEUDITMENTION|L6LIGNEACHEMINEMENT|Code postal|Département|Pays)(?=\||$)/g,
  '|$1 structure BAL',
);

/** The add-on's own header before it knew the real one (invented address column names). */
const INVENTED_HEADER = ANS_2026_HEADER.replace(
  'L2COMPLEMENTLOCALISATION|L3COMPLEMENTDISTRIBUTION|L4NUMEROVOIE|L4COMPLEMENTNUMEROVOIE|NL4TYPEVOIE|L4LIBELLEVOIE|L5LIEUDITMENTION|L6LIGNEACHEMINEMENT|Code postal|Département|Pays',
  'Complément localisation structure BAL|Complément distribution structure BAL|Numéro Voie structure BAL|Complément numéro|Type de voie structure BAL|Libellé Voie structure BAL|Lieu-dit structure BAL|Ligne Acheminement structure BAL|Code postal structure BAL|Département structure BAL|Pays structure BAL',
);

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
      addressLines: ['Bâtiment B', '12 bis R des Lilas', 'Les Gobelins', 'BP 12'],
      postalCode: '75013',
      city: 'PARIS',
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

  it('ECO.3.1.4 takes the city from the routing line (L6) without its postal code', () => {
    assert.equal(cityOf('75013 PARIS', '75013'), 'PARIS');
    assert.equal(cityOf('13008 MARSEILLE CEDEX 08', '13008'), 'MARSEILLE CEDEX 08');
    assert.equal(cityOf('20000 AJACCIO', ''), 'AJACCIO');
    assert.equal(cityOf('97400 SAINT-DENIS', '97400'), 'SAINT-DENIS');
    assert.equal(cityOf('LYON', '69001'), 'LYON');
    assert.equal(cityOf('', '69001'), '');
  });

  it('ECO.3.1.4 recognises the header the ANS serves in 2026: every column known, none missing', () => {
    assert.equal(ANS_2026_HEADER, EXTRACTION_COLUMNS.join('|'));
    const header = parseExtractionHeader(ANS_2026_HEADER);
    assert.equal(header.fieldCount, 31);
    assert.equal(header.index.size, 31);
    assert.deepEqual(header.missing, []);
    assert.equal(header.index.get('L6LIGNEACHEMINEMENT'), 27);
    assert.equal(header.index.get('Code postal'), 28);
  });

  it('ECO.3.1.4 recognises the older header (address columns suffixed " structure BAL") the same way', () => {
    assert.match(
      SUFFIXED_HEADER,
      /\|L6LIGNEACHEMINEMENT structure BAL\|Code postal structure BAL\|/,
    );
    const header = parseExtractionHeader(SUFFIXED_HEADER);
    assert.deepEqual(header.missing, []);
    const r = parseExtractionLine(MARTIN, header);
    assert.ok(r.ok);
    assert.equal(r.entry.postalCode, '75013');
    assert.equal(r.entry.city, 'PARIS');
    assert.deepEqual(r.entry.addressLines, [
      'Bâtiment B',
      '12 bis R des Lilas',
      'Les Gobelins',
      'BP 12',
    ]);
  });

  it('ECO.3.1.4 names the known columns a header lacks, so the import can say which searches find nothing', () => {
    const header = parseExtractionHeader(INVENTED_HEADER);
    assert.deepEqual(header.missing, [
      'L2COMPLEMENTLOCALISATION',
      'L3COMPLEMENTDISTRIBUTION',
      'L4NUMEROVOIE',
      'L4COMPLEMENTNUMEROVOIE',
      'NL4TYPEVOIE',
      'L4LIBELLEVOIE',
      'L5LIEUDITMENTION',
      'L6LIGNEACHEMINEMENT',
    ]);
    const r = parseExtractionLine(MARTIN, header);
    assert.ok(r.ok);
    assert.equal(r.entry.postalCode, '75013', '"Code postal structure BAL" is known');
    assert.equal(r.entry.city, '', 'no routing line, no city');
    assert.deepEqual(r.entry.addressLines, []);
    const p = new ExtractionParser();
    assert.equal(p.missingColumns.length, 0, 'nothing is missing before the header');
    p.push("Type de BAL|Adresse BAL|Nom d'exercice|Prénom d'exercice");
    assert.equal(p.missingColumns.length, 27);
    assert.ok(p.missingColumns.includes('Code postal'));
    assert.ok(!p.missingColumns.includes('Adresse BAL'));
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
