import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MssanteError } from '../../../shared/errors/mssante-error';
import {
  checkIns,
  insKey,
  isValidIns,
  normalizeIns,
  patientAddress,
} from '../../../shared/domain/ins/ins';
import { insWithKey } from '../../../lab/fixtures/xdm/templates';

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof MssanteError);
    return error.code;
  }
  return 'none';
};

describe('INS / NIR (ECO.2.2.6)', () => {
  it('ECO.2.2.6 computes the key as 97 − (13 digits mod 97) for any NIR (property, BigInt reference)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[12]\d{4}(\d{2}|2A|2B)\d{6}$/), (first13) => {
        const n = BigInt(first13.replace('2A', '19').replace('2B', '18'));
        assert.equal(insKey(first13), String(97n - (n % 97n)).padStart(2, '0'));
        assert.equal(isValidIns(insWithKey(first13)), true);
      }),
    );
  });

  it('ECO.2.2.6 refuses any single-digit typing error through the key (property)', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[12]\d{12}$/),
        fc.integer({ min: 0, max: 12 }),
        fc.integer({ min: 1, max: 9 }),
        (first13, pos, delta) => {
          const good = insWithKey(first13);
          const digit = (Number(good[pos]) + delta) % 10;
          const typo = good.slice(0, pos) + digit + good.slice(pos + 1);
          if (pos === 0 && !/[1-478]/.test(String(digit))) return; // shape error, tested elsewhere
          assert.equal(
            code(() => checkIns(typo, 2025)),
            'E_INS_KEY',
          );
        },
      ),
    );
  });

  it('ECO.2.2.6 reads sex, birth year and month and département from a NIR', () => {
    const value = insWithKey('1781175123456');
    const info = checkIns(value, 2025);
    assert.deepEqual(
      {
        kind: info.kind,
        sex: info.sex,
        year: info.birthYear,
        month: info.birthMonth,
        dep: info.birthDepartement,
        abroad: info.bornAbroad,
      },
      { kind: 'NIR', sex: 'M', year: 1978, month: 11, dep: '75', abroad: false },
    );
    const girl = checkIns(insWithKey('2100399123456'), 2025);
    assert.equal(girl.sex, 'F');
    assert.equal(girl.birthYear, 2010);
    assert.equal(girl.bornAbroad, true);
  });

  it('ECO.2.2.6 handles Corsica (2A→19, 2B→18) and overseas départements (3 digits)', () => {
    const a = insWithKey('185022A123456');
    assert.equal(checkIns(a, 2025).birthDepartement, '2A');
    assert.equal(insKey('185022A123456'), insKey('1850219123456'));
    assert.equal(insKey('185022B123456'), insKey('1850218123456'));
    assert.equal(checkIns(insWithKey('2850297112345'), 2025).birthDepartement, '971');
  });

  it('ECO.2.2.6 recognises a NIA (first digit 7 or 8) and unknown months', () => {
    const nia = checkIns(insWithKey('7901299123456'), 2025);
    assert.equal(nia.kind, 'NIA');
    assert.equal(nia.sex, 'M');
    assert.equal(nia.birthMonth, 12);
    assert.equal(checkIns(insWithKey('8904099123456'), 2025).birthMonth, null);
  });

  it('ECO.2.2.6 refuses malformed values with E_INS_FORMAT and wrong keys with E_INS_KEY', () => {
    assert.equal(
      code(() => checkIns('12345', 2025)),
      'E_INS_FORMAT',
    );
    assert.equal(
      code(() => checkIns('5781175123456 00', 2025)),
      'E_INS_FORMAT',
    );
    assert.equal(
      code(() => checkIns('17811751234AB12', 2025)),
      'E_INS_FORMAT',
    );
    const good = insWithKey('1781175123456');
    const bad = good.slice(0, 13) + String((Number(good.slice(13)) % 97) + 1).padStart(2, '0');
    assert.equal(
      code(() => checkIns(bad, 2025)),
      'E_INS_KEY',
    );
  });

  it('ECO.2.2.6 accepts typed spaces and lower-case 2a, and builds <INS>@patient.mssante.fr', () => {
    const good = insWithKey('185022A123456');
    const typed = `${good.slice(0, 1)} ${good.slice(1, 3)} ${good.slice(3, 5)} ${good.slice(5, 7).toLowerCase()} ${good.slice(7)}`;
    assert.equal(normalizeIns(typed), good);
    assert.equal(patientAddress(typed), `${good}@patient.mssante.fr`);
    assert.throws(
      () => patientAddress('178117512345600'),
      (e: MssanteError) => e.code === 'E_INS_KEY',
    );
  });
});
