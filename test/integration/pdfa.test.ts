import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  PDFArray,
  PDFDict,
  PDFDocument,
  PDFHexString,
  PDFName,
  PDFRawStream,
  PDFStream,
  decodePDFRawStream,
} from 'pdf-lib';
import { PDF_TOOL_PACKAGES, ensurePackages } from '../../lab/system/packages';
import { MssanteError } from '../../shared/errors/mssante-error';
import { renderCdaPdfA } from '../../shared/domain/pdf/render';
import { readCdaNarrative } from '../../shared/domain/pdf/narrative';
import { srgbIccProfile } from '../../shared/domain/pdf/icc';
import { CR_HOSPI, NARRATIVE_SENTENCE, n3Cda, oneSection } from '../../lab/fixtures/cda-n3';
import { ANESTH, BIO, VIAL_PAUL, buildXdm, pseudoPdf } from '../../lab/fixtures/xdm/generate';
import { trueCopies } from '../../lab/fixtures/pdf-copies';
import { readPdfCopyFacts } from '../../shared/domain/pdf/copy-facts';
import { cdaXml } from '../../lab/fixtures/xdm/templates';

const fontDir = path.resolve('node_modules/dejavu-fonts-ttf/ttf');
const FONTS = {
  regular: new Uint8Array(readFileSync(path.join(fontDir, 'DejaVuSans.ttf'))),
  bold: new Uint8Array(readFileSync(path.join(fontDir, 'DejaVuSans-Bold.ttf'))),
};
const NOW = new Date('2026-03-04T05:06:07.890Z');
const enc = new TextEncoder();

/**
 * ECO.2.1.1 / ECO.2.1.5: PDF/A-1b copies of CDA N3 documents, checked with poppler's own tools
 * (pdftotext, pdffonts, pdfinfo) and by reading the file's objects back with pdf-lib.
 */
describe('PDF/A-1b copy of a CDA N3 document (shared/domain/pdf)', function () {
  let dir: string;
  let pdf: Uint8Array;
  let file: string;

  before(async function () {
    ensurePackages(PDF_TOOL_PACKAGES);
    dir = mkdtempSync(path.join(tmpdir(), 'pdfa-'));
    pdf = await renderCdaPdfA(enc.encode(n3Cda()), { fonts: FONTS, now: NOW });
    file = path.join(dir, 'copy.pdf');
    writeFileSync(file, pdf);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const tool = (name: string, ...args: string[]) =>
    execFileSync(name, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  /** pdftotext's text with runs of white space made single spaces. */
  const text = (f = file) => tool('pdftotext', '-enc', 'UTF-8', f, '-').replace(/\s+/g, ' ');

  it('ECO.2.1.5 carries the header data: patient (birth name, first names, INS, birth date, sex), type, title, dates, author, custodian, document id', function () {
    const t = text();
    for (const expected of [
      'Compte rendu d’hospitalisation en cardiologie',
      'Type de document : Lettre de sortie d’hospitalisation (11490-0)',
      'Patient (nom de naissance) : VIAL',
      'Prénoms : PAUL ANDRE',
      `INS : ${VIAL_PAUL.ins!} (INS-NIR, 1.2.250.1.213.1.4.8)`,
      'Date de naissance : 26/11/1978',
      'Sexe : Masculin',
      'Date de l’acte : 01/08/2015',
      'Date et heure de création : 02/08/2015 14:30 (+0200)',
      'Auteur : Dr Marie MARTIN',
      'Organisation conservant le document : Laboratoire des Lilas',
      'Identifiant du document : 1.2.250.1.213.1.1.9.1 / DOC-1',
    ])
      assert.ok(t.includes(expected), `missing «${expected}» in: ${t.slice(0, 600)}`);
  });

  it('ECO.2.1.5 carries its CDA document’s identity in the XMP (dc:identifier root^extension) next to pdfaid:part 1: the add-on recognises it as that document’s copy by its content', function () {
    const facts = readPdfCopyFacts(pdf);
    assert.deepEqual(facts, {
      isPdf: true,
      pdfaPart: 1,
      identifiers: ['1.2.250.1.213.1.1.9.1^DOC-1'],
    });
    const xmp = Buffer.from(pdf).toString('latin1');
    assert.match(xmp, /<dc:identifier>1\.2\.250\.1\.213\.1\.1\.9\.1\^DOC-1<\/dc:identifier>/);
  });

  it('the lab’s N1 fixture embeds a real PDF (qpdf --check, pdftotext), and its true copy is those bytes exactly', async function () {
    const embedded = pseudoPdf(5000, 77);
    const xdm = buildXdm({ documents: [BIO, { ...ANESTH, pdf: embedded }] });
    const copies = await trueCopies(xdm, NOW);
    assert.deepEqual(
      copies.map((c) => c.level),
      ['N3', 'N1'],
    );
    assert.deepEqual(Buffer.from(copies[1]!.bytes), Buffer.from(embedded));
    const n1 = path.join(dir, 'n1.pdf');
    writeFileSync(n1, copies[1]!.bytes);
    assert.match(tool('qpdf', '--check', n1), /No syntax or stream encoding errors found/);
    assert.match(text(n1), /Document N1 de test 77/);
    assert.equal(readPdfCopyFacts(copies[0]!.bytes).pdfaPart, 1);
  });

  it('ECO.2.1.5 transcribes every section’s title and narrative in document order: paragraphs, line breaks, lists, tables, unknown markup as text; deleted revisions and coded entries are not shown', function () {
    const raw = tool('pdftotext', '-enc', 'UTF-8', file, '-');
    const t = raw.replace(/\s+/g, ' ');
    const inOrder = [
      'Motif d’hospitalisation',
      'Douleur thoracique à l’effort depuis trois semaines.',
      'Texte conservé jusqu’ici.',
      'Antécédents',
      '1. Hypertension artérielle',
      '2. Diabète de type 2',
      '• sous metformine',
      '• Tabagisme sevré en 2010',
      'Résultats',
      'Bilan du 02/08/2015',
      'Conclusion',
      NARRATIVE_SENTENCE,
      'Balise inconnue : son texte reste lisible.',
      'Œdème résorbé, çà et là ; ïlot « guillemets ».',
    ];
    let at = 0;
    for (const piece of inOrder) {
      const found = t.indexOf(piece, at);
      assert.ok(found >= 0, `«${piece}» missing or out of order in: ${t}`);
      at = found + piece.length;
    }
    // A line break stays a line break.
    assert.match(raw, /Première ligne\s*\n\s*Deuxième ligne après un saut/);
    // Table cells: header row and values, each cell's text intact.
    for (const cell of [
      'Examen',
      'Résultat',
      'Valeurs de référence',
      'Glycémie à jeun',
      '5,1 mmol/L',
      '72 µmol/L',
      '(stable)',
      '45 – 104',
    ])
      assert.ok(t.includes(cell), `cell «${cell}» missing`);
    assert.ok(!t.includes('TEXTE SUPPRIMÉ'));
    assert.ok(!t.includes('ENTRÉE CODÉE'));
  });

  it('ECO.2.1.1 is PDF/A-1b in form: PDF 1.4 with a sound xref table (qpdf --check), no encryption, no JavaScript, only embedded DejaVu Sans subsets with ToUnicode (pdffonts: emb yes, sub yes, uni yes)', function () {
    const info = tool('pdfinfo', file);
    assert.match(info, /PDF version:\s+1\.4/);
    assert.match(info, /Encrypted:\s+no/);
    assert.match(info, /JavaScript:\s+no/);
    assert.match(info, /Metadata Stream:\s+yes/);
    // qpdf reads every object through the xref table (offsets right after the header fix).
    const check = tool('qpdf', '--check', file);
    assert.match(check, /PDF Version: 1\.4/);
    assert.match(check, /No syntax or stream encoding errors found/);
    assert.doesNotMatch(check, /WARNING|reconstruct/i);
    assert.equal(String.fromCharCode(...pdf.subarray(0, 9)), '%PDF-1.4\n');
    // The binary comment line after the header (ISO 19005-1 §6.1.2): 4 bytes above 127.
    assert.equal(pdf[9], 0x25);
    for (let i = 10; i < 14; i++) assert.ok(pdf[i]! > 127);
    const fonts = tool('pdffonts', file).trim().split('\n').slice(2);
    assert.equal(fonts.length, 2, tool('pdffonts', file));
    for (const line of fonts) {
      assert.match(
        line,
        /^[A-Z]{6}\+DejaVuSans(-Bold)?\s+CID TrueType\s+Identity-H\s+yes\s+yes\s+yes/,
      );
    }
  });

  it('ECO.2.1.1 has XMP metadata with pdfaid:part 1 and conformance B matching the Info dictionary, an sRGB GTS_PDFA1 OutputIntent, CIDSet and CIDToGIDMap for each font, a file ID, no object or xref streams, no transparency', async function () {
    const doc = await PDFDocument.load(pdf, { updateMetadata: false });
    const catalog = doc.catalog;
    const metadata = catalog.lookup(PDFName.of('Metadata'));
    assert.ok(metadata instanceof PDFRawStream);
    // Unfiltered, so that any reader finds it (ISO 19005-1 §6.7.2).
    assert.equal(metadata.dict.get(PDFName.of('Filter')), undefined);
    assert.equal(metadata.dict.get(PDFName.of('Subtype'))?.toString(), '/XML');
    const xmp = new TextDecoder().decode(metadata.contents);
    assert.match(xmp, /<pdfaid:part>1<\/pdfaid:part>/);
    assert.match(xmp, /<pdfaid:conformance>B<\/pdfaid:conformance>/);
    assert.match(xmp, /^<\?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"\?>/);
    assert.match(xmp, /<\?xpacket end="w"\?>$/);
    const field = (re: RegExp) => re.exec(xmp)?.[1];
    assert.equal(field(/<dc:title><rdf:Alt><rdf:li xml:lang="x-default">([^<]*)</), doc.getTitle());
    assert.equal(field(/<dc:creator><rdf:Seq><rdf:li>([^<]*)</), doc.getAuthor());
    assert.equal(field(/<pdf:Producer>([^<]*)</), doc.getProducer());
    assert.equal(field(/<xmp:CreatorTool>([^<]*)</), doc.getCreator());
    assert.equal(field(/<xmp:CreateDate>([^<]*)</), '2026-03-04T05:06:07Z');
    assert.equal(doc.getCreationDate()?.toISOString(), '2026-03-04T05:06:07.000Z');
    assert.equal(doc.getModificationDate()?.toISOString(), '2026-03-04T05:06:07.000Z');
    assert.equal(doc.getTitle(), 'Compte rendu d’hospitalisation en cardiologie');

    const intents = catalog.lookup(PDFName.of('OutputIntents'), PDFArray);
    assert.equal(intents.size(), 1);
    const intent = intents.lookup(0, PDFDict);
    assert.equal(intent.get(PDFName.of('S'))?.toString(), '/GTS_PDFA1');
    assert.ok(intent.get(PDFName.of('OutputConditionIdentifier')));
    const profile = intent.lookup(PDFName.of('DestOutputProfile'), PDFStream);
    assert.equal(profile.dict.get(PDFName.of('N'))?.toString(), '3');
    const icc = decodePDFRawStream(profile as PDFRawStream).decode();
    assert.deepEqual(Buffer.from(icc), Buffer.from(srgbIccProfile()));

    const id = doc.context.trailerInfo.ID as PDFArray | undefined;
    assert.ok(id instanceof PDFArray && id.size() === 2);
    assert.ok(id.get(0) instanceof PDFHexString);
    assert.equal(doc.context.trailerInfo.Encrypt, undefined);

    const rawText = Buffer.from(pdf).toString('latin1');
    for (const banned of [
      '/ObjStm',
      '/XRef',
      '/JavaScript',
      '/JS',
      '/SMask',
      '/Group',
      '/CA ',
      '/ca ',
      '/Encrypt',
      '/AA',
      '/Standard',
    ])
      assert.ok(!rawText.includes(banned), `${banned} found`);
    assert.match(rawText, /\nxref\n0 \d+\n0000000000 65535 f/);

    let fonts = 0;
    for (const [, object] of doc.context.enumerateIndirectObjects()) {
      if (!(object instanceof PDFDict) || object.get(PDFName.of('Type'))?.toString() !== '/Font')
        continue;
      const subtype = object.get(PDFName.of('Subtype'))?.toString();
      assert.ok(subtype === '/Type0' || subtype === '/CIDFontType2', `font subtype ${subtype}`);
      if (subtype !== '/CIDFontType2') continue;
      fonts += 1;
      assert.equal(object.get(PDFName.of('CIDToGIDMap'))?.toString(), '/Identity');
      const descriptor = object.lookup(PDFName.of('FontDescriptor'), PDFDict);
      assert.ok(descriptor.lookup(PDFName.of('FontFile2')) instanceof PDFStream);
      const cidSet = descriptor.lookup(PDFName.of('CIDSet'), PDFStream);
      const bits = decodePDFRawStream(cidSet as PDFRawStream).decode();
      assert.equal(bits[0]! & 0x80, 0x80, 'CID 0 present');
    }
    assert.equal(fonts, 2);
  });

  it('ECO.2.1.1 the OutputIntent profile is a well-formed ICC v2 RGB display profile with the tags ICC.1:2001-04 requires', function () {
    const p = srgbIccProfile();
    const view = new DataView(p.buffer, p.byteOffset, p.byteLength);
    const s = (at: number) => String.fromCharCode(...p.subarray(at, at + 4));
    assert.equal(view.getUint32(0), p.length);
    assert.equal(p[8], 2, 'major version 2');
    assert.equal(s(12), 'mntr');
    assert.equal(s(16), 'RGB ');
    assert.equal(s(20), 'XYZ ');
    assert.equal(s(36), 'acsp');
    const count = view.getUint32(128);
    const tags = new Map<string, { offset: number; size: number }>();
    for (let i = 0; i < count; i++) {
      const at = 132 + 12 * i;
      const offset = view.getUint32(at + 4);
      const size = view.getUint32(at + 8);
      assert.ok(offset % 4 === 0 && offset + size <= p.length, `tag ${s(at)} in bounds`);
      tags.set(s(at), { offset, size });
    }
    const types: Record<string, string> = {
      desc: 'desc',
      cprt: 'text',
      wtpt: 'XYZ ',
      rXYZ: 'XYZ ',
      gXYZ: 'XYZ ',
      bXYZ: 'XYZ ',
      rTRC: 'curv',
      gTRC: 'curv',
      bTRC: 'curv',
    };
    for (const [tag, type] of Object.entries(types)) {
      const t = tags.get(tag);
      assert.ok(t, `${tag} present`);
      assert.equal(s(t.offset), type);
    }
    // Colorants add up to the D50 white (what a matrix/TRC profile must satisfy).
    const xyz = (tag: string, i: number) =>
      view.getInt32(tags.get(tag)!.offset + 8 + 4 * i) / 65536;
    for (const [i, d50] of [0.9642, 1.0, 0.8249].entries())
      assert.ok(Math.abs(xyz('rXYZ', i) + xyz('gXYZ', i) + xyz('bXYZ', i) - d50) < 0.002);
  });

  it('ECO.2.1.5 wraps long lines and paginates a long narrative; a word longer than a line is cut, characters the font lacks become «?», page numbers are right', async function () {
    const long = Array.from(
      { length: 300 },
      (_, i) =>
        `<paragraph>Paragraphe ${i + 1} : surveillance tensionnelle à domicile, évolution satisfaisante ; aucune modification thérapeutique n’est nécessaire à ce stade.</paragraph>`,
    ).join('');
    const word = 'A'.repeat(400);
    const bytes = await renderCdaPdfA(
      enc.encode(
        n3Cda({
          body: oneSection(
            `${long}<paragraph>${word}</paragraph><paragraph>Idéogramme 漢 fin.</paragraph>`,
            'Suivi',
          ),
        }),
      ),
      { fonts: FONTS, now: NOW },
    );
    const f = path.join(dir, 'long.pdf');
    writeFileSync(f, bytes);
    const pages = Number(/Pages:\s+(\d+)/.exec(tool('pdfinfo', f))![1]);
    assert.ok(pages >= 8, `${pages} pages`);
    const raw = tool('pdftotext', '-enc', 'UTF-8', f, '-');
    const t = raw.replace(/\s+/g, ' ');
    assert.ok(t.includes('Paragraphe 1 :') && t.includes('Paragraphe 300 :'));
    assert.ok(t.includes(`page ${pages} / ${pages}`));
    assert.ok(t.includes('Idéogramme ? fin.'));
    // The 400-letter word went out whole, cut over several lines.
    assert.ok(/A{400}/.test(raw.replace(/\s+/g, '')));
    assert.ok(!/A{400}/.test(raw));
    // Nothing is drawn outside the margins on the last pages (where the long word is).
    const bbox = tool('pdftotext', '-bbox', '-f', String(pages - 1), '-l', String(pages), f, '-');
    let words = 0;
    for (const m of bbox.matchAll(/xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"/g)) {
      words += 1;
      assert.ok(Number(m[1]) >= 49 && Number(m[2]) <= 595.28 - 49, `word at ${m[1]}–${m[2]}`);
    }
    assert.ok(words > 10);
  });

  async function refusal(xml: string, options = {}): Promise<string> {
    try {
      await renderCdaPdfA(enc.encode(xml), { fonts: FONTS, now: NOW, ...options });
    } catch (error) {
      assert.ok(error instanceof MssanteError, String(error));
      return error.code;
    }
    return 'accepted';
  }

  it('hostile CDA documents are refused with a coded error: entities (DOCTYPE), deep nesting, huge text, too many pages, an N1 document, not a CDA', async function () {
    const doctype = `<?xml version="1.0"?><!DOCTYPE ClinicalDocument [<!ENTITY x "${'x'.repeat(100)}"><!ENTITY y "&x;&x;&x;&x;">]>${n3Cda()
      .replace(/^<\?xml[^>]*\?>/, '')
      .replace('Motif', '&y;Motif')}`;
    assert.equal(await refusal(doctype), 'E_XML_DOCTYPE');
    const deep = `${'<content>'.repeat(500)}profond${'</content>'.repeat(500)}`;
    assert.equal(await refusal(n3Cda({ body: oneSection(deep) })), 'E_PDFA_TOO_DEEP');
    const huge = `<paragraph>${'mot '.repeat(300_000)}</paragraph>`;
    assert.equal(await refusal(n3Cda({ body: oneSection(huge) })), 'E_PDFA_TOO_LARGE');
    const pages = `<paragraph>${'ligne<br/>'.repeat(400)}</paragraph>`;
    assert.equal(
      await refusal(n3Cda({ body: oneSection(pages) }), { maxPages: 3 }),
      'E_PDFA_TOO_LARGE',
    );
    assert.equal(await refusal(cdaXml(ANESTH, VIAL_PAUL, 1)), 'E_PDFA_NOT_N3');
    assert.equal(await refusal('<html xmlns="http://www.w3.org/1999/xhtml"/>'), 'E_CDA_INVALID');
    assert.equal(await refusal(n3Cda().replace('</ClinicalDocument>', '')), 'E_XML_MALFORMED');
  });

  it('ECO.2.1.5 markup-looking text stays text: escaped tags and character references are shown, never interpreted', async function () {
    const body = oneSection(
      '<paragraph>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#233;t&#xE9; (x &lt; y)</paragraph>',
    );
    const read = readCdaNarrative(enc.encode(n3Cda({ body })));
    assert.deepEqual(read.blocks[1], {
      kind: 'paragraph',
      text: '<script>alert(1)</script> & été (x < y)',
      indent: 0,
    });
    const bytes = await renderCdaPdfA(enc.encode(n3Cda({ body })), { fonts: FONTS, now: NOW });
    const f = path.join(dir, 'escaped.pdf');
    writeFileSync(f, bytes);
    assert.ok(text(f).includes('<script>alert(1)</script> & été (x < y)'));
    assert.ok(!Buffer.from(bytes).toString('latin1').includes('/JavaScript'));
  });

  it('ECO.2.1.1 a huge title stays within PDF/A-1 string limits in Info and XMP (cut there, whole on the page), and the two still agree', async function () {
    const title = `Compte rendu ${'très détaillé '.repeat(400)}fin`;
    const bytes = await renderCdaPdfA(enc.encode(n3Cda({ doc: { ...CR_HOSPI, title } })), {
      fonts: FONTS,
      now: NOW,
    });
    const doc = await PDFDocument.load(bytes, { updateMetadata: false });
    const info = doc.getTitle()!;
    assert.equal(Array.from(info).length, 2000);
    assert.ok(info.endsWith('…'));
    const metadata = doc.catalog.lookup(PDFName.of('Metadata'));
    assert.ok(metadata instanceof PDFRawStream);
    const xmp = new TextDecoder().decode(metadata.contents);
    assert.ok(xmp.includes(`<rdf:li xml:lang="x-default">${info}</rdf:li>`));
    const f = path.join(dir, 'title.pdf');
    writeFileSync(f, bytes);
    assert.ok(text(f).includes('très détaillé fin'));
  });

  it('ECO.2.1.5 uses the XDS-free header: a document without title falls back to its type, the creation date without time to the date', async function () {
    const xml = n3Cda({ doc: { ...CR_HOSPI, title: '' } })
      .replace(/<title><\/title>/, '')
      .replace('<effectiveTime value="20150802143000+0200"/>', '<effectiveTime value="20150802"/>');
    const bytes = await renderCdaPdfA(enc.encode(xml), { fonts: FONTS, now: NOW });
    const f = path.join(dir, 'notitle.pdf');
    writeFileSync(f, bytes);
    const doc = await PDFDocument.load(bytes, { updateMetadata: false });
    assert.equal(doc.getTitle(), 'Lettre de sortie d’hospitalisation');
    assert.ok(text(f).includes('Date et heure de création : 02/08/2015'));
  });
});
