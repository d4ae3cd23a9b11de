import { MssanteError } from '../../errors/mssante-error';
import { Utf8StreamDecoder } from '../bytes/utf8';

// Code page 437, bytes 0x80–0xFF: the encoding of ZIP names without the UTF-8 flag (APPNOTE D.1).
const CP437_HIGH =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀' +
  'αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0';

/** Decodes an entry name: UTF-8 when flag bit 11 is set, else CP437. */
export function decodeEntryName(raw: Uint8Array, utf8Flag: boolean): string {
  if (utf8Flag) {
    const d = new Utf8StreamDecoder();
    const name = d.write(raw) + d.end();
    if (d.sawInvalid)
      throw new MssanteError('E_ZIP_CORRUPT', { detail: 'entry name is not UTF-8' });
    return name;
  }
  let name = '';
  for (const b of raw) name += b < 0x80 ? String.fromCharCode(b) : CP437_HIGH[b - 0x80]!;
  return name;
}

/**
 * Refuses names that could escape an extraction folder or confuse a reader: `..` segments,
 * absolute paths, drive letters, backslashes, control characters. The reader itself never
 * writes to disk, but the host's `extract-pdf` and any later user might.
 */
export function checkEntryName(name: string): void {
  const refuse = (why: string): never => {
    throw new MssanteError('E_ZIP_PATH_TRAVERSAL', { detail: why });
  };
  if (name.length === 0) refuse('empty name');
  if (/[\u0000-\u001f\u007f]/.test(name)) refuse('control character in name');
  if (name.includes('\\')) refuse('backslash in name');
  if (name.startsWith('/')) refuse('absolute path');
  if (/^[A-Za-z]:/.test(name)) refuse('drive letter');
  if (name.split('/').some((segment) => segment === '..')) refuse('".." segment');
}

/** The key under which two names count as duplicates (case-insensitive file systems). */
export function duplicateKey(name: string): string {
  return name.normalize('NFC').toLowerCase();
}
