/**
 * Lays the colours of Thunderbird's current add-on theme (browser.theme.getCurrent, the
 * `theme` permission) over the design layer's custom properties (mssante.css), and follows its
 * changes (theme-colors.ts chooses what is used).
 */
import { applyThemeColors, type ThemeColors } from './theme-colors';

/** Follows Thunderbird's theme on this page; without the theme API, the CSS defaults stay. */
export function followTheme(): void {
  const api = (browser as { theme?: typeof browser.theme }).theme;
  if (!api?.getCurrent) return;
  const root = document.documentElement;
  const apply = (theme: { colors?: ThemeColors | null } | undefined) =>
    applyThemeColors(theme?.colors ?? null, root);
  api.getCurrent().then(
    (theme) => apply(theme as { colors?: ThemeColors }),
    () => {},
  );
  api.onUpdated.addListener((info) => apply(info.theme as { colors?: ThemeColors }));
}
