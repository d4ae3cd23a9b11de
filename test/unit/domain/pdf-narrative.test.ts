import assert from 'node:assert/strict';
import { MssanteError } from '../../../shared/errors/mssante-error';
import { readCdaNarrative } from '../../../shared/domain/pdf/narrative';
import { frenchDateTime, headerLines } from '../../../shared/domain/pdf/render';
import { CdaHeaderReader } from '../../../shared/domain/cda/header';
import { NARRATIVE_SENTENCE, n3Cda, oneSection } from '../../../lab/fixtures/cda-n3';

const enc = new TextEncoder();
const code = (f: () => unknown): string => {
  try {
    f();
  } catch (error) {
    assert.ok(error instanceof MssanteError, String(error));
    return error.code;
  }
  return 'accepted';
};

describe('CDA N3 narrative for the PDF/A copy (shared/domain/pdf/narrative.ts)', () => {
  it('ECO.2.1.5 reads every section title and narrative block in document order, nested sections one level deeper', () => {
    const read = readCdaNarrative(enc.encode(n3Cda()));
    assert.deepEqual(read.blocks, [
      { kind: 'heading', depth: 1, text: 'Motif d’hospitalisation' },
      {
        kind: 'paragraph',
        text: 'Douleur thoracique à l’effort depuis trois semaines.',
        indent: 0,
      },
      { kind: 'paragraph', text: 'Première ligne\nDeuxième ligne après un saut', indent: 0 },
      { kind: 'paragraph', text: 'Texte conservé jusqu’ici.', indent: 0 },
      { kind: 'heading', depth: 2, text: 'Antécédents' },
      { kind: 'item', text: 'Hypertension artérielle', indent: 0, marker: '1.' },
      { kind: 'item', text: 'Diabète de type 2', indent: 0, marker: '2.' },
      { kind: 'item', text: 'sous metformine', indent: 1, marker: '•' },
      { kind: 'item', text: 'Tabagisme sevré en 2010', indent: 0, marker: '•' },
      { kind: 'heading', depth: 1, text: 'Résultats' },
      {
        kind: 'table',
        caption: 'Bilan du 02/08/2015',
        rows: [
          { header: true, cells: ['Examen', 'Résultat', 'Valeurs de référence'] },
          { header: false, cells: ['Glycémie à jeun', '5,1 mmol/L', '4,1 – 5,9'] },
          { header: false, cells: ['Créatinine', '72 µmol/L\n(stable)', '45 – 104'] },
        ],
      },
      { kind: 'heading', depth: 1, text: 'Conclusion' },
      { kind: 'paragraph', text: NARRATIVE_SENTENCE, indent: 0 },
      {
        kind: 'paragraph',
        text: 'Balise inconnue : son texte reste lisible. Œdème résorbé, çà et là ; ïlot « guillemets ».',
        indent: 0,
      },
    ]);
  });

  it('ECO.2.1.5 reads the header data the seed lists: document id, creation time, author, custodian', () => {
    const bytes = enc.encode(n3Cda());
    const read = readCdaNarrative(bytes);
    assert.deepEqual(read.documentId, { root: '1.2.250.1.213.1.1.9.1', extension: 'DOC-1' });
    assert.equal(read.creationTime, '20150802143000+0200');
    assert.deepEqual(read.authors, ['Dr Marie MARTIN']);
    assert.equal(read.custodian, 'Laboratoire des Lilas');
    const reader = new CdaHeaderReader();
    reader.push(bytes);
    const lines = Object.fromEntries(headerLines(reader.finish(), read));
    assert.equal(lines['Patient (nom de naissance)'], 'VIAL');
    assert.equal(lines['Sexe'], 'Masculin');
    assert.equal(frenchDateTime('201508021430'), '02/08/2015 14:30');
    assert.equal(frenchDateTime('20150802', { year: 2015, month: 8, day: 2 }), '02/08/2015');
  });

  it('refuses hostile documents with a coded error (entities, depth, size, N1)', () => {
    const doctype = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "boom">]><ClinicalDocument xmlns="urn:hl7-org:v3">&e;</ClinicalDocument>`;
    assert.equal(
      code(() => readCdaNarrative(enc.encode(doctype))),
      'E_XML_DOCTYPE',
    );
    const deep = n3Cda({
      body: oneSection(`${'<content>'.repeat(200)}x${'</content>'.repeat(200)}`),
    });
    assert.equal(
      code(() => readCdaNarrative(enc.encode(deep))),
      'E_PDFA_TOO_DEEP',
    );
    const big = n3Cda({ body: oneSection(`<paragraph>${'a'.repeat(2000)}</paragraph>`) });
    assert.equal(
      code(() =>
        readCdaNarrative(enc.encode(big), { maxDepth: 128, maxChars: 1000, maxBytes: 1e7 }),
      ),
      'E_PDFA_TOO_LARGE',
    );
    assert.equal(
      code(() =>
        readCdaNarrative(enc.encode(big), { maxDepth: 128, maxChars: 1e6, maxBytes: 100 }),
      ),
      'E_PDFA_TOO_LARGE',
    );
    const n1 = n3Cda({
      body: '<component><nonXMLBody><text mediaType="application/pdf" representation="B64">JVBERi0=</text></nonXMLBody></component>',
    });
    assert.equal(
      code(() => readCdaNarrative(enc.encode(n1))),
      'E_PDFA_NOT_N3',
    );
    assert.equal(
      code(() => readCdaNarrative(enc.encode('<a/>'))),
      'E_CDA_INVALID',
    );
  });
});
