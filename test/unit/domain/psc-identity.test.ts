import assert from 'node:assert/strict';
import { eidasLevel } from '../../../shared/domain/identity/eidas';
import { pscTitleCode } from '../../../shared/domain/identity/psc-title';
import { fromLabelFor } from '../../../shared/domain/mail/from-label';
import { PRACTITIONERS } from '../../../lab/sandbox/people';
import { userinfoOf } from '../../../lab/sandbox/psc/claims';

const exercise = (codeCiviliteDexercice: string) => ({
  codeProfession: '10',
  codeCiviliteDexercice,
  activities: [],
});

describe('the title before a PSC name (shared/domain/identity/psc-title)', () => {
  it('takes the exercise title when there is one, not the civil one', () => {
    const info = { codeCivilite: 'MME', SubjectRefPro: { exercices: [exercise('DR')] } };
    assert.equal(pscTitleCode(info), 'DR');
  });

  it('takes the civil title when the exercise title is empty (a nurse, a podiatrist)', () => {
    assert.equal(
      pscTitleCode({ codeCivilite: 'M', SubjectRefPro: { exercices: [exercise('')] } }),
      'M',
    );
    assert.equal(pscTitleCode({ codeCivilite: 'MME', SubjectRefPro: { exercices: [] } }), 'MME');
  });

  it('reads the civil title in SubjectRefPro too (older answers)', () => {
    assert.equal(
      pscTitleCode({ SubjectRefPro: { codeCivilite: 'M', exercices: [exercise('')] } }),
      'M',
    );
  });

  it('several exercices: the first DR or PR, else the first title that is not empty', () => {
    const of = (...titles: string[]) =>
      pscTitleCode({ codeCivilite: 'M', SubjectRefPro: { exercices: titles.map(exercise) } });
    assert.equal(of('', 'DR'), 'DR');
    assert.equal(of('M', 'PR', 'DR'), 'PR');
    assert.equal(of('', 'M'), 'M');
    assert.equal(of('', ''), 'M');
  });

  it('nothing usable: no title', () => {
    assert.equal(pscTitleCode({}), undefined);
    assert.equal(pscTitleCode({ SubjectRefPro: 'x', codeCivilite: 42 }), undefined);
  });

  it('ECO.2.2.7 the From label of the sandbox’s people from the stub’s PSC-shaped userinfo', () => {
    const label = (nationalId: string) => {
      const p = PRACTITIONERS.find((x) => x.nationalId === nationalId)!;
      const info = userinfoOf(p);
      return fromLabelFor(
        'PER',
        {
          givenName: String(info.given_name),
          familyName: String(info.family_name),
          civility: pscTitleCode(info),
        },
        '',
      );
    };
    assert.equal(label('810100000011'), 'Dr Marie MARTIN'); // civil MME, exercise DR
    assert.equal(label('810100000033'), 'Mme Élodie LEFÈVRE'); // nurse: no exercise title
    assert.equal(label('ANS20240115093000'), 'M. Hugo PETIT'); // podiatrist
  });
});

describe('the eIDAS level of a PSC login (shared/domain/identity/eidas)', () => {
  it('a missing acr counts as eidas1, as in ANS’s Keycloak connector', () => {
    assert.equal(eidasLevel(undefined), 1);
    assert.equal(eidasLevel(null), 1);
  });

  it('accepts every eIDAS level from 1', () => {
    assert.equal(eidasLevel('eidas1'), 1);
    assert.equal(eidasLevel('eidas2'), 2);
    assert.equal(eidasLevel('eidas3'), 3);
  });

  it('refuses anything else', () => {
    for (const acr of [
      '',
      'eidas0',
      'EIDAS1',
      'eidas1 ',
      'loa1',
      'eidas',
      'eidas-1',
      1,
      ['eidas1'],
    ])
      assert.equal(eidasLevel(acr), undefined, JSON.stringify(acr));
  });
});
