// Issue 19, item 3: the XDM readers do linear work and refuse nesting beyond XDM_MAX_XML_DEPTH
// (any XML beyond MAX_XML_DEPTH).
// Work is counted with the readers' deterministic step meter, never with a clock.
import assert from 'node:assert/strict';
import { CdaHeaderReader } from '../../../shared/domain/cda/header';
import { parseXdsMetadata } from '../../../shared/domain/xdm/metadata';
import { inspectXdm } from '../../../shared/domain/xdm/reader';
import {
  MAX_XML_DEPTH,
  type WorkMeter,
  XDM_MAX_XML_DEPTH,
  parseXml,
} from '../../../shared/domain/xml/safe-xml';
import { bytesSource } from '../../../shared/domain/zip/source';
import { MssanteError } from '../../../shared/errors/mssante-error';
import {
  deepCda,
  manyObjectsMetadata,
  normalCda,
  wideCda,
  worstXdm,
} from '../../../lab/fixtures/xdm/worst';

const enc = new TextEncoder();

/** Reads a CDA header in 64 KiB chunks (as the ZIP reader hands them) and counts the work. */
function readHeader(xml: string) {
  const meter: WorkMeter = { steps: 0 };
  const reader = new CdaHeaderReader({ meter });
  const bytes = enc.encode(xml);
  for (let at = 0; at < bytes.length; at += 65536)
    if (reader.push(bytes.subarray(at, at + 65536))) break;
  return { header: reader.finish(), steps: meter.steps };
}

function code(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof MssanteError, `not a MssanteError: ${String(error)}`);
    return error.code;
  }
  return 'accepted';
}

describe('hostile: XML nesting and linear parsing (issue 19.3)', () => {
  it('hostile: any XML nested exactly MAX_XML_DEPTH (256) deep is read; one level more is refused with E_XML_TOO_DEEP', () => {
    assert.equal(MAX_XML_DEPTH, 256);
    const nested = (depth: number) => enc.encode('<x>'.repeat(depth) + '</x>'.repeat(depth));
    let deepest = 0;
    let depth = 0;
    const handlers = {
      opentag: () => (deepest = Math.max(deepest, ++depth)),
      closetag: () => void depth--,
    };
    parseXml(nested(MAX_XML_DEPTH), handlers);
    assert.equal(deepest, MAX_XML_DEPTH);
    assert.equal(
      code(() => parseXml(nested(MAX_XML_DEPTH + 1), {})),
      'E_XML_TOO_DEEP',
    );
  });

  it('hostile: a CDA header nested exactly XDM_MAX_XML_DEPTH (32) deep is read; one level more, or 100 000, is refused with E_XML_TOO_DEEP', () => {
    assert.equal(XDM_MAX_XML_DEPTH, 32);
    assert.equal(readHeader(deepCda(XDM_MAX_XML_DEPTH, 3)).header.level, 'N3');
    assert.equal(
      code(() => readHeader(deepCda(XDM_MAX_XML_DEPTH + 1, 3))),
      'E_XML_TOO_DEEP',
    );
    assert.equal(
      code(() => readHeader(deepCda(100_000, 1))),
      'E_XML_TOO_DEEP',
    );
  });

  it('hostile: METADATA.XML nested beyond XDM_MAX_XML_DEPTH is refused with E_XML_TOO_DEEP', () => {
    const nested = (depth: number) =>
      enc.encode(
        '<lcm:SubmitObjectsRequest xmlns:lcm="urn:x">' +
          '<x>'.repeat(depth - 1) +
          '</x>'.repeat(depth - 1) +
          '</lcm:SubmitObjectsRequest>',
      );
    assert.deepEqual(parseXdsMetadata(nested(XDM_MAX_XML_DEPTH)).documents, []);
    assert.equal(
      code(() => parseXdsMetadata(nested(XDM_MAX_XML_DEPTH + 1))),
      'E_XML_TOO_DEEP',
    );
  });

  it('hostile: elements at depth 32 cost what they cost at depth 3, and twice as many cost at most 2.2× the work', () => {
    const shallow = readHeader(deepCda(3, 10_000)).steps;
    const deep = readHeader(deepCda(XDM_MAX_XML_DEPTH, 10_000)).steps;
    const deepDouble = readHeader(deepCda(XDM_MAX_XML_DEPTH, 20_000)).steps;
    // Only the wrapping elements themselves are added (open and close events, path lookups).
    assert.ok(deep - shallow <= 4 * XDM_MAX_XML_DEPTH, `${deep} vs ${shallow}`);
    assert.ok(deepDouble / deep <= 2.2, `${deepDouble} / ${deep}`);
  });

  it('hostile: a wide CDA header (names and title cut in 20 000 text pieces) is read with linear work and the right text', () => {
    const small = readHeader(wideCda(10_000));
    const large = readHeader(wideCda(20_000));
    assert.equal(large.header.patient.birthName, 'D'.repeat(20_000));
    assert.deepEqual(large.header.patient.birthGivenNames, ['P'.repeat(20_000)]);
    assert.equal(large.header.title, 'T'.repeat(20_000));
    assert.ok(large.steps / small.steps <= 2.2, `${large.steps} / ${small.steps}`);
  });

  it('hostile: METADATA.XML with 8 000 ExtrinsicObjects and their Classifications/ExternalIdentifiers after them is read with linear work', () => {
    const run = (objects: number) => {
      const meter: WorkMeter = { steps: 0 };
      const metadata = parseXdsMetadata(enc.encode(manyObjectsMetadata(objects)), meter);
      return { metadata, steps: meter.steps };
    };
    const small = run(4_000);
    const large = run(8_000);
    assert.equal(large.metadata.documents.length, 8_000);
    const last = large.metadata.documents[7_999]!;
    assert.deepEqual([last.id, last.typeCode, last.uniqueId], ['o7999', 'c7999', 'u7999']);
    assert.ok(large.steps / small.steps <= 2.2, `${large.steps} / ${small.steps}`);
  });

  it('hostile: the XML of one archive is bounded in all (METADATA.XML and every CDA header): beyond it, E_XDM_XML_TOO_LARGE', async () => {
    const archive = worstXdm([normalCda(1), normalCda(2), normalCda(3)]);
    const inspection = await inspectXdm(bytesSource(archive));
    assert.equal(inspection.documents.length, 3);
    await assert.rejects(
      inspectXdm(bytesSource(archive), { maxXmlBytes: 8_000 }),
      (e: unknown) => e instanceof MssanteError && e.code === 'E_XDM_XML_TOO_LARGE',
    );
  });
});
