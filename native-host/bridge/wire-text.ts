import { type ErrorCode, errorMessage } from '../../shared/errors/codes';

const APPROXIMATIONS: Record<string, string> = {
  '\u2019': "'",
  '\u2018': "'",
  '\u201c': '"',
  '\u201d': '"',
  '\u2026': '...',
  '\u2013': '-',
  '\u2014': '-',
  '\u0153': 'oe',
  '\u0152': 'OE',
  '\u20ac': 'EUR',
  '\u00a0': ' ',
  '\u202f': ' ',
};

/**
 * Thunderbird reads the text of IMAP and SMTP responses as Latin-1 (observed: UTF-8 "é" shows
 * as "Ã©"), so the sentences the bridge writes for the user are written as Latin-1 bytes, with
 * the few typographic characters French uses outside Latin-1 replaced by their plain forms.
 */
export function latin1Line(text: string): Buffer {
  const plain = text
    .replace(/[\r\n]+/g, ' ')
    .replace(
      /[\u2019\u2018\u201c\u201d\u2026\u2013\u2014\u0153\u0152\u20ac\u00a0\u202f]/g,
      (c) => APPROXIMATIONS[c] ?? '?',
    )
    .replace(/[^\u0000-\u00ff]/g, '?');
  return Buffer.from(`${plain}\r\n`, 'latin1');
}

/** "<French sentence> [<code>]": what Thunderbird shows in its alert. */
export function userSentence(code: ErrorCode): string {
  return `${errorMessage(code, 'fr')} [${code}]`;
}
