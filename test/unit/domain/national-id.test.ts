import assert from 'node:assert/strict';
import {
  isNationalId,
  NATIONAL_ID_MAX_LENGTH,
  nationalIdForm,
} from '../../../shared/domain/identity/national-id';
import { pscLogin } from '../../../shared/protocol/messages/psc';
import { PRACTITIONERS } from '../../../lab/sandbox/people';

describe('PSC national ids (shared/domain/identity/national-id)', () => {
  it('accepts 6 to 20 digits (8 + RPPS, 1 + FINESS…)', () => {
    for (const id of ['810100000011', '899700218896', '1750000000', '123456', '1'.repeat(20)])
      assert.equal(nationalIdForm(id), 'digits', id);
  });

  it('accepts 0 + ADELI, letters included (Corsican and overseas department codes)', () => {
    for (const id of ['02A6012345', '02B1234567', '09A1234567'])
      assert.equal(nationalIdForm(id), 'adeli', id);
  });

  it('accepts establishment staff: 3, 5 or 6 + structure id + / + internal id', () => {
    for (const id of ['500000001815646/CPAT00045', '3750000000/SEC00001', '610100000011/ab-1.2'])
      assert.equal(nationalIdForm(id), 'staff', id);
  });

  it('accepts PSC BAS test accounts (ANS + digits)', () => {
    assert.equal(nationalIdForm('ANS20231122132732'), 'bas-test');
  });

  it('refuses spaces, control characters, other prefixes and what is too long', () => {
    for (const id of [
      '',
      '12345',
      '1'.repeat(21),
      ' 810100000011',
      '810100000011 ',
      '8101 00000011',
      '810100000011\n',
      '500000001815646/CPAT\u000000045',
      '500000001815646/',
      '400000001815646/CPAT00045', // 4 is not a staff prefix
      '500000001815646/CPAT 00045',
      '02a6012345', // ADELI letters are upper case
      'ans20231122132732',
      'ANS',
      `500000001815646/${'A'.repeat(NATIONAL_ID_MAX_LENGTH)}`,
    ])
      assert.equal(isNationalId(id), false, JSON.stringify(id));
  });

  it('is the rule of the protocol’s CIBA sign-in', () => {
    const ok = (nationalId: string) =>
      pscLogin.params.safeParse({ method: 'ciba', nationalId }).success;
    assert.equal(ok('500000001815646/CPAT00045'), true);
    assert.equal(ok('ANS20231122132732'), true);
    assert.equal(ok('02A6012345'), true);
    assert.equal(ok('810100000011 '), false);
  });

  it('the sandbox has a person of each form', () => {
    const forms = new Set(PRACTITIONERS.map((p) => nationalIdForm(p.nationalId)));
    assert.deepEqual([...forms].sort(), ['adeli', 'bas-test', 'digits', 'staff']);
  });
});
