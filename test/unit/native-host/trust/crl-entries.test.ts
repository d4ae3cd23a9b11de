import 'reflect-metadata'; // @peculiar/x509 (tsyringe) needs the Reflect metadata polyfill
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as asn1js from 'asn1js';
import { normalizeSerial } from '../../../../native-host/trust/certificate-info';
import { CrlIndexCache } from '../../../../native-host/trust/crl-index-cache';
import {
  buildSerialTable,
  SerialTableBuilder,
  tableSlots,
} from '../../../../native-host/trust/crl-serial-table';
import { indexCrl } from '../../../../native-host/trust/crl-store';
import { buildCrl, type CrlSpec } from '../../../../lab/fixtures/crl-builder';
import { type MiniPki, miniPki } from '../../../../lab/sandbox/pki/mini-pki';
import { concat, entriesCrlSpec, entry, REASON_CODE, tlv } from '../../../fixtures/crl-entries';

const URL = 'http://pki.test/crl';

describe('trust: the cold entry walk and its serial table (crl-entries.ts)', function () {
  this.timeout(60_000);
  let pki: MiniPki;
  let spec: (rawEntries: Uint8Array) => CrlSpec;
  const dirs: string[] = [];

  before(async () => {
    pki = await miniPki();
    spec = entriesCrlSpec(pki);
  });

  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('ECO.1.1.6 finds serials of every accepted form: zero, leading zero bytes, negative, 21 and 300 bytes, long-form lengths, GeneralizedTime, a reason code', async () => {
    const long21 = `7f${'ab'.repeat(20)}`;
    const long130 = '11'.repeat(130); // the entry's length in the long form, 1 byte
    const long300 = '22'.repeat(300); // the INTEGER's and the entry's lengths on 2 bytes
    const generalized = new Uint8Array(
      new asn1js.GeneralizedTime({ valueDate: new Date(Date.UTC(2051, 0, 2)) }).toBER(),
    );
    const raw = concat(
      entry('00'),
      entry('0f'),
      entry('000000ff'),
      entry('80'),
      entry(long21),
      entry(long130),
      entry(long300),
      tlv(0x30, tlv(0x02, [0x0a, 0x1b]), generalized),
      entry('77', REASON_CODE),
    );
    const crl = await indexCrl(await buildCrl(spec(raw)), pki.organisations, URL, Date.now());
    const expected = ['0', 'f', 'ff', '80', long21, long130, long300, 'a1b', '77'];
    assert.deepEqual([...crl.revoked], expected);
    assert.equal(crl.revoked.size, expected.length);
    for (const serial of ['00', '0F', '00:00:00:FF', '80', long21.toUpperCase(), long300, '0A1B'])
      assert.equal(crl.revoked.has(normalizeSerial(serial)), true, serial);
    for (const absent of ['1', '7f', long21.slice(0, -2), `${long130}11`, '0a1b', ''])
      assert.equal(crl.revoked.has(absent), false, absent);
  });

  it('ECO.1.1.6 a serial listed twice (also with a leading zero byte) counts once, and its index file is read back the same', async () => {
    const raw = concat(entry('01'), entry('0001'), entry('02'), entry('01'), entry('03'));
    const der = await buildCrl(spec(raw));
    const dir = mkdtempSync(path.join(os.tmpdir(), 'crl-entries-'));
    dirs.push(dir);
    const cold = await indexCrl(der, pki.organisations, URL, Date.now(), new CrlIndexCache(dir));
    assert.equal(cold.indexedFrom, 'entries');
    assert.deepEqual([...cold.revoked], ['1', '2', '3']);
    assert.equal(cold.revoked.size, 3);
    const warm = await indexCrl(der, pki.organisations, URL, Date.now(), new CrlIndexCache(dir));
    assert.equal(warm.indexedFrom, 'index-cache');
    assert.deepEqual([...warm.revoked], ['1', '2', '3']);
    for (const serial of ['1', '2', '3']) assert.equal(warm.revoked.has(serial), true);
    assert.equal(warm.revoked.has('4'), false);
  });

  it('the table built from serial bytes equals buildSerialTable of their normalised texts, byte for byte', () => {
    let seed = 11;
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    for (const count of [0, 1, 2, 5, 64, 3000]) {
      const serials: Uint8Array[] = [];
      for (let i = 0; i < count; i++) {
        if (i > 0 && random() < 0.1) {
          serials.push(serials[Math.floor(random() * i)]!); // a duplicate
          continue;
        }
        const length = 1 + Math.floor(random() * 21);
        const bytes = Uint8Array.from({ length }, () => Math.floor(random() * 256));
        if (random() < 0.2) bytes[0] = 0; // leading zero bytes, or the serial 00
        if (random() < 0.2) bytes[0] = Math.floor(random() * 16); // one hex digit first
        serials.push(bytes);
      }
      const buffer = concat([0xaa], ...serials, [0xbb]); // spans inside a larger buffer
      const builder = new SerialTableBuilder(buffer);
      let at = 1;
      for (const serial of serials) {
        builder.add(at, at + serial.length);
        at += serial.length;
      }
      const built = builder.finish();
      const texts = new Set(serials.map((s) => normalizeSerial(Buffer.from(s).toString('hex'))));
      const expected = buildSerialTable(texts);
      assert.equal(built.size, texts.size, `count ${count}`);
      assert.deepEqual(Buffer.from(built.body), expected.body, `body, count ${count}`);
      assert.deepEqual(built.table, expected.table, `table, count ${count}`);
      assert.equal(built.table.length, tableSlots(texts.size));
      for (const text of texts) assert.equal(built.has(text), true, text);
    }
  });
});
