import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MssanteError } from '../../../shared/errors/mssante-error';
import {
  composeSubject,
  cutLabel,
  displaySubject,
  isXdmSubject,
  parseSubject,
  subjectLabel,
} from '../../../shared/domain/mail/subject';
import { toRnivName } from '../../../shared/domain/identity/rniv';

const VIAL = {
  birthName: 'Vial',
  firstName: 'Paul',
  birthDate: { year: 1978, month: 11, day: 26 },
};
const BIO = { code: '11502-2', displayName: "CR d'examens biologiques" };
const LETTRE = {
  code: '34133-9',
  displayName: "Lettre de liaison à la sortie d'un établissement de soins",
};
const VSM = { code: '60591-5', displayName: 'Volet de synthèse médicale' };

describe('subject (ECO.2.1.3, ECO.3.1.3)', () => {
  it('ECO.2.1.3 seed 001 §3.1.3 example 1: one document, label under 40 characters', () => {
    assert.equal(
      composeSubject({ documents: [BIO], ...VIAL }),
      "XDM/1.0/DDM+CR d'examens biologiques VIAL PAUL 26/11/1978",
    );
  });

  it('ECO.2.1.3 seed 001 §3.1.3 example 2: cuts the label at 40 characters', () => {
    assert.equal(
      composeSubject({ documents: [LETTRE], ...VIAL }),
      "XDM/1.0/DDM+Lettre de liaison à la sortie d'un établ VIAL PAUL 26/11/1978",
    );
    assert.equal(Array.from(cutLabel(LETTRE.displayName)).length, 40);
  });

  it('ECO.2.1.3 seed 001 §3.1.3 examples 3 and 4: "N documents" for several types', () => {
    assert.equal(
      composeSubject({ documents: [BIO, VSM], ...VIAL }),
      'XDM/1.0/DDM+2 documents VIAL PAUL 26/11/1978',
    );
    assert.equal(
      subjectLabel([BIO, VSM, { code: '34812-8', displayName: "CR d'anesthésie" }]),
      '3 documents',
    );
  });

  it('ECO.2.1.3 keeps the type label when several documents share one type', () => {
    assert.equal(subjectLabel([BIO, BIO]), "CR d'examens biologiques");
  });

  it('ECO.2.1.3 writes names upper case without diacritics (INS-RNIV), hyphen and apostrophe kept', () => {
    const s = composeSubject({
      documents: [BIO],
      birthName: 'Lévêque-d’Arc',
      firstName: 'Éloïse',
      birthDate: { year: 1985, month: 4 },
    });
    assert.equal(s, "XDM/1.0/DDM+CR d'examens biologiques LEVEQUE-D'ARC ELOISE 00/04/1985");
    assert.equal(toRnivName('Cœur  Ça ßtraße Æsir'), 'COEUR CA SSTRASSE AESIR');
  });

  it('ECO.2.1.3 renders lunar dates with 00 and omits an unknown birth date', () => {
    assert.equal(
      composeSubject({
        documents: [BIO],
        birthName: 'VIAL',
        firstName: 'PAUL',
        birthDate: { year: 1978 },
      }),
      "XDM/1.0/DDM+CR d'examens biologiques VIAL PAUL 00/00/1978",
    );
    assert.equal(
      composeSubject({ documents: [BIO], birthName: 'VIAL', firstName: 'PAUL' }),
      "XDM/1.0/DDM+CR d'examens biologiques VIAL PAUL",
    );
  });

  it('ECO.2.1.3 refuses a subject without birth name or first name', () => {
    assert.throws(
      () => composeSubject({ documents: [BIO], birthName: ' ', firstName: 'PAUL' }),
      (e: MssanteError) => e.code === 'E_SUBJECT_INVALID',
    );
    assert.throws(
      () => composeSubject({ documents: [], birthName: 'VIAL', firstName: 'PAUL' }),
      (e: MssanteError) => e.code === 'E_SUBJECT_INVALID',
    );
  });

  it('ECO.2.1.3 parses the spec examples as printed, first name "Paul" included', () => {
    assert.deepEqual(parseSubject("XDM/1.0/DDM+CR d'examens biologiques VIAL Paul 26/11/1978"), {
      label: "CR d'examens biologiques",
      birthName: 'VIAL',
      firstName: 'Paul',
      birthDate: { year: 1978, month: 11, day: 26 },
    });
    assert.deepEqual(
      parseSubject("XDM/1.0/DDM+Lettre de liaison à la sortie d'un établ VIAL Paul 26/11/1978")
        .label,
      "Lettre de liaison à la sortie d'un établ",
    );
    assert.deepEqual(parseSubject('XDM/1.0/DDM+3 documents VIAL Paul 26/11/1978'), {
      label: '3 documents',
      birthName: 'VIAL',
      firstName: 'Paul',
      birthDate: { year: 1978, month: 11, day: 26 },
      documentCount: 3,
    });
    assert.equal(
      parseSubject('XDM/1.0/DDM+2 documents DE LA FONTAINE JEAN 00/00/1978').birthName,
      'DE LA FONTAINE',
    );
  });

  it('ECO.2.1.3 splits exactly with the expected patient when the label ends in capitals', () => {
    const s = composeSubject({
      documents: [{ code: 'X', displayName: 'Compte rendu IRM' }],
      birthName: 'DE GAULLE',
      firstName: 'CHARLES',
    });
    assert.deepEqual(parseSubject(s, { birthName: 'de Gaulle', firstName: 'Charles' }), {
      label: 'Compte rendu IRM',
      birthName: 'DE GAULLE',
      firstName: 'CHARLES',
    });
    assert.throws(
      () => parseSubject(s, { birthName: 'MARTIN', firstName: 'CHARLES' }),
      (e: MssanteError) => e.code === 'E_SUBJECT_INVALID',
    );
  });

  it('ECO.2.1.3 refuses subjects that are not XDM subjects or miss fields', () => {
    for (const bad of [
      'Bonjour',
      'XDM/1.0/DDM+VIAL PAUL',
      'XDM/1.0/DDM+CR VIAL PAUL 31/02/1978',
      'XDM/1.0/DDM+CR bio vial paul',
    ]) {
      assert.throws(
        () => parseSubject(bad),
        (e: MssanteError) => e.code === 'E_SUBJECT_INVALID',
        bad,
      );
    }
  });

  it('ECO.2.1.3 compose → parse gives back label, names and date (property)', () => {
    const word = fc
      .stringMatching(/^[A-ZÉÈÀÇ][A-ZÉÈÀÇ'-]{0,9}$/)
      .filter((w) => /[A-ZÉÈÀÇ]/.test(toRnivName(w)) && !/^[-']|[-']$/.test(w));
    const lowerWord = fc.stringMatching(/^[a-zéèàç][a-zéèàç'-]{0,9}$/);
    const label = fc
      .tuple(fc.stringMatching(/^[A-Z]{1,4}$/), fc.array(lowerWord, { minLength: 1, maxLength: 5 }))
      .map(([a, rest]) => [a, ...rest].join(' '));
    const date = fc.option(
      fc.oneof(
        fc.record({ year: fc.integer({ min: 1900, max: 2025 }) }),
        fc.record({
          year: fc.integer({ min: 1900, max: 2025 }),
          month: fc.integer({ min: 1, max: 12 }),
        }),
        fc.record({
          year: fc.integer({ min: 1900, max: 2025 }),
          month: fc.integer({ min: 1, max: 12 }),
          day: fc.integer({ min: 1, max: 28 }),
        }),
      ),
      { nil: undefined },
    );
    fc.assert(
      fc.property(
        label,
        fc.array(word, { minLength: 1, maxLength: 3 }),
        word,
        date,
        (lbl, nameWords, first, birthDate) => {
          const birthName = nameWords.join(' ');
          const s = composeSubject({
            documents: [{ code: 'C', displayName: lbl }],
            birthName,
            firstName: first,
            ...(birthDate ? { birthDate } : {}),
          });
          const parsed = parseSubject(s);
          assert.equal(parsed.label, cutLabel(lbl));
          assert.equal(parsed.birthName, toRnivName(birthName));
          assert.equal(parsed.firstName, toRnivName(first));
          assert.deepEqual(parsed.birthDate, birthDate ? { ...birthDate } : undefined);
          assert.deepEqual(
            parseSubject(s, { birthName, firstName: first }).birthName,
            toRnivName(birthName),
          );
        },
      ),
    );
  });

  it('ECO.3.1.3 hides the XDM/1.0/DDM+ prefix for display, also behind Re:/TR:', () => {
    assert.equal(
      displaySubject("XDM/1.0/DDM+CR d'examens biologiques VIAL PAUL 26/11/1978"),
      "CR d'examens biologiques VIAL PAUL 26/11/1978",
    );
    assert.equal(
      displaySubject('Re: XDM/1.0/DDM+2 documents VIAL PAUL'),
      'Re: 2 documents VIAL PAUL',
    );
    assert.equal(displaySubject('Bonjour XDM/1.0/DDM+'), 'Bonjour XDM/1.0/DDM+');
    assert.equal(isXdmSubject('TR: RE: XDM/1.0/DDM+x A B'), true);
    assert.equal(isXdmSubject('XDM/1.0/DDM x'), false);
  });
});
