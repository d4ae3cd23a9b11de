/** Fills every element carrying data-i18n="<message name>" from _locales. */
export function localize(root: ParentNode = document): void {
  for (const element of root.querySelectorAll<HTMLElement>('[data-i18n]')) {
    const text = browser.i18n.getMessage(element.dataset.i18n ?? '');
    if (text) element.textContent = text;
  }
  document.documentElement.lang = browser.i18n.getUILanguage();
}

export const t = (name: string, substitutions?: string | string[]): string =>
  browser.i18n.getMessage(name, substitutions);
