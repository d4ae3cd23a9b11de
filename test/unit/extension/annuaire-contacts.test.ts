import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type AnnuaireWireEntry,
  displayName,
  entryVCard,
  recipient,
} from '../../../extension/background/annuaire-contacts';
import { PAUL } from '../../../lab/sandbox/people';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

const PAUL_ENTRY: AnnuaireWireEntry = {
  mail: PAUL.mailbox,
  mailboxType: 'PER',
  civility: 'DR',
  lastName: 'DURAND',
  firstName: 'Paul',
  profession: 'Médecin',
  speciality: 'Médecine générale',
  organisation: 'Hôpital du Bac à Sable',
  service: '',
  postalCode: '75012',
  city: 'Paris',
};

describe('Annuaire entries as Thunderbird contacts (address book provider)', () => {
  it('ECO.3.1.4 gives a vCard 4.0 with the name, the MSSanté address, organisation, profession and city', () => {
    const card = entryVCard(PAUL_ENTRY);
    assert.ok(card.startsWith('BEGIN:VCARD\r\nVERSION:4.0\r\n'));
    assert.ok(card.endsWith('END:VCARD\r\n'));
    const lines = card.split('\r\n');
    assert.ok(lines.includes('FN:Paul DURAND'));
    assert.ok(lines.includes('N:DURAND;Paul;;DR;'));
    assert.ok(lines.includes('EMAIL;PREF=1:paul.durand@sandbox.mssante.test'));
    assert.ok(lines.includes('ORG:Hôpital du Bac à Sable;'));
    assert.ok(lines.includes('TITLE:Médecin — Médecine générale'));
    assert.ok(lines.includes('ADR;TYPE=work:;;;Paris;;75012;France'));
  });

  it('ECO.3.1.4 escapes vCard separators so a published value cannot add a property', () => {
    const card = entryVCard({
      ...PAUL_ENTRY,
      lastName: 'A;B',
      firstName: 'C,D',
      organisation: 'X\r\nEMAIL:evil@example.test',
      service: 'back\\slash',
    });
    const lines = card.split('\r\n');
    assert.ok(lines.includes('N:A\\;B;C\\,D;;DR;'));
    assert.ok(lines.includes('ORG:X\\nEMAIL:evil@example.test;back\\\\slash'));
    assert.equal(lines.filter((l) => l.startsWith('EMAIL')).length, 1);
  });

  it('ECO.3.1.4 names an organisation mailbox by its organisation and service', () => {
    const org = {
      ...PAUL_ENTRY,
      mailboxType: 'ORG' as const,
      lastName: '',
      firstName: '',
      service: 'Secrétariat',
    };
    assert.equal(displayName(org), 'Hôpital du Bac à Sable — Secrétariat');
    assert.equal(displayName({ ...org, organisation: '', service: '' }), PAUL_ENTRY.mail);
  });

  it('ECO.3.1.4 writes the recipient as Name <address>, quoting names with specials', () => {
    assert.equal(recipient(PAUL_ENTRY), 'Paul DURAND <paul.durand@sandbox.mssante.test>');
    assert.equal(
      recipient({ ...PAUL_ENTRY, firstName: 'Élodie', lastName: 'LEFÈVRE' }),
      'Élodie LEFÈVRE <paul.durand@sandbox.mssante.test>',
    );
    assert.equal(
      recipient({ ...PAUL_ENTRY, lastName: 'DURAND, "Jr"' }),
      '"Paul DURAND, \\"Jr\\"" <paul.durand@sandbox.mssante.test>',
    );
    assert.equal(
      recipient({ ...PAUL_ENTRY, lastName: '', firstName: '', organisation: '', service: '' }),
      PAUL.mailbox,
    );
  });

  it('names every dialog and menu string in French and in English', () => {
    const html = readFileSync(path.join(ROOT, 'extension/ui/annuaire/annuaire.html'), 'utf8');
    const script = readFileSync(path.join(ROOT, 'extension/ui/annuaire/annuaire.ts'), 'utf8');
    const background = readFileSync(path.join(ROOT, 'extension/background/annuaire.ts'), 'utf8');
    const used = new Set<string>();
    for (const m of html.matchAll(/data-i18n="([^"]+)"/g)) used.add(m[1]!);
    for (const m of `${script}${background}`.matchAll(/'(annuaire[A-Z]\w+)'/g)) used.add(m[1]!);
    assert.ok(used.size > 30);
    for (const locale of ['fr', 'en']) {
      const messages = JSON.parse(
        readFileSync(path.join(ROOT, 'extension/_locales', locale, 'messages.json'), 'utf8'),
      ) as Record<string, unknown>;
      for (const key of used) assert.ok(key in messages, `${locale}: ${key}`);
    }
    // Strict CSP: the page loads its script from a file, never inline.
    assert.doesNotMatch(html, /<script>(?!<\/script>)|on\w+="/);
  });
});
