import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  extractionLines,
  generateEntries,
  seededRandom,
  writeExtraction,
} from '../../../lab/sandbox/annuaire/generate';
import { directoryLdif, entryDn, escapeDnValue } from '../../../lab/sandbox/annuaire/ldif';
import { MAILBOXES } from '../../../lab/sandbox/people';
import { isNationalId } from '../../../shared/domain/identity/national-id';
import { EXTRACTION_COLUMNS } from '../../../shared/domain/annuaire/entry';
import { MARIE } from '../../../lab/sandbox/people';

describe('sandbox Annuaire generator', () => {
  it('is deterministic for a seed, prefix-stable, and differs between seeds', () => {
    assert.deepEqual(generateEntries(200, 7), generateEntries(200, 7));
    assert.deepEqual(generateEntries(50, 7), generateEntries(200, 7).slice(0, 50));
    assert.notDeepEqual(generateEntries(50, 7), generateEntries(50, 8));
    const a = seededRandom(1);
    const b = seededRandom(1);
    for (let i = 0; i < 100; i += 1) assert.equal(a(), b());
  });

  it('starts with the sandbox mailboxes (PER, ORG, APP), then fictitious ones with unique mails', () => {
    const entries = generateEntries(5000);
    assert.equal(entries.length, 5000);
    assert.deepEqual(
      entries.slice(0, MAILBOXES.length).map((e) => [e.mail, e.mailboxType, e.nationalId]),
      MAILBOXES.map((m) => [m.address, m.profile, m.nationalId]),
    );
    assert.equal(new Set(entries.map((e) => e.mail)).size, entries.length);
    const types = new Set(entries.map((e) => e.mailboxType));
    assert.deepEqual([...types].sort(), ['APP', 'ORG', 'PER']);
    const codes = new Set(entries.map((e) => e.profession.code).filter(Boolean));
    for (const code of ['10', '21', '40', '50', '60', '70']) assert.ok(codes.has(code), code);
    assert.ok(
      entries.some((e) => /[ÉÈÊËÏÎÔÇŒ]/.test(e.lastName)),
      'accented last names',
    );
    assert.ok(
      entries.some((e) => e.firstName.includes('-')),
      'hyphenated first names',
    );
    for (const [i, e] of entries.entries()) {
      assert.match(e.mail, /^[a-z0-9.-]+@[a-z0-9.-]+\.mssante\.test$/);
      // The sandbox's people have each form PSC uses; the generated ones are 8 + RPPS.
      if (e.mailboxType === 'PER' && i < MAILBOXES.length)
        assert.ok(isNationalId(e.nationalId), e.nationalId);
      else if (e.mailboxType === 'PER') assert.match(e.nationalId, /^8\d{11}$/);
      assert.match(e.postalCode, /^\d{5}$/);
    }
    assert.equal(generateEntries(2).length, 2);
  });

  it('writes the extraction file: header of the 31 columns, 31 fields a line, CRLF, UTF-8', () => {
    const entries = generateEntries(120);
    const lines = extractionLines(entries);
    assert.equal(lines.length, entries.length + 1);
    assert.equal(lines[0], EXTRACTION_COLUMNS.join('|'));
    assert.equal(EXTRACTION_COLUMNS.length, 31);
    for (const line of lines) assert.equal(line.split('|').length, 31);
    const marie = lines[1]!.split('|');
    const column = (name: (typeof EXTRACTION_COLUMNS)[number]) =>
      marie[EXTRACTION_COLUMNS.indexOf(name)];
    assert.equal(column('Type de BAL'), 'PER');
    assert.equal(column('Adresse BAL'), MARIE.mailbox);
    assert.equal(column('Identification nationale PP'), MARIE.nationalId);
    assert.equal(column('Identifiant PP'), '10100000011');
    assert.equal(column('Code Profession'), '10');
    assert.equal(column('Code savoir-faire'), 'SM04');
    assert.equal(column('Raison Sociale structure BAL'), 'Hôpital Bac à Sable');
    assert.equal(column('Code postal'), '75012');
    assert.equal(column('L6LIGNEACHEMINEMENT'), '75012 PARIS');
    assert.equal(column('Département'), '75');
    assert.equal(column('L4NUMEROVOIE'), '1');
    assert.equal(column('NL4TYPEVOIE'), 'place');
    assert.equal(column('L4LIBELLEVOIE'), 'du Bac à Sable');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'extraction-'));
    try {
      const file = path.join(dir, 'Extraction_Correspondance_MSSante_test.txt');
      writeExtraction(entries, file);
      const raw = readFileSync(file);
      assert.notEqual(raw[0], 0xef, 'no BOM');
      const content = raw.toString('utf8');
      assert.ok(content.endsWith('\r\n'));
      assert.deepEqual(content.split('\r\n').slice(0, -1), lines);
      assert.ok(content.includes('LEFÈVRE'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes LDIF with escaped DNs and base64 for non-ASCII values', () => {
    assert.equal(escapeDnValue('a,b+c=d\\'), 'a\\,b\\+c\\=d\\\\');
    assert.equal(escapeDnValue('#x '), '\\#x\\ ');
    const [marie] = generateEntries(1);
    assert.equal(entryDn(marie!), 'mail=marie.martin@sandbox.mssante.test,ou=bal,o=mssante,c=fr');
    const ldif = directoryLdif(generateEntries(3));
    assert.match(ldif, /^dn: ou=bal,o=mssante,c=fr\nobjectClass: organizationalUnit\nou: bal\n/);
    assert.ok(ldif.includes(`o:: ${Buffer.from('Hôpital Bac à Sable').toString('base64')}\n`));
    assert.ok(ldif.includes('sn: MARTIN\n'));
    assert.ok(ldif.includes('objectClass: mssanteBAL\n'));
  });
});
