import { followTheme } from './theme';

/** Attributes filled from _locales: data-i18n-<attribute>="<message name>". */
const ATTRIBUTES = ['title', 'placeholder', 'aria-label'] as const;

/**
 * Fills every element carrying data-i18n="<message name>" (its text) or
 * data-i18n-title / -placeholder / -aria-label (that attribute) from _locales, sets the page's
 * language, and has the page follow Thunderbird's theme (every page calls this once).
 */
export function localize(root: ParentNode = document): void {
  for (const element of root.querySelectorAll<HTMLElement>('[data-i18n]')) {
    const text = browser.i18n.getMessage(element.dataset.i18n ?? '');
    if (text) element.textContent = text;
  }
  for (const attribute of ATTRIBUTES)
    for (const element of root.querySelectorAll<HTMLElement>(`[data-i18n-${attribute}]`)) {
      const text = browser.i18n.getMessage(element.getAttribute(`data-i18n-${attribute}`) ?? '');
      if (text) element.setAttribute(attribute, text);
    }
  document.documentElement.lang = browser.i18n.getUILanguage();
  if (root === document) followTheme();
}

export const t = (name: string, substitutions?: string | string[]): string =>
  browser.i18n.getMessage(name, substitutions);
