import 'reflect-metadata'; // @peculiar/x509 (tsyringe) needs the Reflect metadata polyfill
import assert from 'node:assert/strict';
import type { X509Certificate as NodeCertificate } from 'node:crypto';
import {
  buildSerialTable,
  MAX_PROBES,
  tableSlots,
} from '../../../native-host/trust/crl-serial-table';
import { indexCrl } from '../../../native-host/trust/crl-store';
import { buildCrl, type CrlSpec } from '../../../lab/fixtures/crl-builder';
import { type MiniPki, miniPki } from '../../../lab/sandbox/pki/mini-pki';
import {
  concat,
  entry,
  entryExtensions,
  REASON_CODE,
  tlv,
  UTC_TIME,
  entriesCrlSpec,
} from '../../fixtures/crl-entries';

const URL = 'http://pki.test/crl';

/**
 * Malformed revoked entries inside CRLs that are otherwise well-formed and signed by the issuer,
 * so that they reach the entry walk (crl-entries.ts, its own DER header reader): each is refused
 * with the message the former asn1js-based walk gave, and nothing is indexed.
 */
describe('hostile: malformed revoked entries in a signed CRL (crl-entries.ts)', function () {
  this.timeout(60_000);
  let pki: MiniPki;
  let spec: (rawEntries: Uint8Array, version?: null) => CrlSpec;

  before(async () => {
    pki = await miniPki();
    spec = entriesCrlSpec(pki);
  });

  /** The message indexCrl refuses the CRL with, or the serials it indexed. */
  async function outcome(rawEntries: Uint8Array, version?: null): Promise<string> {
    const der = await buildCrl(spec(rawEntries, version));
    try {
      const crl = await indexCrl(der, pki.organisations as NodeCertificate, URL, Date.now());
      return `accepted ${[...crl.revoked].join(',')}`;
    } catch (error) {
      return (error as Error).message;
    }
  }

  const good = entry('01');
  const content = good.subarray(2);

  it('hostile: the CRL these cases break is accepted as is', async () => {
    assert.equal(await outcome(concat(good, entry('02', REASON_CODE))), 'accepted 1,2');
  });

  it('hostile: non-minimal lengths (long form for a short length, a leading zero byte) are refused as not DER', async () => {
    const cases: [Uint8Array, string][] = [
      [
        concat([0x30, 0x81, content.length], content),
        'CRL revoked entry: Unnecessary usage of long length form (not DER)',
      ],
      [
        concat([0x30, 0x82, 0x00, content.length], content),
        'CRL revoked entry: Needlessly long encoded length (not DER)',
      ],
      [
        concat([0x30, 0x85, 0, 0, 0, 0, content.length], content),
        'CRL revoked entry: Needlessly long encoded length (not DER)',
      ],
      [
        tlv(0x30, [0x02, 0x81, 0x01, 0x01], UTC_TIME),
        'CRL userCertificate: Unnecessary usage of long length form (not DER)',
      ],
    ];
    for (const [raw, message] of cases) assert.equal(await outcome(raw), message);
  });

  it('hostile: an indefinite length, and the reserved 0xFF length byte, are refused', async () => {
    assert.equal(
      await outcome(concat([0x30, 0x80], content, [0, 0])),
      'CRL revoked entry: indefinite length (not DER)',
    );
    assert.equal(
      await outcome(concat([0x30, 0xff], content)),
      'CRL revoked entry: Length block 0xFF is reserved by standard',
    );
  });

  it('hostile: a length past the end of the entry list, of the entry, or of 4 GiB is refused as truncated', async () => {
    const cases: [Uint8Array, string][] = [
      [concat(good, [0x30, content.length + 5], content), 'CRL truncated in revoked entry'],
      [concat([0x30, 0x84, 0xff, 0xff, 0xff, 0xff], content), 'CRL truncated in revoked entry'],
      [concat([0x30, 0x85, 1, 0, 0, 0, 0], content), 'CRL truncated in revoked entry'],
      [concat([0x30, 0x88, 1, 0, 0, 0, 0, 0, 0, 0], content), 'CRL revoked entry: Too big integer'],
      [
        concat([0x30, 0x89, 1, 0, 0, 0, 0, 0, 0, 0, 0], content),
        'CRL revoked entry: Too big integer',
      ],
      [concat([0x30, 5, 0x02, 9, 1, 2, 3]), 'CRL truncated in userCertificate'],
      [
        concat(good, [0x30, 0x82, 0x01]),
        'CRL revoked entry: End of input reached before message was fully decoded',
      ],
      [tlv(0x30, [0x02, 0x01]), 'CRL truncated in userCertificate'],
      [tlv(0x30, [0x02]), 'CRL userCertificate: Zero buffer length'],
    ];
    for (const [raw, message] of cases) assert.equal(await outcome(raw), message);
  });

  it('hostile: bytes after the last entry (a NULL, a lone tag byte) are refused', async () => {
    assert.equal(await outcome(concat(good, [0x05, 0x00])), 'CRL revoked entry: unexpected tag');
    assert.equal(await outcome(concat(good, [0x30])), 'CRL revoked entry: Zero buffer length');
  });

  it('hostile: an entry that is not a SEQUENCE (SET, primitive or high-tag-number form) is refused', async () => {
    for (const raw of [
      tlv(0x31, content),
      tlv(0x10, content),
      concat([0x3f, 0x10, content.length], content),
    ])
      assert.equal(await outcome(raw), 'CRL revoked entry: unexpected tag');
  });

  it('hostile: a zero-length, constructed, high-tag or non-INTEGER serial number is refused', async () => {
    const cases: [Uint8Array, string][] = [
      [tlv(0x30, [0x02, 0x00], UTC_TIME), 'CRL userCertificate: empty INTEGER'],
      [tlv(0x30, tlv(0x04, [1]), UTC_TIME), 'CRL userCertificate: unexpected tag'],
      [
        tlv(0x30, tlv(0x22, tlv(0x02, [1])), UTC_TIME),
        'CRL userCertificate: Constructed encoding used for primitive type',
      ],
      [tlv(0x30, [0x1f, 0x02, 0x01, 0x01], UTC_TIME), 'CRL userCertificate: unexpected tag'],
    ];
    for (const [raw, message] of cases) assert.equal(await outcome(raw), message);
  });

  it('hostile: a missing, non-time, constructed or high-tag-number revocation date is refused', async () => {
    const cases: [Uint8Array, string][] = [
      [tlv(0x30, tlv(0x02, [1])), 'CRL truncated: revocationDate missing'],
      [tlv(0x30, tlv(0x02, [1]), tlv(0x02, [1])), 'CRL revocationDate: not a time'],
      [
        tlv(0x30, tlv(0x02, [1]), tlv(0x37, UTC_TIME)),
        'CRL revocationDate: Constructed encoding used for primitive type',
      ],
      [
        tlv(0x30, tlv(0x02, [1]), [0x1f, 0x17], UTC_TIME.subarray(1)),
        'CRL revocationDate: unexpected tag',
      ],
    ];
    for (const [raw, message] of cases) assert.equal(await outcome(raw), message);
  });

  it('hostile: entry extensions that are not a SEQUENCE, followed by more, critical, or in a v1 CRL are refused', async () => {
    const cases: [Uint8Array, string, null?][] = [
      [entry('01', tlv(0x31, REASON_CODE.subarray(2))), 'CRL crlEntryExtensions: unexpected tag'],
      [entry('01', tlv(0x10, REASON_CODE.subarray(2))), 'CRL crlEntryExtensions: unexpected tag'],
      [entry('01', REASON_CODE, [0x05, 0x00]), 'CRL revoked entry: unexpected element'],
      [
        entry('0a1b', entryExtensions('2.5.29.29', Uint8Array.of(0x30, 0).buffer, true)),
        'CRL entry a1b has a critical extension 2.5.29.29',
      ],
      [entry('01', REASON_CODE), 'CRL v1 entry with extensions', null],
    ];
    for (const [raw, message, version] of cases) assert.equal(await outcome(raw, version), message);
  });

  it('hostile: serial numbers chosen to collide in the index table refuse the CRL (bounded probes), on the cold path and when the table is built from texts', async () => {
    // FNV-1a 32-bit of the hex text, as crl-serial-table.ts hashes it (the hash is not keyed:
    // the index file keeps the table), kept to the 10 bits a 300-serial table uses.
    const fnv = (text: string) => {
      let h = 0x811c9dc5;
      for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
      return h >>> 0;
    };
    const count = MAX_PROBES + 44;
    const mask = tableSlots(count) - 1;
    const colliding: string[] = [];
    for (let i = 1; colliding.length < count; i++) {
      const serial = i.toString(16);
      if ((fnv(serial) & mask) === 0) colliding.push(serial);
    }
    const message = 'CRL serial numbers collide in the index beyond any chance (crafted?)';
    const { rawEntries: _unused, ...signed } = spec(new Uint8Array());
    const crl = { ...signed, serials: colliding };
    await assert.rejects(
      indexCrl(await buildCrl(crl), pki.organisations as NodeCertificate, URL, Date.now()),
      { message },
    );
    assert.throws(() => buildSerialTable(colliding), { message });
    // As many serials that merely share the table: accepted.
    const spread = Array.from({ length: count }, (_, i) => (i + 1).toString(16));
    const accepted = await indexCrl(
      await buildCrl({ ...crl, serials: spread }),
      pki.organisations as NodeCertificate,
      URL,
      Date.now(),
    );
    assert.equal(accepted.revoked.size, count);
  });
});
