import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  problemLine,
  problemText,
  refusalLines,
  WARNING_MESSAGES,
} from '../../../extension/background/compose/problems';
import { COMPOSE_WARNINGS } from '../../../shared/domain/mail/compose';
import { errorMessage } from '../../../shared/errors/codes';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const messages = (locale: string) =>
  JSON.parse(
    readFileSync(path.join(ROOT, 'extension/_locales', locale, 'messages.json'), 'utf8'),
  ) as Record<string, { message: string }>;

/** browser.i18n.getMessage over one locale's messages.json ('' for a missing name). */
const wordsIn = (locale: 'fr' | 'en') => {
  const table = messages(locale);
  return { locale, getMessage: (name: string) => table[name]?.message ?? '' };
};

describe('compose problem sentences (extension/background/compose/problems)', () => {
  it('keys every warning type to an add-on message present in French and English', () => {
    assert.deepEqual(Object.keys(WARNING_MESSAGES).sort(), [...COMPOSE_WARNINGS].sort());
    const fr = messages('fr');
    const en = messages('en');
    for (const key of Object.values(WARNING_MESSAGES)) {
      assert.match(key, /^[A-Za-z0-9_@]+$/, `${key} is not a valid i18n message name`);
      assert.ok(fr[key]?.message.trim(), `${key} has no French sentence`);
      assert.ok(en[key]?.message.trim(), `${key} has no English sentence`);
      assert.notEqual(fr[key]!.message, en[key]!.message, `${key} is not translated`);
    }
    assert.equal(new Set(Object.values(WARNING_MESSAGES)).size, COMPOSE_WARNINGS.length);
  });

  it('says a warning with its locale’s messages.json sentence; French is the add-on default', () => {
    const manifest = JSON.parse(readFileSync(path.join(ROOT, 'manifest.json'), 'utf8'));
    assert.equal(manifest.default_locale, 'fr');
    const fr = wordsIn('fr');
    assert.match(
      problemText('subject-replaced', fr),
      /^L’objet saisi ne suit pas la règle ECO\.2\.1\.3 pour ce patient/,
    );
    assert.equal(
      problemText('html-made-alternative', wordsIn('en')),
      'HTML message: it will be sent as multipart/alternative, plain text first (ECO.2.2.4).',
    );
    for (const warning of COMPOSE_WARNINGS)
      assert.equal(problemText(warning, fr), fr.getMessage(WARNING_MESSAGES[warning]), warning);
  });

  it('says a blocking problem with its error code’s sentence in the locale', () => {
    assert.equal(
      problemText('E_COMPOSE_PDF_MISSING', wordsIn('fr')),
      errorMessage('E_COMPOSE_PDF_MISSING', 'fr'),
    );
    assert.equal(
      problemText('E_XDM_TWO_PATIENTS', wordsIn('en')),
      errorMessage('E_XDM_TWO_PATIENTS', 'en'),
    );
  });

  it('falls back to the code when a message is missing, never to an empty line', () => {
    assert.equal(problemText('pdf-name', { locale: 'fr', getMessage: () => '' }), 'pdf-name');
  });

  it('adds the detail to the panel line and the code to each refusal line', () => {
    const fr = wordsIn('fr');
    assert.equal(
      problemLine({ code: 'from-label', blocking: false, detail: 'no first name' }, fr),
      'Le nom d’affichage de l’expéditeur ne suit pas la règle ECO.2.2.7. (no first name)',
    );
    assert.deepEqual(
      refusalLines(
        [
          { code: 'pdf-name', blocking: false },
          { code: 'E_COMPOSE_APP_CONTACT', blocking: true },
        ],
        fr,
      ),
      [`${errorMessage('E_COMPOSE_APP_CONTACT', 'fr')} [E_COMPOSE_APP_CONTACT]`],
    );
  });
});
