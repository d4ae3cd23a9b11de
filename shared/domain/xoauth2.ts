import { MssanteError } from '../errors/mssante-error';
import { encodeBase64 } from './bytes/base64';
import { encodeUtf8 } from './bytes/utf8';

/**
 * ECO.1.2.1 initial client response for `AUTHENTICATE XOAUTH2` (IMAP) and `AUTH XOAUTH2` (SMTP):
 * base64("user=" + address + "\x01auth=Bearer " + token + "\x01\x01").
 */
export function xoauth2InitialResponse(address: string, accessToken: string): string {
  const bad = /[\u0000-\u001f\u007f\s]/;
  if (!address || !accessToken || bad.test(address) || bad.test(accessToken)) {
    throw new MssanteError('E_XOAUTH2_INVALID');
  }
  return encodeBase64(encodeUtf8(`user=${address}\x01auth=Bearer ${accessToken}\x01\x01`));
}
