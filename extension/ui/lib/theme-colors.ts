/**
 * Which colours of Thunderbird's current add-on theme the pages take, as the design layer's
 * custom properties (mssante.css). Only pairs the theme gives together are used (a background with its text colour), so
 * a page never gets one colour of a theme and the contrasting one of another. The default theme
 * gives no colours: the light/dark defaults of mssante.css (prefers-color-scheme) then apply.
 */
export type ThemeColors = Record<string, unknown>;

/** What of a page's root element this needs (pure: no DOM types, unit-tested). */
export interface StyleTarget {
  style: { setProperty(name: string, value: string): void; removeProperty(name: string): unknown };
}

/** [theme background key, theme text key, our background property, our text property]. */
const PAIRS: Array<[string, string, string, string]> = [
  ['popup', 'popup_text', '--mss-bg', '--mss-text'],
  ['popup_highlight', 'popup_highlight_text', '--mss-accent', '--mss-accent-text'],
  ['toolbar_field', 'toolbar_field_text', '--mss-field', '--mss-field-text'],
];

/** A theme colour as CSS: a string as it is, [r, g, b] or [r, g, b, a] as rgb(). */
function css(value: unknown): string | null {
  if (typeof value === 'string' && /^[#\w(),.%\s-]{1,64}$/.test(value)) return value;
  if (Array.isArray(value) && (value.length === 3 || value.length === 4))
    return `rgb(${value.map(Number).join(', ')})`;
  return null;
}

export function applyThemeColors(colors: ThemeColors | null | undefined, root: StyleTarget): void {
  for (const [bgKey, textKey, bgProp, textProp] of PAIRS) {
    const bg = css(colors?.[bgKey]);
    const text = css(colors?.[textKey]);
    if (bg && text) {
      root.style.setProperty(bgProp, bg);
      root.style.setProperty(textProp, text);
    } else {
      root.style.removeProperty(bgProp);
      root.style.removeProperty(textProp);
    }
  }
}
