import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  EXTRACTION_COLUMNS,
  type ExtractionColumn,
} from '../../../../shared/domain/annuaire/entry';
import { OfflineAnnuaire } from '../../../../native-host/annuaire/offline-index';

/**
 * The offline index fed the extraction file as the ANS serves it in 2026 (its header written out
 * literally, not taken from our own constant), small enough for the unit layer.
 */
const ANS_2026_HEADER =
  "Type de BAL|Adresse BAL|Type Identifiant PP|Identifiant PP|Identification nationale PP|Type identifiant structure|Identification Structure|Service de rattachement|Civilité d'exercice|Nom d'exercice|Prénom d'exercice|Catégorie profession|Libellé de catégorie profession|Code Profession|Libellé Profession|Code savoir-faire|Libellé savoir-faire|Dématérialisation|Raison Sociale structure BAL|Enseigne commerciale structure BAL|L2COMPLEMENTLOCALISATION|L3COMPLEMENTDISTRIBUTION|L4NUMEROVOIE|L4COMPLEMENTNUMEROVOIE|NL4TYPEVOIE|L4LIBELLEVOIE|L5LIEUDITMENTION|L6LIGNEACHEMINEMENT|Code postal|Département|Pays";

function line(values: Partial<Record<ExtractionColumn, string>>): string {
  return EXTRACTION_COLUMNS.map((c) => values[c] ?? '').join('|');
}

const MARTIN_PARIS = {
  'Type de BAL': 'PER',
  'Adresse BAL': 'marie.martin@medecin.mssante.fr',
  "Civilité d'exercice": 'DR',
  "Nom d'exercice": 'MARTIN',
  "Prénom d'exercice": 'Marie',
  'Code Profession': '10',
  'Libellé Profession': 'Médecin',
  'Raison Sociale structure BAL': 'Cabinet des Lilas',
  L4NUMEROVOIE: '12',
  L4COMPLEMENTNUMEROVOIE: 'bis',
  NL4TYPEVOIE: 'R',
  L4LIBELLEVOIE: 'DES LILAS',
  L6LIGNEACHEMINEMENT: '75013 PARIS',
  'Code postal': '75013',
  Département: '75',
  Pays: 'FRANCE',
} as const;

const LINES = [
  ANS_2026_HEADER,
  line(MARTIN_PARIS),
  // The same mailbox on a second situation d'exercice, with fewer fields: the first line wins.
  line({
    'Type de BAL': 'PER',
    'Adresse BAL': 'Marie.Martin@medecin.mssante.fr',
    "Nom d'exercice": 'MARTIN',
    "Prénom d'exercice": 'Marie',
    L6LIGNEACHEMINEMENT: '69003 LYON',
    'Code postal': '69003',
  }),
  line({
    'Type de BAL': 'ORG',
    'Adresse BAL': 'secretariat.cardio@ch-nord.mssante.fr',
    'Raison Sociale structure BAL': 'CENTRE HOSPITALIER NORD',
    'Service de rattachement': 'Cardiologie',
    L2COMPLEMENTLOCALISATION: 'BATIMENT C',
    L4NUMEROVOIE: '4',
    NL4TYPEVOIE: 'BD',
    L4LIBELLEVOIE: 'DE LA LIBERTE',
    L3COMPLEMENTDISTRIBUTION: 'CS 30001',
    L6LIGNEACHEMINEMENT: '13008 MARSEILLE CEDEX 08',
    'Code postal': '13008',
    Département: '13',
    Pays: 'FRANCE',
  }),
  line({
    'Type de BAL': 'PER',
    'Adresse BAL': 'paul.durand@pharmacien.mssante.fr',
    "Nom d'exercice": 'DURAND',
    "Prénom d'exercice": 'Paul',
    L5LIEUDITMENTION: 'LE HAMEAU',
    L6LIGNEACHEMINEMENT: '69001 LYON',
    'Code postal': '69001',
    Département: '69',
  }),
  // An ORG address repeated with more fields: the more complete line wins, though later.
  line({
    'Type de BAL': 'ORG',
    'Adresse BAL': 'accueil@clinique-sud.mssante.fr',
    'Raison Sociale structure BAL': 'CLINIQUE DU SUD',
  }),
  line({
    'Type de BAL': 'ORG',
    'Adresse BAL': 'accueil@clinique-sud.mssante.fr',
    'Raison Sociale structure BAL': 'CLINIQUE DU SUD',
    L6LIGNEACHEMINEMENT: '06000 NICE',
    'Code postal': '06000',
    Département: '06',
  }),
];

describe('Offline Annuaire index fed the 2026 extraction file', () => {
  let work: string;
  let index: OfflineAnnuaire;
  before(() => {
    work = mkdtempSync(path.join(os.tmpdir(), 'mssante-annuaire-real-'));
  });
  afterEach(() => index?.close());
  after(() => rmSync(work, { recursive: true, force: true }));

  async function imported(name: string, lines: string[]) {
    const file = path.join(work, `${name}.txt`);
    writeFileSync(file, lines.join('\r\n') + '\r\n');
    index = new OfflineAnnuaire(path.join(work, `${name}-index`));
    return index.import(file);
  }

  const mails = (r: { entries: { mail: string }[] }) => r.entries.map((e) => e.mail);

  it('ECO.3.1.4 finds entries by postal code, department, city and mail address, each with its postal address', async () => {
    const report = await imported('real', LINES);
    assert.deepEqual(report.missingColumns, []);
    assert.deepEqual(mails(index.search({ postalCode: '75013' })), [MARTIN_PARIS['Adresse BAL']]);
    assert.deepEqual(mails(index.search({ postalCode: '69' })), [
      'paul.durand@pharmacien.mssante.fr',
    ]);
    assert.deepEqual(mails(index.search({ city: 'paris' })), [MARTIN_PARIS['Adresse BAL']]);
    assert.deepEqual(mails(index.search({ city: 'Marseille' })), [
      'secretariat.cardio@ch-nord.mssante.fr',
    ]);
    assert.deepEqual(mails(index.search({ city: 'lyon', name: 'durand' })), [
      'paul.durand@pharmacien.mssante.fr',
    ]);
    const marie = index.lookup(MARTIN_PARIS['Adresse BAL']);
    assert.ok(marie);
    assert.deepEqual(
      {
        addressLines: marie.addressLines,
        postalCode: marie.postalCode,
        city: marie.city,
        department: marie.department,
      },
      {
        addressLines: ['12 bis R DES LILAS'],
        postalCode: '75013',
        city: 'PARIS',
        department: '75',
      },
    );
    assert.deepEqual(index.lookup('secretariat.cardio@ch-nord.mssante.fr')?.addressLines, [
      'BATIMENT C',
      '4 BD DE LA LIBERTE',
      'CS 30001',
    ]);
    assert.equal(index.lookup('paul.durand@pharmacien.mssante.fr')?.addressLines[0], 'LE HAMEAU');
  });

  it('ECO.3.1.4 collapses an address repeated on several lines into one entry: the most complete line, else the first', async () => {
    const report = await imported('dups', LINES);
    assert.equal(report.counts.lines, 6);
    assert.equal(report.counts.entries, 6);
    assert.equal(report.entries, 4);
    assert.equal(report.duplicates, 2);
    // The Paris line has more fields than the Lyon one, and came first: it wins.
    const marie = index.search({ name: 'martin' });
    assert.equal(marie.entries.length, 1);
    assert.equal(marie.entries[0]!.mail, MARTIN_PARIS['Adresse BAL']);
    assert.equal(marie.entries[0]!.city, 'PARIS');
    assert.deepEqual(mails(index.search({ postalCode: '69003' })), []);
    // The later, more complete line of the clinic wins over its first, bare line.
    assert.equal(index.lookup('accueil@clinique-sud.mssante.fr')?.city, 'NICE');
  });

  it('ECO.3.1.4 a header without the address columns imports, and the report names every missing column', async () => {
    const header = ANS_2026_HEADER.split('|').slice(0, 20);
    const report = await imported('short', [
      header.join('|'),
      line(MARTIN_PARIS).split('|').slice(0, 20).join('|'),
    ]);
    assert.equal(report.entries, 1);
    assert.deepEqual(report.missingColumns, EXTRACTION_COLUMNS.slice(20));
    assert.deepEqual(mails(index.search({ postalCode: '75013' })), []);
    assert.deepEqual(index.info()?.missingColumns, EXTRACTION_COLUMNS.slice(20));
  });
});
