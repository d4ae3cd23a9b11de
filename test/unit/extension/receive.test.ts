import assert from 'node:assert/strict';
import {
  bannerRequest,
  fileSource,
  isPatient,
  isXdmCandidate,
} from '../../../extension/background/receive/checks';
import { inspectXdm } from '../../../shared/domain/xdm/reader';
import { MssanteError } from '../../../shared/errors/mssante-error';
import {
  ANESTH,
  BIO,
  buildXdm,
  hostileCorpus,
  pseudoPdf,
} from '../../../lab/fixtures/xdm/generate';

const attachment = (name: string, contentType: string) => ({ name, contentType });

describe('receive (extension background, pure parts)', function () {
  // The hostile corpus holds 300 MB zip bombs: building and refusing them took 14 s unloaded,
  // beyond the unit layer's 10 s, and more on a loaded CI machine (xdm-reader.test.ts gives the
  // same corpus 120 s).
  this.timeout(120_000);
  it('ECO.3.1.1 a patient is a From at @patient.mssante.fr; an unreadable From is not', () => {
    assert.equal(
      isPatient('=?UTF-8?Q?L=C3=A9o?= Dupond <279035121518989@patient.mssante.fr>'),
      true,
    );
    assert.equal(isPatient('Léo Dupond <279035121518989@PATIENT.MSSANTE.FR>'), true);
    assert.equal(isPatient('Paul DURAND <paul.durand@sandbox.mssante.test>'), false);
    assert.equal(isPatient('undisclosed-recipients:;'), false);
    assert.equal(isPatient(''), false);
  });

  it('an attachment is inspected as XDM when it is a ZIP by name or type', () => {
    assert.equal(isXdmCandidate(attachment('IHE_XDM.ZIP', 'application/octet-stream')), true);
    assert.equal(isXdmCandidate(attachment('dossier', 'application/zip')), true);
    assert.equal(isXdmCandidate(attachment('dossier', 'application/x-zip-compressed')), true);
    assert.equal(isXdmCandidate(attachment('cr.pdf', 'application/pdf')), false);
  });

  it('requests from the banner script are checked before the background acts on them', () => {
    assert.deepEqual(bannerRequest({ kind: 'openPdf', partName: '1.2', index: 2 }), {
      kind: 'openPdf',
      partName: '1.2',
      index: 2,
    });
    assert.deepEqual(bannerRequest({ kind: 'saveArchive', partName: '1.3.1' }), {
      kind: 'saveArchive',
      partName: '1.3.1',
    });
    for (const bad of [
      null,
      'openPdf',
      { kind: 'openPdf', partName: '1.2', index: -1 },
      { kind: 'openPdf', partName: '1.2', index: 1.5 },
      { kind: 'openPdf', partName: '../1', index: 0 },
      { kind: 'saveArchive', partName: 12 },
      { kind: 'delete', partName: '1.2' },
    ])
      assert.equal(bannerRequest(bad), null, JSON.stringify(bad));
  });

  it('ECO.3.1.2 reads an XDM attachment through ranges of its File, and refuses a hostile one with its code', async () => {
    const xdm = buildXdm({ documents: [BIO, { ...ANESTH, pdf: pseudoPdf(3000, 1) }] });
    const inspection = await inspectXdm(fileSource(new Blob([xdm])));
    assert.deepEqual(
      inspection.documents.map((d) => [d.code, d.level]),
      [
        ['11502-2', 'N3'],
        ['34812-8', 'N1'],
      ],
    );
    for (const [name, c] of Object.entries(hostileCorpus())) {
      await assert.rejects(
        inspectXdm(fileSource(new Blob([c.bytes]))),
        (e: unknown) => e instanceof MssanteError && e.code === c.code,
        name,
      );
    }
  });
});
