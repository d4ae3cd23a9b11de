import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { writePrivateFile } from '../config/private-file';
import { installKey, type OnMalformedKey, readInstallKey } from '../storage/install-key';
import { buildSerialTable, SerialTable, TABLE_USABLE, tableSlots } from './crl-serial-table';

/**
 * The serial numbers of a CRL that has already been decoded, signature-verified, checked and
 * walked (ECO.1.1.6), kept beside the cached CRL file so that a later start or reload of the same
 * CRL bytes answers lookups from this file instead of walking the entries again (see
 * docs/trust.md for the figures). The envelope is still decoded and the signature still verified
 * on every load (crl-index.ts); this file only replaces the entry walk.
 *
 * `<dir>/<sha256(url)>.crl.index`, mode 0600, written atomically (tmp + rename):
 *   line 1: `mssante-crl-index <version> <sha256 of the CRL bytes> <count> <body bytes> <hmac>`
 *   then the body (each serial number, lower-case hex as `normalizeSerial`, followed by `\n`)
 *   and the hash table over it (crl-serial-table.ts), used in place: no `Set` is built.
 * `hmac` is HMAC-SHA-256, under a per-install 32-byte key (`<dir>/index.key`, 0600), of the
 * header without the hmac, the URL, the body and the table. Any mismatch (other CRL bytes, other
 * URL, other version, wrong count or length, corruption, a file not made with this install's key) makes
 * `read` return null: the caller walks the entries and writes the file again. What the key does
 * and does not protect against is in docs/trust.md ("CRL index cache").
 */

/** Version 1 (a text list read into a `Set`) is read as a foreign file and rewritten. */
export const CRL_INDEX_VERSION = 2;
const MAGIC = 'mssante-crl-index';
/** A damaged key only costs a walk of the entries: it is replaced, the indexes it signed ignored. */
const REPLACE: OnMalformedKey = { action: 'replace' };
const HEX64 = /^[0-9a-f]{64}$/;
const NUMBER = /^(0|[1-9][0-9]{0,9})$/;

/** `<sha256(url)>`: the base name of a URL's cached CRL (`.crl`) and index (`.crl.index`). */
export function crlCacheBaseName(url: string): string {
  return createHash('sha256').update(url).digest('hex');
}

export function crlSha256(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex');
}

export class CrlIndexCache {
  private key: Buffer | null = null;

  constructor(private readonly dir: string) {}

  /** Where the index of `url`'s CRL is kept. */
  file(url: string): string {
    return path.join(this.dir, `${crlCacheBaseName(url)}.crl.index`);
  }

  /**
   * The serial numbers indexed for exactly these CRL bytes (`sha256`, from `crlSha256`) of
   * `url`, or null when there is no usable index.
   */
  read(url: string, sha256: string): SerialTable | null {
    if (!TABLE_USABLE) return null;
    let data: Buffer;
    try {
      data = readFileSync(this.file(url));
    } catch {
      return null;
    }
    const eol = data.indexOf(0x0a);
    if (eol < 0 || eol > 200) return null;
    const fields = data.toString('latin1', 0, eol).split(' ');
    if (fields.length !== 6) return null;
    const [magic, version, hash, countText, bodyText, mac] = fields as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    if (magic !== MAGIC || version !== String(CRL_INDEX_VERSION) || hash !== sha256) return null;
    if (!NUMBER.test(countText) || !NUMBER.test(bodyText) || !HEX64.test(mac)) return null;
    const count = Number(countText);
    const bodyBytes = Number(bodyText);
    const tableAt = eol + 1 + bodyBytes;
    if (data.length !== tableAt + 4 * tableSlots(count)) return null;
    const key = this.loadKey(false);
    if (!key) return null;
    const expected = this.mac(key, fields.slice(0, 5).join(' '), url, data.subarray(eol + 1));
    if (!timingSafeEqual(expected, Buffer.from(mac, 'hex'))) return null;
    const body = data.subarray(eol + 1, tableAt);
    if (count === 0 ? body.length !== 0 : body[body.length - 1] !== 0x0a) return null;
    // A copy of the table into its own (aligned) buffer: ~1 MB for 100 000 serials.
    const table = new Uint32Array(
      data.buffer.slice(data.byteOffset + tableAt, data.byteOffset + data.length),
    );
    return new SerialTable(body, table, count);
  }

  /**
   * Keeps `serials` as the index of these CRL bytes of `url`: a table as the entry walk builds it
   * (written as is), or distinct serials (a table built). Best effort: never throws.
   */
  write(url: string, sha256: string, serials: SerialTable | Set<string>): void {
    if (!TABLE_USABLE) return;
    try {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      const key = this.loadKey(true);
      if (!key) return;
      const { body, table } = serials instanceof SerialTable ? serials : buildSerialTable(serials);
      const header = `${MAGIC} ${CRL_INDEX_VERSION} ${sha256} ${serials.size} ${body.length}`;
      const payload = Buffer.concat([
        body,
        new Uint8Array(table.buffer, table.byteOffset, table.byteLength),
      ]);
      const mac = this.mac(key, header, url, payload).toString('hex');
      writePrivateFile(this.file(url), Buffer.concat([Buffer.from(`${header} ${mac}\n`), payload]));
    } catch {
      // No index: the next load walks the entries again.
    }
  }

  private mac(key: Buffer, header: string, url: string, body: Uint8Array): Buffer {
    return createHmac('sha256', key).update(`${header}\n${url}\n`).update(body).digest();
  }

  /** The per-install key; made (0600) when `create` and it is missing or malformed. */
  private loadKey(create: boolean): Buffer | null {
    if (this.key) return this.key;
    const file = path.join(this.dir, 'index.key');
    try {
      this.key = create ? installKey(file, REPLACE) : readInstallKey(file, REPLACE);
    } catch {
      return null; // unreadable: no index this time
    }
    return this.key;
  }
}
