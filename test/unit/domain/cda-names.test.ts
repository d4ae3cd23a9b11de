import assert from 'node:assert/strict';
import { MssanteError } from '../../../shared/errors/mssante-error';
import { CdaHeaderReader } from '../../../shared/domain/cda/header';
import { firstName, isQualified } from '../../../shared/domain/cda/patient';
import { encodeUtf8 } from '../../../shared/domain/bytes/utf8';
import { bytesSource } from '../../../shared/domain/zip/source';
import { headerLines } from '../../../shared/domain/pdf/render';
import { readCdaNarrative } from '../../../shared/domain/pdf/narrative';
import { n3Cda } from '../../../lab/fixtures/cda-n3';
import { inspectXdm } from '../../../shared/domain/xdm/reader';
import {
  BIO,
  VSM,
  type FixturePatient,
  buildXdm,
  insWithKey,
} from '../../../lab/fixtures/xdm/generate';

/** The CI-SIS example patient (ANS test identity PAT-TROIS DOMINIQUE MARIE-LOUISE). */
const DOMINIQUE: FixturePatient = {
  ins: insWithKey('2790351215189'),
  insOid: '1.2.250.1.213.1.4.8',
  birthName: 'PAT-TROIS',
  usualName: 'MARTIN',
  given: ['DOMINIQUE', 'MARIE-LOUISE'],
  usedGiven: 'MARIE',
  sex: 'F',
  birthTime: '19790328',
};

/** The patient without some of their name parts. */
function without(p: FixturePatient, ...keys: (keyof FixturePatient)[]): FixturePatient {
  const copy: Partial<FixturePatient> = { ...p };
  for (const key of keys) delete copy[key];
  return copy as FixturePatient;
}

/** A CDA header whose patient `name` is `name` verbatim. */
function header(name: string, ins = DOMINIQUE.ins!) {
  const xml = `<ClinicalDocument xmlns="urn:hl7-org:v3">
  <code code="11502-2" displayName="CR d'examens biologiques" codeSystem="2.16.840.1.113883.6.1"/>
  <recordTarget><patientRole><id root="1.2.250.1.213.1.4.8" extension="${ins}"/>
    <patient><name>${name}</name>
      <administrativeGenderCode code="F" codeSystem="2.16.840.1.113883.5.1"/>
      <birthTime value="19790328"/></patient></patientRole></recordTarget>
  <component><structuredBody/></component></ClinicalDocument>`;
  const reader = new CdaHeaderReader();
  reader.push(encodeUtf8(xml));
  return reader.finish().patient;
}

async function inspect(patient: FixturePatient, documents = [BIO]) {
  return inspectXdm(bytesSource(buildXdm({ patient, documents })));
}

async function refusal(bytes: Uint8Array): Promise<string> {
  try {
    await inspectXdm(bytesSource(bytes));
  } catch (error) {
    assert.ok(error instanceof MssanteError);
    return error.code;
  }
  return 'accepted';
}

describe('patient names of a CI-SIS CDA header (BR, list, CL, SP)', () => {
  it('reads each part for what it is: birth name, used name, list, first birth first name, used first name', () => {
    const p = header(
      '<family qualifier="BR">PAT-TROIS</family><family qualifier="SP">MARTIN</family>' +
        '<given>DOMINIQUE MARIE-LOUISE</given><given qualifier="BR">DOMINIQUE</given>' +
        '<given qualifier="CL">MARIE</given>',
    );
    assert.equal(p.birthName, 'PAT-TROIS');
    assert.equal(p.usualName, 'MARTIN');
    assert.deepEqual(p.birthGivenNames, ['DOMINIQUE MARIE-LOUISE']);
    assert.equal(p.firstBirthGiven, 'DOMINIQUE');
    assert.equal(p.usedGiven, 'MARIE');
    assert.equal(firstName(p), 'DOMINIQUE');
    assert.equal(isQualified(p), true);
  });

  it('ECO.2.1.3 ECO.2.1.6 ECO.2.4.2 a header with BR, list and CL: subject and PDF name carry the first birth first name, the INS is qualified', async () => {
    const r = await inspect(DOMINIQUE);
    assert.equal(r.subject, "XDM/1.0/DDM+CR d'examens biologiques PAT-TROIS DOMINIQUE 28/03/1979");
    assert.equal(
      r.documents[0]!.pdfName,
      "20150802_CR d'examens biologiques_PAT-TROIS_DOMINIQUE.pdf",
    );
    assert.equal(r.headers['X-MSS-INS'], 'O');
    assert.equal(r.patient.birthName, 'PAT-TROIS');
    assert.equal(r.patient.usualName, 'MARTIN');
    assert.equal(r.patient.firstName, 'DOMINIQUE');
    assert.equal(r.patient.birthGivenNames, 'DOMINIQUE MARIE-LOUISE');
    assert.equal(r.patient.usedFirstName, 'MARIE');
  });

  it('ECO.2.1.3 ECO.2.4.2 a header with only the list: the first name of the list, still qualified', async () => {
    const r = await inspect({ ...without(DOMINIQUE, 'usedGiven'), firstBirthGiven: null });
    assert.equal(r.subject, "XDM/1.0/DDM+CR d'examens biologiques PAT-TROIS DOMINIQUE 28/03/1979");
    assert.equal(r.headers['X-MSS-INS'], 'O');
    const p = header(
      '<family qualifier="BR">PAT-TROIS</family><given>DOMINIQUE MARIE-LOUISE</given>',
    );
    assert.equal(firstName(p), 'DOMINIQUE');
    assert.equal(isQualified(p), true);
  });

  it('ECO.2.1.3 compound names: a hyphenated first name, a first name with a space given by BR, a birth name of several words', async () => {
    const hyphen = await inspect({
      ...DOMINIQUE,
      birthName: 'DE LA FONTAINE',
      given: ['JEAN-PIERRE', 'LOUIS'],
      firstBirthGiven: null,
    });
    assert.equal(
      hyphen.subject,
      "XDM/1.0/DDM+CR d'examens biologiques DE LA FONTAINE JEAN-PIERRE 28/03/1979",
    );
    assert.equal(
      hyphen.documents[0]!.pdfName,
      "20150802_CR d'examens biologiques_DE LA FONTAINE_JEAN-PIERRE.pdf",
    );
    // A first name written with a space: only the BR given can tell it from the list.
    const spaced = await inspect({
      ...DOMINIQUE,
      given: ['Marie Claire', 'Anne'],
      firstBirthGiven: 'Marie Claire',
    });
    assert.equal(spaced.patient.firstName, 'Marie Claire');
    assert.equal(
      spaced.subject,
      "XDM/1.0/DDM+CR d'examens biologiques PAT-TROIS MARIE CLAIRE 28/03/1979",
    );
    // Plain HL7 shape, one given per first name: the first element is the first name, whole.
    const parts = header(
      '<family qualifier="BR">PAT-TROIS</family><given>MARIE CLAIRE</given><given>ANNE</given>',
    );
    assert.equal(firstName(parts), 'MARIE CLAIRE');
  });

  it('ECO.2.4.2 ECO.2.1.3 the used name and used first name are not INS traits: without the birth ones, N; the subject falls back to the used name', async () => {
    const usedOnly = header(
      '<family qualifier="CL">MARTIN</family><given qualifier="CL">MARIE</given>',
    );
    assert.equal(usedOnly.birthName, undefined);
    assert.equal(firstName(usedOnly), undefined);
    assert.equal(isQualified(usedOnly), false);

    const r = await inspect(without(DOMINIQUE, 'birthName'));
    assert.equal(r.headers['X-MSS-INS'], 'N');
    // Seed 001 §3.1.3: <NOM> is the birth name "si disponible sinon … le nom usuel".
    assert.equal(r.subject, "XDM/1.0/DDM+CR d'examens biologiques MARTIN DOMINIQUE 28/03/1979");
    const noFirst = await inspect({ ...DOMINIQUE, given: [], firstBirthGiven: null });
    assert.equal(noFirst.headers['X-MSS-INS'], 'N');
    assert.equal(noFirst.subject, undefined);
  });

  it('ECO.2.1.1 the one-patient check compares like with like', async () => {
    // Same person, one header with every part, one with the list only and no used names.
    const bare = { ...without(DOMINIQUE, 'usualName', 'usedGiven'), firstBirthGiven: null };
    const same = await inspectXdm(
      bytesSource(buildXdm({ patient: DOMINIQUE, documents: [BIO, { ...VSM, patient: bare }] })),
    );
    assert.equal(same.subject, 'XDM/1.0/DDM+2 documents PAT-TROIS DOMINIQUE 28/03/1979');
    // Used names differ between documents: not compared, not an identity trait.
    const used = { ...DOMINIQUE, usualName: 'DUPONT', usedGiven: 'MARIE-LOUISE' };
    assert.equal(
      await refusal(buildXdm({ patient: DOMINIQUE, documents: [BIO, { ...VSM, patient: used }] })),
      'accepted',
    );
    // A header with the used name only is not compared with another's birth name.
    const usedNameOnly = without(DOMINIQUE, 'birthName');
    assert.equal(
      await refusal(
        buildXdm({ patient: DOMINIQUE, documents: [BIO, { ...VSM, patient: usedNameOnly }] }),
      ),
      'accepted',
    );
    // Birth traits that differ are two patients: the first birth first name, or the list.
    for (const patient of [
      { ...DOMINIQUE, given: ['MARIE-LOUISE', 'DOMINIQUE'] },
      { ...DOMINIQUE, given: ['DOMINIQUE', 'ANNE'] },
      { ...DOMINIQUE, birthName: 'MARTIN' },
    ]) {
      assert.equal(
        await refusal(buildXdm({ patient: DOMINIQUE, documents: [BIO, { ...VSM, patient }] })),
        'E_XDM_TWO_PATIENTS',
        JSON.stringify(patient),
      );
    }
  });

  it('ECO.2.1.5 the PDF copy shows the birth name, the list of birth first names and the used ones', () => {
    const bytes = encodeUtf8(n3Cda({ patient: DOMINIQUE }));
    const reader = new CdaHeaderReader();
    reader.push(bytes);
    const lines = Object.fromEntries(headerLines(reader.finish(), readCdaNarrative(bytes)));
    assert.equal(lines['Patient (nom de naissance)'], 'PAT-TROIS (usage : MARTIN)');
    assert.equal(lines['Prénoms'], 'DOMINIQUE MARIE-LOUISE');
    assert.equal(lines['Prénom utilisé'], 'MARIE');
  });
});
