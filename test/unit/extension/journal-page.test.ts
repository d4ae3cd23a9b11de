import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AUDIT_ACTIONS } from '../../../shared/protocol/messages/audit';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const messages = (locale: string) =>
  JSON.parse(
    readFileSync(path.join(ROOT, 'extension/_locales', locale, 'messages.json'), 'utf8'),
  ) as Record<string, { message: string }>;
const page = (file: string) => readFileSync(path.join(ROOT, 'extension/ui', file), 'utf8');

describe('extension journal page', () => {
  it('names every journaled action in French and in English', () => {
    for (const locale of ['fr', 'en']) {
      const m = messages(locale);
      for (const action of AUDIT_ACTIONS)
        assert.ok(m[`auditAction_${action.replace(/-/g, '_')}`]?.message, `${locale}: ${action}`);
    }
    assert.equal(messages('fr').auditAction_select!.message, 'Ouverture de dossier');
  });

  it('has every text of the journal page and its popup button in French and in English', () => {
    const keys = [
      ...`${page('journal/journal.html')}${page('popup/popup.html')}`.matchAll(
        /data-i18n="(\w+)"/g,
      ),
    ].map((m) => m[1]!);
    const used = [...page('journal/journal.ts').matchAll(/\bt\('(\w+)'/g)].map((m) => m[1]!);
    for (const locale of ['fr', 'en'])
      for (const key of [...keys, ...used])
        assert.ok(messages(locale)[key]?.message, `${locale}: ${key}`);
    assert.ok(keys.includes('buttonJournal') && used.includes('journalBroken'));
  });

  it('keeps to the strict CSP: no inline script, style or event handler', () => {
    const html = page('journal/journal.html');
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)/);
    assert.doesNotMatch(html, /\sstyle=|<style|\son\w+=/i);
  });
});
