import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveAnnuaireConfig } from '../../../../native-host/config/load';
import {
  criteriaOf,
  isPatientAddress,
  shapeResult,
  wireEntry,
  wireReport,
} from '../../../../native-host/annuaire/annuaire-shape';
import { ANNUAIRE_PRESET } from '../../../../native-host/annuaire/preset';
import type { AnnuaireEntry } from '../../../../shared/domain/annuaire/entry';
import { MssanteError } from '../../../../shared/errors/mssante-error';
import { MESSAGES } from '../../../../shared/protocol/index';
import { writeHostConfig } from '../../../../native-host/config/private-file';
import { PAUL } from '../../../../lab/sandbox/people';

function entry(mail: string, over: Partial<AnnuaireEntry> = {}): AnnuaireEntry {
  return {
    mail,
    mailboxType: 'PER',
    nationalId: PAUL.nationalId,
    civility: 'DR',
    lastName: 'DURAND',
    firstName: 'Paul',
    profession: { code: '10', label: 'Médecin' },
    speciality: { code: 'SM54', label: 'Médecine générale' },
    organisation: 'Hôpital',
    service: 'Cardiologie',
    addressLines: ['1 rue X'],
    postalCode: '75012',
    city: 'Paris',
    department: '75',
    ...over,
  };
}

describe('Annuaire results as the protocol carries them', () => {
  it('ECO.3.1.4 never proposes a patient (patient.mssante.fr and its sub-domains), whatever the case', () => {
    assert.equal(isPatientAddress('2800575123456@patient.mssante.fr'), true);
    assert.equal(isPatientAddress('2800575123456@PATIENT.MSSANTE.FR'), true);
    assert.equal(isPatientAddress('x@test.patient.mssante.fr'), true);
    assert.equal(isPatientAddress('patient.mssante.fr@hopital.mssante.fr'), false);
    assert.equal(isPatientAddress('x@notpatient.mssante.fr'), false);
    const shaped = shapeResult(
      {
        entries: [entry('2800575123456@patient.mssante.fr'), entry('paul.durand@sandbox.test')],
        truncated: false,
      },
      'ldap',
      20,
    );
    assert.deepEqual(
      shaped.entries.map((e) => e.mail),
      ['paul.durand@sandbox.test'],
    );
  });

  it('ECO.3.1.4 keeps the fields a user chooses by, labels rather than codes', () => {
    assert.deepEqual(wireEntry(entry('paul.durand@sandbox.test')), {
      mail: 'paul.durand@sandbox.test',
      mailboxType: 'PER',
      civility: 'DR',
      lastName: 'DURAND',
      firstName: 'Paul',
      profession: 'Médecin',
      speciality: 'Médecine générale',
      organisation: 'Hôpital',
      service: 'Cardiologie',
      postalCode: '75012',
      city: 'Paris',
    });
    const codeOnly = wireEntry(
      entry('a@b.test', {
        profession: { code: '10', label: '' },
        speciality: { code: '', label: '' },
      }),
    );
    assert.equal(codeOnly.profession, '10');
    assert.equal(codeOnly.speciality, '');
    // What the host sends passes the protocol's own result schema.
    const result = shapeResult({ entries: [entry('a@b.test')], truncated: true }, 'offline', 100);
    assert.equal(MESSAGES['annuaire.search'].result.safeParse(result).success, true);
  });

  it('ECO.3.1.4 says "truncated" when the source had more or when the limit cut the answer', () => {
    const three = [entry('a@b.test'), entry('b@b.test'), entry('c@b.test')];
    assert.equal(shapeResult({ entries: three, truncated: false }, 'ldap', 3).truncated, false);
    const cut = shapeResult({ entries: three, truncated: false }, 'ldap', 2);
    assert.equal(cut.entries.length, 2);
    assert.equal(cut.truncated, true);
    assert.equal(shapeResult({ entries: three, truncated: true }, 'ldap', 20).truncated, true);
  });

  it('ECO.3.1.4 drops blank criteria and refuses oversized ones at the protocol', () => {
    assert.deepEqual(criteriaOf({ name: 'MARTIN', city: '  ', firstName: '' }), { name: 'MARTIN' });
    const params = MESSAGES['annuaire.search'].params;
    assert.equal(params.safeParse({ criteria: { name: 'x'.repeat(129) } }).success, false);
    assert.equal(params.safeParse({ criteria: { name: 'x'.repeat(128) } }).success, true);
    const auto = MESSAGES['annuaire.autocomplete'].params;
    assert.equal(auto.safeParse({ query: 'dur', limit: 101 }).success, false);
    assert.deepEqual(auto.parse({ query: 'dur' }), { query: 'dur', limit: 20 });
  });

  it('counts the skipped lines of an import report and passes the missing columns on', () => {
    const report = wireReport({
      source: 'Extraction_Correspondance_MSSante.txt',
      importedAt: '2026-12-01T00:00:00.000Z',
      counts: {
        lines: 10,
        entries: 7,
        malformed: {
          columns: 1,
          'empty-address': 1,
          'invalid-address': 0,
          'invalid-type': 1,
          overlong: 0,
        },
      },
      entries: 6,
      duplicates: 1,
      missingColumns: ['Code postal'],
    });
    assert.deepEqual(report, {
      source: 'Extraction_Correspondance_MSSante.txt',
      importedAt: '2026-12-01T00:00:00.000Z',
      lines: 10,
      entries: 6,
      duplicates: 1,
      skipped: 3,
      missingColumns: ['Code postal'],
    });
  });
});

describe('Annuaire configuration (config.json "annuaire")', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'mssante-annuaire-config-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const code = (fn: () => unknown) => {
    try {
      fn();
    } catch (error) {
      return error instanceof MssanteError ? error.code : String(error);
    }
    return 'no error';
  };

  const annuaireOf = (annuaire: unknown) => {
    const state = mkdtempSync(path.join(dir, 'state-'));
    writeHostConfig(state, { trust: { set: 'production' }, annuaire });
    return resolveAnnuaireConfig(state);
  };

  it('reads ldap (url, base), the public preset and offline; refuses anything else with E_CONFIG_INVALID', () => {
    assert.deepEqual(annuaireOf({ source: 'ldap', url: 'ldap://127.0.0.1:1389' }), {
      source: 'ldap',
      url: 'ldap://127.0.0.1:1389',
      base: ANNUAIRE_PRESET.base,
    });
    assert.deepEqual(annuaireOf({ source: 'ldap', preset: 'public' }), {
      source: 'ldap',
      ...ANNUAIRE_PRESET,
    });
    assert.deepEqual(annuaireOf({ source: 'offline' }), { source: 'offline' });
    for (const bad of [
      null,
      [],
      { source: 'x500' },
      { source: 'ldap' },
      { source: 'ldap', preset: 'x' },
      { source: 'ldap', url: 'http://127.0.0.1' },
    ])
      assert.equal(
        code(() => annuaireOf(bad)),
        'E_CONFIG_INVALID',
      );
  });

  it('defaults to the public directory when config.json names none, and is not configured without config.json', () => {
    const real = path.join(dir, 'b');
    mkdirSync(real);
    writeHostConfig(real, { trust: { set: 'production' } });
    assert.deepEqual(resolveAnnuaireConfig(real), { source: 'ldap', ...ANNUAIRE_PRESET });
    const none = path.join(dir, 'none');
    mkdirSync(none);
    assert.equal(
      code(() => resolveAnnuaireConfig(none)),
      'E_CONFIG_MISSING',
    );
  });
});
