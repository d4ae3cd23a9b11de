import assert from 'node:assert/strict';
import { crc32 as zlibCrc32 } from 'node:zlib';
import fc from 'fast-check';
import { MssanteError } from '../../../shared/errors/mssante-error';
import {
  Base64StreamDecoder,
  decodeBase64,
  encodeBase64,
} from '../../../shared/domain/bytes/base64';
import { crc32 } from '../../../shared/domain/bytes/crc32';
import { Utf8StreamDecoder, decodeUtf8, encodeUtf8 } from '../../../shared/domain/bytes/utf8';
import {
  parseFrenchDate,
  parseHl7Date,
  toFrenchDate,
  toIsoPartial,
} from '../../../shared/domain/cda/dates';
import { expandUsername, parseAutoconfig } from '../../../shared/domain/autoconfig/config-v1-1';
import { decodeEntryName } from '../../../shared/domain/zip/names';

describe('byte codecs of the pure core', function () {
  this.timeout(30_000); // properties of 100 runs each: 1.2–3 s unloaded, near the 10 s unit budget on a loaded CI run
  it('decodes UTF-8 like TextDecoder, whatever the chunk boundaries (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary' }),
        fc.array(fc.nat(), { maxLength: 5 }),
        (text, cuts) => {
          const bytes = Buffer.from(text, 'utf8');
          const d = new Utf8StreamDecoder();
          let out = '';
          let prev = 0;
          for (const c of [...cuts.map((n) => n % (bytes.length + 1))].sort((a, b) => a - b)) {
            out += d.write(bytes.subarray(prev, c));
            prev = c;
          }
          out += d.write(bytes.subarray(prev)) + d.end();
          assert.equal(out, new TextDecoder().decode(bytes));
          assert.deepEqual(Buffer.from(encodeUtf8(text)), bytes);
        },
      ),
    );
    assert.equal(decodeUtf8(Uint8Array.from([0xc0, 0xaf, 0x41])), '\ufffd\ufffdA');
  });

  it('base64 encodes like Buffer and decodes in chunks with line breaks (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat({ max: 50 }), (bytes, cut) => {
        const b64 = encodeBase64(bytes);
        assert.equal(b64, Buffer.from(bytes).toString('base64'));
        const wrapped = b64.replace(/(.{76})/g, '$1\r\n');
        const d = new Base64StreamDecoder();
        const a = d.write(wrapped.slice(0, cut));
        const b = d.write(wrapped.slice(cut));
        assert.ok(a !== false && b !== false && d.end());
        assert.deepEqual(Buffer.concat([a, b]), Buffer.from(bytes));
      }),
    );
    assert.equal(decodeBase64('ab$c'), false);
  });

  it('computes CRC-32 like zlib (property)', () => {
    assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);
    fc.assert(
      fc.property(fc.uint8Array(), fc.uint8Array(), (a, b) =>
        assert.equal(crc32(b, crc32(a)), zlibCrc32(Buffer.concat([a, b]))),
      ),
    );
  });

  it('decodes CP437 entry names when the UTF-8 flag is absent', () => {
    assert.equal(decodeEntryName(Uint8Array.from([0x82, 0x74, 0x82]), false), 'été');
    assert.throws(
      () => decodeEntryName(Uint8Array.from([0xff]), true),
      (e: MssanteError) => e.code === 'E_ZIP_CORRUPT',
    );
  });
});

describe('HL7 partial dates', () => {
  it('ECO.2.1.3 keeps year-only, year-month and lunar 00 dates', () => {
    assert.deepEqual(parseHl7Date('19781126'), { year: 1978, month: 11, day: 26 });
    assert.deepEqual(parseHl7Date('20150802143000+0200'), { year: 2015, month: 8, day: 2 });
    assert.deepEqual(parseHl7Date('198504'), { year: 1985, month: 4 });
    assert.deepEqual(parseHl7Date('19780000'), { year: 1978 });
    assert.equal(parseHl7Date('19780230'), undefined);
    assert.equal(parseHl7Date('1978-11-26'), undefined);
    assert.equal(toFrenchDate({ year: 1985, month: 4 }), '00/04/1985');
    assert.equal(toIsoPartial({ year: 1985, month: 4 }), '1985-04');
    assert.deepEqual(parseFrenchDate('00/00/1978'), { year: 1978 });
    assert.equal(parseFrenchDate('12/00/1978'), undefined);
  });
});

describe('autoconfig config-v1.1.xml (ECO.1.1.9)', () => {
  const XML = `<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="sandbox.mssante.test">
    <domain>sandbox.mssante.test</domain>
    <displayName>MSSanté bac à sable</displayName>
    <incomingServer type="imap"><hostname>imap.sandbox.mssante.test</hostname><port>143</port><socketType>STARTTLS</socketType><authentication>OAuth2</authentication><username>%EMAILADDRESS%</username></incomingServer>
    <outgoingServer type="smtp"><hostname>smtp.sandbox.mssante.test</hostname><port>587</port><socketType>STARTTLS</socketType><authentication>OAuth2</authentication><authentication>TLS-client-cert</authentication><username>%EMAILADDRESS%</username></outgoingServer>
  </emailProvider>
</clientConfig>`;

  it('ECO.1.1.9 reads IMAP and SMTP host, port, socketType and authentication', () => {
    const c = parseAutoconfig(XML);
    assert.deepEqual(c.domains, ['sandbox.mssante.test']);
    assert.deepEqual(c.incoming, [
      {
        type: 'imap',
        hostname: 'imap.sandbox.mssante.test',
        port: 143,
        socketType: 'STARTTLS',
        authentication: ['OAuth2'],
        username: '%EMAILADDRESS%',
      },
    ]);
    assert.deepEqual(c.outgoing[0]!.authentication, ['OAuth2', 'TLS-client-cert']);
    assert.equal(expandUsername('%EMAILLOCALPART%@%EMAILDOMAIN%', 'marie@x.fr'), 'marie@x.fr');
  });

  it('ECO.1.1.9 refuses DOCTYPEs, malformed files and files without IMAP/SMTP with E_AUTOCONFIG_INVALID', () => {
    const bad = [
      '<!DOCTYPE clientConfig [<!ENTITY x "y">]><clientConfig>&x;</clientConfig>',
      '<clientConfig><emailProvider></clientConfig>',
      '<clientConfig version="1.1"><emailProvider id="x"></emailProvider></clientConfig>',
      XML.replace('<port>143</port>', '<port>99999</port>'),
    ];
    for (const xml of bad)
      assert.throws(
        () => parseAutoconfig(xml),
        (e: MssanteError) => e.code === 'E_AUTOCONFIG_INVALID',
        xml,
      );
  });
});
