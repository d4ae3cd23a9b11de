import assert from 'node:assert/strict';
import { MssanteError } from '../../../shared/errors/mssante-error';
import { type ZipSource, bytesSource } from '../../../shared/domain/zip/source';
import { inspectXdm, openXdm, streamEmbeddedPdf } from '../../../shared/domain/xdm/reader';
import { DEFAULT_ZIP_LIMITS } from '../../../shared/domain/zip/limits';
import {
  ANESTH,
  BIO,
  LETTRE,
  VIAL_PAUL,
  VSM,
  buildXdm,
  hostileCorpus,
  insWithKey,
  pseudoPdf,
  type HostileCase,
} from '../../../lab/fixtures/xdm/generate';

async function refusal(bytes: Uint8Array, options = {}): Promise<string> {
  try {
    await inspectXdm(bytesSource(bytes), options);
  } catch (error) {
    assert.ok(error instanceof MssanteError, `not a MssanteError: ${String(error)}`);
    return error.code;
  }
  return 'accepted';
}

/** Counts the bytes the reader asks for, to prove it reads only what it needs. */
function countingSource(bytes: Uint8Array): ZipSource & { readBytes: number } {
  const s = {
    size: bytes.length,
    readBytes: 0,
    read: async (o: number, l: number) => ((s.readBytes += l), bytes.subarray(o, o + l)),
  };
  return s;
}

describe('XDM reader (ECO.2.1.1, ECO.2.1.2)', () => {
  it('ECO.2.1.2 reads the INS from METADATA.XML patientId and the patient from the CDA header', async () => {
    const r = await inspectXdm(bytesSource(buildXdm({ documents: [BIO] })));
    assert.deepEqual(r.patient, {
      ins: VIAL_PAUL.ins,
      oid: '1.2.250.1.213.1.4.8',
      birthName: 'VIAL',
      firstName: 'PAUL',
      birthGivenNames: 'PAUL ANDRE',
      birthDate: { year: 1978, month: 11, day: 26 },
      sex: 'M',
      qualified: true,
    });
    assert.equal(r.subject, "XDM/1.0/DDM+CR d'examens biologiques VIAL PAUL 26/11/1978");
    assert.deepEqual(r.headers, { 'X-MSS-CODECDA': '11502-2', 'X-MSS-INS': 'O' });
    assert.deepEqual(r.subsets, ['SUBSET01']);
    const [doc] = r.documents;
    assert.equal(doc!.level, 'N3');
    assert.equal(doc!.pdfName, "20150802_CR d'examens biologiques_VIAL_PAUL.pdf");
    assert.equal(doc!.metadata.typeCodeDisplayName, "CR d'examens biologiques");
    assert.deepEqual(doc!.metadata.sourcePatientInfo, {
      pid5: 'VIAL^PAUL^^^^^L',
      pid7: '19781126',
      pid8: 'M',
    });
  });

  it('ECO.2.1.3 builds the subject of two documents of different types and the long-label case', async () => {
    assert.equal(
      (await inspectXdm(bytesSource(buildXdm({ documents: [BIO, VSM] })))).subject,
      'XDM/1.0/DDM+2 documents VIAL PAUL 26/11/1978',
    );
    assert.equal(
      (await inspectXdm(bytesSource(buildXdm({ documents: [LETTRE] })))).subject,
      "XDM/1.0/DDM+Lettre de liaison à la sortie d'un établ VIAL PAUL 26/11/1978",
    );
  });

  it('ECO.2.4.1 lists X-MSS-CODECDA in document order', async () => {
    const r = await inspectXdm(bytesSource(buildXdm({ documents: [VSM, BIO, ANESTH] })));
    assert.equal(r.headers['X-MSS-CODECDA'], '60591-5, 11502-2, 34812-8');
    assert.deepEqual(
      r.documents.map((d) => d.level),
      ['N3', 'N3', 'N1'],
    );
  });

  it('ECO.2.4.2 says N without INS, with an unknown OID, or when a trait is missing', async () => {
    const { ins: _ins, ...noIns } = VIAL_PAUL;
    for (const patient of [
      { ...noIns, ipp: 'IPP1' },
      { ...VIAL_PAUL, insOid: '1.2.250.1.999' },
      { ...VIAL_PAUL, sex: 'U' },
      { ...VIAL_PAUL, birthTime: undefined as unknown as string },
    ]) {
      const r = await inspectXdm(bytesSource(buildXdm({ patient, documents: [BIO] })));
      assert.equal(r.headers['X-MSS-INS'], 'N', JSON.stringify(patient));
      assert.equal(r.patient.qualified, false);
    }
    const test = await inspectXdm(
      bytesSource(
        buildXdm({ patient: { ...VIAL_PAUL, insOid: '1.2.250.1.213.1.4.10' }, documents: [BIO] }),
      ),
    );
    assert.equal(test.headers['X-MSS-INS'], 'O');
  });

  it('ECO.2.1.3 uses partial birth dates and RNIV names, and any subset folder name', async () => {
    const patient = {
      ...VIAL_PAUL,
      birthName: 'Lévêque-d’Arc',
      given: ['Éloïse'],
      sex: 'F',
      birthTime: '19850000',
    };
    const r = await inspectXdm(
      bytesSource(buildXdm({ patient, documents: [BIO], subset: 'SS000001' })),
    );
    assert.equal(r.subject, "XDM/1.0/DDM+CR d'examens biologiques LEVEQUE-D'ARC ELOISE 00/00/1985");
    assert.equal(
      r.documents[0]!.pdfName,
      "20150802_CR d'examens biologiques_LEVEQUE-D'ARC_ELOISE.pdf",
    );
    assert.deepEqual(r.subsets, ['SS000001']);
  });

  it('ECO.2.1.6 takes the act date from XDS serviceStartTime when the CDA has none', async () => {
    const r = await inspectXdm(
      bytesSource(
        buildXdm({
          documents: [
            {
              ...BIO,
              serviceStart: undefined as unknown as string,
              serviceStartTime: '20240117093000',
            },
          ],
        }),
      ),
    );
    assert.equal(r.documents[0]!.pdfName, "20240117_CR d'examens biologiques_VIAL_PAUL.pdf");
  });

  it('reads a 20-document archive and stops at each CDA body (reads far less than the archive)', async () => {
    const docs = Array.from({ length: 20 }, (_, i) => ({
      ...ANESTH,
      pdf: pseudoPdf(200_000, i + 1),
    }));
    const bytes = buildXdm({ documents: docs });
    const source = countingSource(bytes);
    const r = await inspectXdm(source);
    assert.equal(r.documents.length, 20);
    assert.equal(r.subject, "XDM/1.0/DDM+CR d'anesthésie VIAL PAUL 26/11/1978");
    assert.ok(source.readBytes < bytes.length / 4, `read ${source.readBytes} of ${bytes.length}`);
  });

  it('ECO.2.1.5 streams the PDF embedded in an N1 document, byte for byte', async () => {
    const pdf = pseudoPdf(300_000, 7);
    const xdm = await openXdm(bytesSource(buildXdm({ documents: [BIO, { ...ANESTH, pdf }] })));
    const chunks: Uint8Array[] = [];
    for await (const c of streamEmbeddedPdf(xdm, xdm.inspection.documents[1]!)) chunks.push(c);
    assert.ok(chunks.length > 1, 'delivered in several chunks');
    assert.deepEqual(Buffer.concat(chunks), Buffer.from(pdf));
    await assert.rejects(
      async () => {
        for await (const _ of streamEmbeddedPdf(xdm, xdm.inspection.documents[0]!)) void _;
      },
      (e: MssanteError) => e.code === 'E_CDA_NO_PDF',
    );
  });

  it('ECO.2.1.5 refuses an N1 body that is not a PDF', async () => {
    const xdm = await openXdm(
      bytesSource(
        buildXdm({ documents: [{ ...ANESTH, pdf: new TextEncoder().encode('MZ not a pdf') }] }),
      ),
    );
    await assert.rejects(
      async () => {
        for await (const _ of streamEmbeddedPdf(xdm, xdm.inspection.documents[0]!)) void _;
      },
      (e: MssanteError) => e.code === 'E_CDA_NO_PDF',
    );
  });

  it('refuses a CDA header larger than the header budget with E_CDA_HEADER_TOO_LARGE', async () => {
    const bytes = buildXdm({ documents: [{ ...BIO, title: 'x'.repeat(50_000) }] });
    assert.equal(await refusal(bytes, { maxHeaderBytes: 10_000 }), 'E_CDA_HEADER_TOO_LARGE');
  });

  it('refuses a total uncompressed size above the limit with E_ZIP_BOMB', async () => {
    const bytes = buildXdm({ documents: [BIO, VSM] });
    assert.equal(
      await refusal(bytes, { limits: { ...DEFAULT_ZIP_LIMITS, maxTotalSize: 5000 } }),
      'E_ZIP_BOMB',
    );
  });

  it('ECO.2.1.2 ECO.2.4.2 METADATA.XML patientId carries the INS and the CDA header none: the patient is identified by it, X-MSS-INS N', async () => {
    const { ins: _ins, ...noIns } = VIAL_PAUL;
    const vialCx = `${VIAL_PAUL.ins}^^^&1.2.250.1.213.1.4.8&ISO^NH`;
    const r = await inspectXdm(
      bytesSource(
        buildXdm({
          patient: { ...noIns, ipp: 'IPP-000123' },
          documents: [BIO],
          patientCx: () => vialCx,
          submissionCx: vialCx,
        }),
      ),
    );
    assert.equal(r.patient.ins, VIAL_PAUL.ins);
    assert.equal(r.patient.oid, '1.2.250.1.213.1.4.8');
    assert.equal(r.subject, "XDM/1.0/DDM+CR d'examens biologiques VIAL PAUL 26/11/1978");
    // Seed 001 §3.8.2: qualified means the INS *in the CDA header* with the four traits.
    assert.equal(r.patient.qualified, false);
    assert.equal(r.headers['X-MSS-INS'], 'N');
  });

  it('ECO.2.1.2 METADATA.XML patientId and the CDA header carry different INS: refused as two patients', async () => {
    const otherCx = `${insWithKey('1781175999999')}^^^&1.2.250.1.213.1.4.8&ISO^NH`;
    assert.equal(
      await refusal(
        buildXdm({ documents: [BIO], patientCx: () => otherCx, submissionCx: otherCx }),
      ),
      'E_XDM_TWO_PATIENTS',
    );
    // Same matricule under another INS OID (NIA instead of NIR) is another identity too.
    const niaCx = `${VIAL_PAUL.ins}^^^&1.2.250.1.213.1.4.9&ISO^NH`;
    assert.equal(
      await refusal(buildXdm({ documents: [BIO], patientCx: () => niaCx, submissionCx: niaCx })),
      'E_XDM_TWO_PATIENTS',
    );
  });

  it('ECO.2.1.2 METADATA.XML patientId carries a local id and the CDA header the INS: the INS from the header', async () => {
    const ippCx = 'IPP-000123^^^&1.2.250.1.71.4.2.1.99&ISO^PI';
    const r = await inspectXdm(
      bytesSource(buildXdm({ documents: [BIO], patientCx: () => ippCx, submissionCx: ippCx })),
    );
    assert.equal(r.patient.ins, VIAL_PAUL.ins);
    assert.equal(r.headers['X-MSS-INS'], 'O');
  });

  it('refuses an INS that differs between two CDA headers though the metadata agree', async () => {
    const other = { ...VIAL_PAUL, ins: insWithKey('1781175999999') };
    assert.equal(
      await refusal(
        buildXdm({
          documents: [BIO, { ...VSM, patient: other }],
          patientCx: () => `${VIAL_PAUL.ins}^^^&1.2.250.1.213.1.4.8&ISO^NH`,
        }),
      ),
      'E_XDM_TWO_PATIENTS',
    );
  });

  describe('hostile corpus (generated): every refusal has its own code', function () {
    this.timeout(120_000);
    let corpus: Record<string, HostileCase>;
    before(function () {
      this.timeout(120_000);
      corpus = hostileCorpus();
    });
    const names = Object.keys(hostileCorpus({ bombs: false })).concat([
      'bomb-300mb',
      'bomb-300mb-lying',
      'bomb-ratio',
    ]);
    for (const name of names) {
      it(`refuses ${name}`, async () => {
        const c = corpus[name]!;
        assert.equal(await refusal(c.bytes), c.code, c.why);
      });
    }

    it('refuses the 300 MB lying bomb while memory stays far below its size', async () => {
      const before = process.memoryUsage().rss;
      let peak = before;
      const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
      try {
        assert.equal(await refusal(corpus['bomb-300mb-lying']!.bytes), 'E_ZIP_BOMB');
      } finally {
        clearInterval(timer);
      }
      assert.ok(
        peak - before < 100 * 1024 * 1024,
        `grew by ${Math.round((peak - before) / 1048576)} MB`,
      );
    });
  });
});
