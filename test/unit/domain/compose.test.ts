import assert from 'node:assert/strict';
import {
  addressOfKnown,
  checkedAddresses,
  confirmNir,
  describeNir,
  knownFromMes,
  knownFromXdm,
} from '../../../shared/domain/mail/compose-patients';
import { admitKnown } from '../../../shared/domain/mail/patient-admission';
import {
  chooseSubject,
  type ComposeInput,
  htmlWithMention,
  htmlWithoutStructMarks,
  planCompose,
} from '../../../shared/domain/mail/compose';
import { DEFAULT_NIL } from '../../../shared/domain/mail/headers';
import { inspectXdm } from '../../../shared/domain/xdm/reader';
import { bytesSource } from '../../../shared/domain/zip/source';
import { MssanteError } from '../../../shared/errors/mssante-error';
import {
  ANESTH,
  BIO,
  buildXdm,
  insWithKey,
  LETTRE,
  VIAL_PAUL,
  VSM,
  type XdmSpec,
} from '../../../lab/fixtures/xdm/generate';
import { LEO, MARIE, PAUL } from '../../../lab/sandbox/people';

const MARIE_IDENTITY = {
  address: MARIE.mailbox,
  profile: 'PER' as const,
  fullName: 'Dr Marie MARTIN',
};
const xdm = (spec: XdmSpec) => inspectXdm(bytesSource(buildXdm(spec)));
const PAUL_ADDRESS = `${VIAL_PAUL.ins}@patient.mssante.fr`;

function input(
  over: Partial<ComposeInput> = {},
  options: Partial<ComposeInput['options']> = {},
): ComposeInput {
  return {
    identity: MARIE_IDENTITY,
    subject: '',
    recipients: [PAUL.mailbox],
    attachments: [],
    isPlainText: true,
    ...over,
    options: { dsn: false, mdn: false, fin: false, checkedPatientAddresses: [], ...options },
  };
}
const header = (plan: ReturnType<typeof planCompose>, name: string) =>
  plan.headers.find((h) => h.name === name)?.value;
const blocking = (plan: ReturnType<typeof planCompose>) =>
  plan.problems.filter((p) => p.blocking).map((p) => p.code);
type Inspection = Awaited<ReturnType<typeof xdm>>;
/** The digest the extension computes of an N1 document's embedded PDF (stands for SHA-256). */
const EMBEDDED = (i: number) => `embedded-${i}`;
/** The XDM attachment as the extension reads it: with its N1 documents' embedded PDF digests. */
const xdmAttachment = (name: string, inspection: Inspection) => ({
  name,
  xdm: inspection,
  embeddedPdfSha256: Object.fromEntries(
    inspection.documents.map((d, i) => [d.entryName, EMBEDDED(i)]),
  ),
});
/**
 * What reading the true copy of document i gives: N1, the embedded PDF's bytes (same digest);
 * N3, a PDF/A-1 carrying the document's ClinicalDocument/id (the generator's output).
 */
const copyOf = (inspection: Inspection, i: number, name = inspection.documents[i]!.pdfName!) => {
  const d = inspection.documents[i]!;
  const id = d.header.documentId!;
  return {
    name,
    pdf:
      d.level === 'N1'
        ? { isPdf: true, identifiers: [], sha256: EMBEDDED(i) }
        : {
            isPdf: true,
            pdfaPart: 1,
            identifiers: [`${id.root}^${id.extension}`],
            sha256: `generated-${i}`,
          },
  };
};

describe('compose plan (shared/domain/mail/compose)', () => {
  it('ECO.2.4.3 puts X-MSS-NIL on every message, the configured value or the default', () => {
    assert.equal(header(planCompose(input()), 'X-MSS-NIL'), DEFAULT_NIL);
    assert.equal(header(planCompose(input({}, { nil: 'EDITEUR-42' })), 'X-MSS-NIL'), 'EDITEUR-42');
    assert.equal(header(planCompose(input({}, { nil: 'bad\r\nX: y' })), 'X-MSS-NIL'), DEFAULT_NIL);
    const plain = planCompose(input());
    assert.equal(header(plain, 'X-MSS-CODECDA'), undefined);
    assert.equal(header(plain, 'X-MSS-INS'), undefined);
    assert.equal(plain.subject, undefined);
  });

  it('ECO.2.1.3 ECO.2.4.1 ECO.2.4.2 sets subject, X-MSS-CODECDA and X-MSS-INS from an XDM with its PDF', async () => {
    const inspection = await xdm({ documents: [BIO] });
    const pdf = inspection.documents[0]!.pdfName!;
    assert.equal(pdf, "20150802_CR d'examens biologiques_VIAL_PAUL.pdf");
    const plan = planCompose(
      input({ attachments: [xdmAttachment('IHE_XDM.ZIP', inspection), copyOf(inspection, 0)] }),
    );
    assert.deepEqual(blocking(plan), []);
    assert.equal(plan.subject, "XDM/1.0/DDM+CR d'examens biologiques VIAL PAUL 26/11/1978");
    assert.equal(header(plan, 'X-MSS-CODECDA'), '11502-2');
    assert.equal(header(plan, 'X-MSS-INS'), 'O');
  });

  it('ECO.2.1.3 ECO.2.4.1 counts documents of several types and lists every code in order; N without qualified INS', async () => {
    const { ins: _i, ...noIns } = VIAL_PAUL;
    const inspection = await xdm({
      patient: { ...noIns, ipp: 'IPP1' },
      documents: [BIO, LETTRE, VSM],
    });
    const pdfs = inspection.documents.map((d) => ({ name: d.pdfName! }));
    const plan = planCompose(
      input({ attachments: [{ name: 'IHE_XDM.ZIP', xdm: inspection }, ...pdfs] }),
    );
    assert.equal(plan.subject, 'XDM/1.0/DDM+3 documents VIAL PAUL 26/11/1978');
    assert.equal(header(plan, 'X-MSS-CODECDA'), '11502-2, 34133-9, 60591-5');
    assert.equal(header(plan, 'X-MSS-INS'), 'N');
  });

  it('ECO.2.1.3 keeps a subject the user wrote when it follows the rule, replaces it otherwise and says so', async () => {
    const inspection = await xdm({ documents: [BIO] });
    const computed = inspection.subject!;
    const mine = 'XDM/1.0/DDM+Bilan sanguin VIAL PAUL 26/11/1978';
    assert.deepEqual(chooseSubject(mine, computed, inspection.patient), {
      subject: mine,
      kept: true,
    });
    assert.deepEqual(chooseSubject('Résultats de Paul', computed, inspection.patient), {
      subject: computed,
      kept: false,
      replaced: 'Résultats de Paul',
    });
    const plan = planCompose(
      input({
        subject: 'Résultats de Paul',
        attachments: [
          { name: 'x.zip', xdm: inspection },
          { name: inspection.documents[0]!.pdfName! },
        ],
      }),
    );
    assert.equal(plan.subject, computed);
    assert.ok(plan.problems.some((p) => p.code === 'subject-replaced' && !p.blocking));
  });

  it('ECO.2.1.1 refuses an XDM without the PDF copies of its documents, and documents of two patients', async () => {
    const one = await xdm({ documents: [BIO, VSM] });
    const plan = planCompose(
      input({ attachments: [xdmAttachment('IHE_XDM.ZIP', one), copyOf(one, 0)] }),
    );
    assert.deepEqual(blocking(plan), ['E_COMPOSE_PDF_MISSING']);
    assert.equal(
      plan.problems.find((p) => p.code === 'E_COMPOSE_PDF_MISSING')!.detail,
      'Volet de synthèse médicale',
    );
    const lucie = await xdm({
      patient: {
        ...VIAL_PAUL,
        ins: insWithKey('2850275123456'),
        birthName: 'DURAND',
        given: ['LUCIE'],
        sex: 'F',
      },
      documents: [BIO],
    });
    const paul = await xdm({ documents: [BIO] });
    const two = planCompose(
      input({
        attachments: [
          xdmAttachment('A.ZIP', paul),
          xdmAttachment('B.ZIP', lucie),
          copyOf(paul, 0),
          copyOf(lucie, 0),
        ],
      }),
    );
    assert.deepEqual(blocking(two), ['E_XDM_TWO_PATIENTS']);
    const refused = planCompose(
      input({ attachments: [{ name: 'C.ZIP', xdmError: 'E_XDM_TWO_PATIENTS' }] }),
    );
    assert.deepEqual(blocking(refused), ['E_XDM_TWO_PATIENTS']);
  });

  it('ECO.2.1.6 offers the right name for a true copy badly named; ECO.2.1.5 offers the PDF an N1 document embeds', async () => {
    const inspection = await xdm({ documents: [BIO, ANESTH] });
    const plan = planCompose(
      input({
        attachments: [
          xdmAttachment('IHE_XDM.ZIP', inspection),
          copyOf(inspection, 0, 'resultats.pdf'),
        ],
      }),
    );
    assert.deepEqual(plan.pdfRenames, [
      { from: 'resultats.pdf', to: "20150802_CR d'examens biologiques_VIAL_PAUL.pdf" },
    ]);
    assert.deepEqual(plan.embeddedPdfOffers, [
      {
        attachment: 'IHE_XDM.ZIP',
        entryName: 'IHE_XDM/SUBSET01/DOC0002.XML',
        pdfName: "20150802_CR d'anesthésie_VIAL_PAUL.pdf",
      },
    ]);
    assert.deepEqual(blocking(plan), ['E_COMPOSE_PDF_MISSING']);
  });

  it('ECO.2.1.1 ECO.2.1.5 a PDF is a copy by its content: a foreign or misnamed PDF is never renamed onto a document, and the panel says which document lacks a true copy', async () => {
    const inspection = await xdm({ documents: [BIO, ANESTH] });
    const bioName = inspection.documents[0]!.pdfName!;
    const anesthName = inspection.documents[1]!.pdfName!;
    const withPdfs = (...pdfs: { name: string; pdf?: unknown }[]) =>
      planCompose(
        input({ attachments: [xdmAttachment('IHE_XDM.ZIP', inspection), ...(pdfs as [])] }),
      );
    const problem = (plan: ReturnType<typeof planCompose>, code: string) =>
      plan.problems.filter((p) => p.code === code).map((p) => p.detail);
    // Both true copies, under their names: nothing to say.
    const good = withPdfs(copyOf(inspection, 0), copyOf(inspection, 1));
    assert.deepEqual(good.problems, []);
    // Swapped names: each is renamed to its own document's name, by content.
    const swapped = withPdfs(copyOf(inspection, 0, anesthName), copyOf(inspection, 1, bioName));
    assert.deepEqual(swapped.pdfRenames, [
      { from: anesthName, to: bioName },
      { from: bioName, to: anesthName },
    ]);
    assert.deepEqual(blocking(swapped), []);
    // A PDF under the N1 document's name, not byte-identical to the embedded one: foreign.
    const foreignN1 = withPdfs(copyOf(inspection, 0), {
      name: anesthName,
      pdf: { isPdf: true, identifiers: [], sha256: 'another-pdf' },
    });
    assert.deepEqual(foreignN1.pdfRenames, []);
    assert.deepEqual(problem(foreignN1, 'pdf-foreign'), [`${anesthName} ≠ CR d'anesthésie`]);
    assert.deepEqual(problem(foreignN1, 'E_COMPOSE_PDF_MISSING'), ["CR d'anesthésie"]);
    assert.equal(foreignN1.embeddedPdfOffers[0]!.pdfName, anesthName);
    // N3: a PDF/A-2, a PDF/A-1 of another document, a plain PDF, a pseudo-PDF: none is a copy.
    const id = inspection.documents[0]!.header.documentId!;
    for (const pdf of [
      { isPdf: true, pdfaPart: 2, identifiers: [`${id.root}^${id.extension}`], sha256: 'a' },
      { isPdf: true, pdfaPart: 1, identifiers: ['1.2.3^OTHER'], sha256: 'b' },
      { isPdf: true, identifiers: [], sha256: 'c' },
      { isPdf: false, identifiers: [], sha256: 'd' },
    ]) {
      const plan = withPdfs({ name: 'resultats.pdf', pdf }, copyOf(inspection, 1));
      assert.deepEqual(plan.pdfRenames, [], JSON.stringify(pdf));
      assert.deepEqual(problem(plan, 'pdf-foreign'), ['resultats.pdf']);
      assert.deepEqual(problem(plan, 'E_COMPOSE_PDF_MISSING'), ["CR d'examens biologiques"]);
      assert.equal(plan.pdfaOffers[0]!.pdfName, bioName);
    }
    // A PDF whose content was not read (no facts) is no copy either.
    assert.deepEqual(blocking(withPdfs({ name: bioName }, copyOf(inspection, 1))), [
      'E_COMPOSE_PDF_MISSING',
    ]);
  });

  it('ECO.2.2.6 ECO.2.2.8 writes to a patient only at a checked address, and FIN only to a patient', () => {
    const unchecked = planCompose(input({ recipients: [PAUL_ADDRESS] }, { fin: true }));
    assert.deepEqual(blocking(unchecked), ['E_COMPOSE_PATIENT_UNCHECKED']);
    const checked = planCompose(
      input(
        { recipients: [`Paul <${PAUL_ADDRESS.toUpperCase()}>`] },
        { fin: true, checkedPatientAddresses: [PAUL_ADDRESS] },
      ),
    );
    assert.deepEqual(blocking(checked), []);
    assert.equal(checked.toPatient, true);
    assert.equal(header(checked, 'X-MSS-MES'), 'FIN');
    const badKey = planCompose(input({ recipients: ['178112A12345600@patient.mssante.fr'] }));
    assert.deepEqual(blocking(badKey), ['E_INS_KEY']);
    const colleague = planCompose(input({}, { fin: true }));
    assert.equal(header(colleague, 'X-MSS-MES'), undefined);
    assert.ok(colleague.problems.some((p) => p.code === 'fin-without-patient'));
  });

  it('ECO.2.3.1 ECO.2.3.2 asks the bridge for Return-Receipt-To and Thunderbird for an MDN, independently', () => {
    const dsn = planCompose(input({}, { dsn: true }));
    assert.equal(header(dsn, 'X-Open-Mssante-Dsn'), '1');
    assert.equal(dsn.returnReceipt, false);
    const mdn = planCompose(input({}, { mdn: true }));
    assert.equal(header(mdn, 'X-Open-Mssante-Dsn'), undefined);
    assert.equal(mdn.returnReceipt, true);
  });

  it('ECO.2.2.5 APP mailboxes: Reply-To and the mention, refused without a contact', () => {
    const app = {
      address: 'app@sandbox.mssante.test',
      profile: 'APP' as const,
      fullName: 'Laboratoire Central',
    };
    const plan = planCompose(
      input({ identity: app }, { appContact: 'secretariat@sandbox.mssante.test' }),
    );
    assert.equal(plan.replyTo, 'secretariat@sandbox.mssante.test');
    assert.match(plan.appMention!, /généré automatiquement.*secretariat@sandbox\.mssante\.test/);
    assert.deepEqual(blocking(planCompose(input({ identity: app }))), ['E_COMPOSE_APP_CONTACT']);
    const html = htmlWithMention('<html><body><p>Bonjour</p></body></html>', 'A & <b>');
    assert.equal(html, '<html><body><p>Bonjour</p><p>-- <br>A &amp; &lt;b&gt;</p></body></html>');
    assert.equal(htmlWithMention(html, 'A & <b>'), html);
  });

  it('ECO.2.2.4 writes emphasis as styled spans, so the text part Thunderbird derives carries no *struct* marks', () => {
    assert.equal(
      htmlWithoutStructMarks(
        '<html><body><p>Bonjour <b>Paul</b>, <STRONG class="x">à</STRONG> <i>bientôt</i> <em style="color:red">ici</em> <u>là</u><br><ul><li>item</li></ul><img src="a.png"></p></body></html>',
      ),
      '<html><body><p>Bonjour <span style="font-weight:bold">Paul</span>, <span style="font-weight:bold" class="x">à</span> <span style="font-style:italic">bientôt</span> <span style="font-style:italic;color:red">ici</span> <span style="text-decoration:underline">là</span><br><ul><li>item</li></ul><img src="a.png"></p></body></html>',
    );
  });

  it('ECO.2.2.7 ECO.2.2.4 warns about a From label off the rule and sends HTML as multipart/alternative', () => {
    const plan = planCompose(
      input({ identity: { ...MARIE_IDENTITY, fullName: 'marie.martin' }, isPlainText: false }),
    );
    assert.ok(plan.problems.some((p) => p.code === 'from-label' && !p.blocking));
    assert.equal(plan.deliveryFormat, 'both');
    assert.equal(planCompose(input()).deliveryFormat, undefined);
  });
});

describe('known patients and the NIR derogation (shared/domain/mail/compose-patients)', () => {
  it('ECO.3.1.5 ECO.2.2.6 a patient from a qualified XDM gives the address; one never downgraded', async () => {
    const inspection = await xdm({ documents: [BIO] });
    const known = knownFromXdm(inspection.patient)!;
    assert.equal(known.qualified, true);
    assert.equal(known.birthName, 'VIAL');
    assert.equal(known.birthDate, '1978-11-26');
    assert.equal(addressOfKnown(known), PAUL_ADDRESS);
    const merged = admitKnown(
      [known],
      { ...known, qualified: false, source: 'mes' },
      new Date(),
    ).list;
    assert.equal(merged.length, 1);
    assert.equal(merged[0]!.qualified, true);
    assert.deepEqual(checkedAddresses(merged), [PAUL_ADDRESS]);
    assert.throws(
      () => addressOfKnown({ ...known, qualified: false }),
      (e: MssanteError) => e.code === 'E_COMPOSE_PATIENT_UNCHECKED',
    );
  });

  it('ECO.3.1.5 a Mon espace santé sender becomes a known patient (MES display name, INS not qualified: no address until confirmed); a professional or a bad INS does not', () => {
    assert.deepEqual(knownFromMes('Léo Dupond <279035121518989@patient.mssante.fr>'), {
      ins: LEO.ins,
      birthName: 'DUPOND',
      firstName: 'Léo',
      qualified: false,
      source: 'mes',
    });
    assert.throws(
      () => addressOfKnown(knownFromMes('<279035121518989@patient.mssante.fr>')!),
      (e: MssanteError) => e.code === 'E_COMPOSE_PATIENT_UNCHECKED',
    );
    assert.equal(knownFromMes('Dr Paul DURAND <paul.durand@sandbox.mssante.test>'), undefined);
    assert.equal(knownFromMes('X <279035121518988@patient.mssante.fr>'), undefined);
  });

  it('ECO.2.2.6 derogation: the key is checked, then sex and birth month/year must be confirmed', () => {
    const nir = insWithKey('2850275123456');
    assert.throws(
      () => describeNir(nir.slice(0, 13) + '00', 2026),
      (e: MssanteError) => e.code === 'E_INS_KEY',
    );
    const info = describeNir(nir, 2026);
    assert.equal(info.sex, 'F');
    assert.equal(info.birthYear, 1985);
    assert.equal(info.birthMonth, 2);
    assert.throws(
      () => confirmNir(nir, { sex: 'M', birthYear: 1985, birthMonth: 2 }, 2026, new Date()),
      (e: MssanteError) => e.code === 'E_COMPOSE_PATIENT_UNCHECKED',
    );
    const p = confirmNir(
      nir,
      { sex: 'F', birthYear: 1985, birthMonth: 2 },
      2026,
      new Date('2026-12-01T10:00:00Z'),
      {
        birthName: 'Durand',
        firstName: 'Lucie',
      },
    );
    assert.equal(p.qualified, false);
    assert.equal(p.birthName, 'DURAND');
    assert.equal(addressOfKnown(p), `${nir}@patient.mssante.fr`);
  });
});
