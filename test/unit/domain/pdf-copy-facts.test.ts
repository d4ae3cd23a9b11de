import assert from 'node:assert/strict';
import { documentIdentity, readPdfCopyFacts } from '../../../shared/domain/pdf/copy-facts';
import { pdfaXmp } from '../../../shared/domain/pdf/xmp';

const enc = new TextEncoder();
const INFO = {
  title: 'CR',
  author: 'Dr Marie MARTIN',
  producer: 'p',
  creator: 'c',
  created: new Date('2026-01-02T03:04:05Z'),
};
/** PDF-shaped bytes holding the given XMP packets as uncompressed metadata streams. */
const pdfWith = (...packets: string[]) =>
  enc.encode(
    `%PDF-1.4\n${packets.map((p, i) => `${i + 10} 0 obj\n<< /Type /Metadata /Subtype /XML >>\nstream\n${p}\nendstream\nendobj\n`).join('')}%%EOF\n`,
  );

describe('what a PDF attachment says about itself (shared/domain/pdf/copy-facts)', () => {
  it('reads pdfaid:part and dc:identifier from the packet the generator writes', () => {
    const id = documentIdentity({ root: '1.2.250.1.213.1.1.9.1', extension: 'DOC-1' });
    assert.equal(id, '1.2.250.1.213.1.1.9.1^DOC-1');
    assert.equal(documentIdentity({ root: '1.2.3' }), '1.2.3');
    assert.deepEqual(readPdfCopyFacts(pdfWith(pdfaXmp({ ...INFO, identifier: id }))), {
      isPdf: true,
      pdfaPart: 1,
      identifiers: [id],
    });
    assert.deepEqual(readPdfCopyFacts(pdfWith(pdfaXmp(INFO))), {
      isPdf: true,
      pdfaPart: 1,
      identifiers: [],
    });
  });

  it('reads the attribute form, XML escapes, and prefers the packet declaring pdfaid:part', () => {
    const attr = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description pdfaid:part="2" dc:identifier="A&amp;B"/></rdf:RDF></x:xmpmeta>`;
    assert.deepEqual(readPdfCopyFacts(pdfWith(attr)), {
      isPdf: true,
      pdfaPart: 2,
      identifiers: ['A&B'],
    });
    // An image's own packet after the document's: the document's (with pdfaid) counts.
    const image = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><dc:identifier>IMG</dc:identifier></x:xmpmeta>`;
    const facts = readPdfCopyFacts(pdfWith(pdfaXmp({ ...INFO, identifier: 'DOC' }), image));
    assert.deepEqual(facts.identifiers, ['DOC']);
    assert.equal(facts.pdfaPart, 1);
  });

  it('a file that does not start with %PDF- is no PDF; a PDF without XMP has no part', () => {
    assert.deepEqual(readPdfCopyFacts(enc.encode('PK\u0003\u0004 not a pdf')), {
      isPdf: false,
      identifiers: [],
    });
    assert.deepEqual(readPdfCopyFacts(enc.encode('%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n')), {
      isPdf: true,
      identifiers: [],
    });
  });
});
