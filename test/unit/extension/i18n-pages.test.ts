import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const EXTENSION = path.join(ROOT, 'extension');

type Messages = Record<string, { message: string; placeholders?: Record<string, unknown> }>;
const locale = (name: string): Messages =>
  JSON.parse(readFileSync(path.join(EXTENSION, '_locales', name, 'messages.json'), 'utf8'));

function files(dir: string, ext: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return files(full, ext);
    return entry.name.endsWith(ext) && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

const VOID = new Set(['meta', 'link', 'input', 'br', 'img', 'hr', 'source', 'wbr']);
/** Attributes a user sees or hears, each localised by data-i18n-<attribute>. */
const SEEN = ['placeholder', 'title', 'aria-label', 'alt'];

interface Open {
  tag: string;
  attrs: string;
}
const attr = (attrs: string, name: string) =>
  new RegExp(`(?:^|\\s)${name}\\s*=\\s*"([^"]*)"`).exec(attrs)?.[1];

/**
 * The user-visible text of a page that does not come from _locales: text nodes outside any
 * element with data-i18n, and seen attributes without their data-i18n-<attribute>. Text or
 * attributes under translate="no" (protocol names, header names, a path) are not language.
 * A small tokenizer is enough: the pages are our own, well-formed HTML.
 */
function hardCoded(html: string): string[] {
  const found: string[] = [];
  const stack: Open[] = [];
  const localised = () => stack.some((o) => / data-i18n="/.test(` ${o.attrs}`));
  const untranslated = (attrs = '') =>
    [...stack.map((o) => o.attrs), attrs].some((a) => attr(a, 'translate') === 'no');
  const tokens = /<!--[^]*?-->|<!doctype[^>]*>|<(\/?)([a-zA-Z0-9-]+)((?:[^>"]|"[^"]*")*)>|([^<]+)/g;
  for (const m of html.matchAll(tokens)) {
    const [, close, tag, attrs = '', text] = m;
    if (text !== undefined) {
      const inScript = stack.some((o) => o.tag === 'script' || o.tag === 'style');
      if (/\p{L}/u.test(text) && !inScript && !localised() && !untranslated())
        found.push(`text “${text.trim()}” in <${stack.at(-1)?.tag}>`);
      continue;
    }
    if (!tag) continue;
    const name = tag.toLowerCase();
    if (close) {
      while (stack.length && stack.pop()!.tag !== name);
      continue;
    }
    for (const seen of SEEN) {
      const value = attr(attrs, seen);
      if (
        value &&
        /\p{L}/u.test(value) &&
        !attr(attrs, `data-i18n-${seen}`) &&
        !untranslated(attrs)
      )
        found.push(`${seen}="${value}" on <${name}>`);
    }
    if (!VOID.has(name) && !attrs.trimEnd().endsWith('/')) stack.push({ tag: name, attrs });
  }
  return found;
}

describe('extension: every user-visible string comes from _locales, in French and English', function () {
  const fr = locale('fr');
  const en = locale('en');
  const pages = files(path.join(EXTENSION, 'ui'), '.html');

  it('_locales/fr and _locales/en hold the same keys, each with the same placeholders and a non-empty message', function () {
    assert.deepEqual(Object.keys(fr).sort(), Object.keys(en).sort());
    for (const key of Object.keys(fr)) {
      assert.deepEqual(
        Object.keys(fr[key]!.placeholders ?? {}).sort(),
        Object.keys(en[key]!.placeholders ?? {}).sort(),
        `placeholders of ${key}`,
      );
      assert.ok(fr[key]!.message.trim() && en[key]!.message.trim(), `empty message ${key}`);
    }
  });

  it('every page of the add-on is checked, and its data-i18n names exist in _locales', function () {
    assert.deepEqual(pages.map((p) => path.relative(EXTENSION, p)).sort(), [
      'ui/annuaire/annuaire.html',
      'ui/compose-panel/panel.html',
      'ui/conformance/conformance.html',
      'ui/journal/journal.html',
      'ui/popup/popup.html',
      'ui/setup/setup.html',
    ]);
    for (const page of pages) {
      const html = readFileSync(page, 'utf8');
      const names = [...html.matchAll(/data-i18n(?:-[a-z-]+)?="([^"]*)"/g)].map((m) => m[1]!);
      assert.ok(names.length > 0, page);
      for (const name of names) assert.ok(fr[name], `${path.basename(page)}: no message ${name}`);
    }
  });

  it('no page holds hard-coded user-visible text (text nodes, placeholder, title, aria-label)', function () {
    for (const page of pages)
      assert.deepEqual(hardCoded(readFileSync(page, 'utf8')), [], path.relative(ROOT, page));
  });

  it('the check finds hard-coded text: a text node, a placeholder, an aria-label', function () {
    assert.deepEqual(
      hardCoded(
        '<p data-i18n="a">Bonjour</p><p>Envoyer</p><span translate="no">IMAP</span>' +
          '<input placeholder="Nom" /><button aria-label="Fermer" data-i18n-aria-label="b"></button>' +
          '<button aria-label="Ouvrir"></button>',
      ),
      ['text “Envoyer” in <p>', 'placeholder="Nom" on <input>', 'aria-label="Ouvrir" on <button>'],
    );
  });

  /**
   * A pragmatic static check of the pages' and the banner's scripts: what they write into the
   * DOM as words comes from t()/getMessage, not from a string literal.
   */
  const LITERAL_SINK =
    /(?:\.(?:textContent|innerText|title|placeholder|ariaLabel)\s*=|setAttribute\(\s*'(?:title|placeholder|aria-label|alt)'\s*,)\s*(['"`])((?:(?!\1).)*)\1\s*[;)]/gu;
  /** A literal's words: a template's `${…}` parts are code, not text. */
  const words = (literal: string) => /\p{L}{2,}/u.test(literal.replace(/\$\{[^}]*\}/g, ''));
  const scripts = [
    ...files(path.join(EXTENSION, 'ui'), '.ts'),
    ...files(path.join(EXTENSION, 'message-display'), '.ts'),
  ];

  it('no page script writes a literal sentence into the DOM (textContent, title, placeholder, aria-label)', function () {
    assert.ok(scripts.length > 10);
    const found = scripts.flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(LITERAL_SINK)]
        .filter((m) => words(m[2]!))
        .map((m) => `${path.relative(ROOT, file)}: ${m[0]}`),
    );
    assert.deepEqual(found, []);
  });

  it('the script check finds a literal sentence written into the DOM', function () {
    const sample = `el.textContent = 'Connexion réussie';\nel.textContent = t('ok');\nb.setAttribute('aria-label', "Fermer");\nx.textContent = \`\${a} \${b}\`;`;
    assert.deepEqual(
      [...sample.matchAll(LITERAL_SINK)].filter((m) => words(m[2]!)).map((m) => m[2]),
      ['Connexion réussie', 'Fermer'],
    );
  });
});
