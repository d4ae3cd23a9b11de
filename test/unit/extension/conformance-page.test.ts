import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  liveStatus,
  requirementLevel,
  requirementStatus,
} from '../../../shared/protocol/messages/conformance';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const messages = (locale: string) =>
  JSON.parse(
    readFileSync(path.join(ROOT, 'extension/_locales', locale, 'messages.json'), 'utf8'),
  ) as Record<string, { message: string }>;
const page = (file: string) => readFileSync(path.join(ROOT, 'extension/ui', file), 'utf8');
const key = (prefix: string, value: string) => `${prefix}_${value.replace(/-/g, '_')}`;

describe('extension conformance page', () => {
  it('names every status, level, live verdict and test layer in French and in English', () => {
    const keys = [
      ...requirementStatus.options.map((s) => key('conformanceStatus', s)),
      ...requirementLevel.options.map((l) => key('conformanceLevel', l)),
      ...liveStatus.options.map((s) => key('conformanceLive', s)),
      ...['unit', 'integration', 'e2e'].map((l) => key('conformanceLayer', l)),
      'conformanceTest_failed',
      'conformanceTest_pending',
    ];
    for (const locale of ['fr', 'en'])
      for (const k of keys) assert.ok(messages(locale)[k]?.message, `${locale}: ${k}`);
    assert.equal(messages('fr').conformanceStatus_not_covered!.message, 'Non couverte');
  });

  it('has every text of the page and its popup button in French and in English', () => {
    const keys = [
      ...`${page('conformance/conformance.html')}${page('popup/popup.html')}`.matchAll(
        /data-i18n="(\w+)"/g,
      ),
    ].map((m) => m[1]!);
    const used = [...page('conformance/conformance.ts').matchAll(/\bt\('(\w+)'/g)].map(
      (m) => m[1]!,
    );
    for (const locale of ['fr', 'en'])
      for (const k of [...keys, ...used])
        assert.ok(messages(locale)[k]?.message, `${locale}: ${k}`);
    assert.ok(keys.includes('buttonConformance') && used.includes('conformanceMandatoryMissing'));
  });

  it('offers every status and level of the protocol in its filters', () => {
    const html = page('conformance/conformance.html');
    for (const s of requirementStatus.options)
      assert.match(html, new RegExp(`<option value="${s}"`), s);
    for (const l of requirementLevel.options)
      assert.match(html, new RegExp(`<option value="${l}"`), l);
  });

  it('keeps to the strict CSP: no inline script, style or event handler', () => {
    const html = page('conformance/conformance.html');
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)/);
    assert.doesNotMatch(html, /\sstyle=|<style|\son\w+=/i);
  });
});
