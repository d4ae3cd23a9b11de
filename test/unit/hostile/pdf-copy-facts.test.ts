import assert from 'node:assert/strict';
import { concat } from '../../../lab/fixtures/xdm/zip-writer';
import { MAX_XMP_BYTES, readPdfCopyFacts } from '../../../shared/domain/pdf/copy-facts';

const enc = new TextEncoder();

describe('hostile PDF attachments read for their copy facts (shared/domain/pdf/copy-facts)', () => {
  it('hostile: 64 MB of "<" bytes after %PDF- give a PDF with no XMP, no crash', () => {
    const bytes = new Uint8Array(64 * 1024 * 1024).fill(0x3c);
    bytes.set(enc.encode('%PDF-1.4\n'), 0);
    assert.deepEqual(readPdfCopyFacts(bytes), { isPdf: true, identifiers: [] });
  });

  it('hostile: an unterminated XMP packet, and one over the size limit, are not read', () => {
    const open = enc.encode('%PDF-1.4\n<x:xmpmeta><pdfaid:part>1</pdfaid:part>');
    assert.deepEqual(readPdfCopyFacts(open), { isPdf: true, identifiers: [] });
    const huge = concat([
      enc.encode(
        '%PDF-1.4\n<x:xmpmeta><pdfaid:part>1</pdfaid:part><dc:identifier>X</dc:identifier>',
      ),
      new Uint8Array(MAX_XMP_BYTES).fill(0x20),
      enc.encode('</x:xmpmeta>'),
    ]);
    assert.deepEqual(readPdfCopyFacts(huge), { isPdf: true, identifiers: [] });
  });

  it('hostile: thousands of packets: only the first ones are looked at, invalid UTF-8 is replaced', () => {
    const packet = '<x:xmpmeta><dc:identifier>\u00ff\u00fe</dc:identifier></x:xmpmeta>';
    const bytes = concat([
      enc.encode('%PDF-1.4\n'),
      Uint8Array.from(
        packet
          .repeat(5000)
          .split('')
          .map((c) => c.charCodeAt(0) & 0xff),
      ),
    ]);
    const facts = readPdfCopyFacts(bytes);
    assert.equal(facts.isPdf, true);
    assert.equal(facts.pdfaPart, undefined);
    assert.deepEqual(facts.identifiers, ['\ufffd\ufffd']);
  });
});
