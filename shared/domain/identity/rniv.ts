/**
 * Names as the Référentiel national d'identitovigilance (INS-RNIV) writes them: upper case,
 * no accents or other diacritics, ligatures spelled out (Œ→OE, Æ→AE, ß→SS), hyphen, apostrophe
 * and space kept, typographic apostrophes turned into `'`, runs of spaces collapsed.
 */
export function toRnivName(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[œŒ]/g, 'OE')
    .replace(/[æÆ]/g, 'AE')
    .replace(/ß/g, 'SS')
    .replace(/[’‘ʼ`´]/g, "'")
    .replace(/[‐‑‒–—]/g, '-')
    .toUpperCase()
    .replace(/\s+/g, ' ')
    .trim()
    .normalize('NFC');
}

/** True when the name is already in RNIV form. */
export function isRnivName(name: string): boolean {
  return name.length > 0 && toRnivName(name) === name;
}
