import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CliIo } from '../../../native-host/cli/command';
import { command as xdm } from '../../../native-host/cli/commands/xdm';
import { command as ins } from '../../../native-host/cli/commands/ins';
import { command as subject } from '../../../native-host/cli/commands/subject';
import {
  ANESTH,
  BIO,
  VSM,
  buildXdm,
  hostileCorpus,
  insWithKey,
  pseudoPdf,
} from '../../../lab/fixtures/xdm/generate';

function fakeIo(locale: 'fr' | 'en' = 'en'): CliIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    locale,
    stdout: (s: string) => void (io.out += s),
    stderr: (s: string) => void (io.err += s),
  };
  return io;
}

describe('mssante xdm / ins / subject (CLI contract)', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(path.join(tmpdir(), 'mssante-cli-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, bytes: Uint8Array) => {
    const p = path.join(dir, name);
    writeFileSync(p, bytes);
    return p;
  };

  it('ECO.2.1.3 ECO.2.4.1 ECO.2.4.2 `xdm inspect --json` prints the documented JSON', async () => {
    const io = fakeIo();
    const code = await xdm.run(
      ['inspect', file('two.zip', buildXdm({ documents: [BIO, VSM] })), '--json'],
      io,
    );
    assert.equal(code, 0);
    assert.deepEqual(JSON.parse(io.out), {
      ok: true,
      subject: 'XDM/1.0/DDM+2 documents VIAL PAUL 26/11/1978',
      headers: { 'X-MSS-CODECDA': '11502-2, 60591-5', 'X-MSS-INS': 'O' },
      patient: {
        ins: insWithKey('178112A123456'),
        oid: '1.2.250.1.213.1.4.8',
        birthName: 'VIAL',
        firstName: 'PAUL',
        birthDate: '1978-11-26',
        sex: 'M',
        qualified: true,
      },
      documents: [
        {
          code: '11502-2',
          displayName: "CR d'examens biologiques",
          serviceStart: '2015-08-02',
          pdfName: "20150802_CR d'examens biologiques_VIAL_PAUL.pdf",
          level: 'N3',
          path: 'IHE_XDM/SUBSET01/DOC0001.XML',
        },
        {
          code: '60591-5',
          displayName: 'Volet de synthèse médicale',
          serviceStart: '2015-08-02',
          pdfName: '20150802_Volet de synthèse médicale_VIAL_PAUL.pdf',
          level: 'N3',
          path: 'IHE_XDM/SUBSET01/DOC0002.XML',
        },
      ],
    });
  });

  it('`xdm inspect` without --json prints a summary in the user locale', async () => {
    const io = fakeIo('fr');
    assert.equal(
      await xdm.run(['inspect', file('one.zip', buildXdm({ documents: [BIO] }))], io),
      0,
    );
    assert.match(
      io.out,
      /^Objet: XDM\/1\.0\/DDM\+CR d'examens biologiques VIAL PAUL 26\/11\/1978$/m,
    );
    assert.match(io.out, /qualifiée/);
  });

  it('`xdm inspect --json` refuses hostile archives with ok:false, the code and a sentence, exit ≠ 0', async () => {
    const corpus = hostileCorpus({ bombs: false });
    for (const name of ['not-zip', 'two-patients-ins', 'name-dotdot', 'metadata-billion-laughs']) {
      const io = fakeIo('fr');
      const code = await xdm.run(
        ['inspect', file(`${name}.zip`, corpus[name]!.bytes), '--json'],
        io,
      );
      assert.notEqual(code, 0);
      const out = JSON.parse(io.out);
      assert.equal(out.ok, false);
      assert.equal(out.error.code, corpus[name]!.code);
      assert.ok(out.error.message.length > 10);
    }
    const missing = fakeIo();
    assert.equal(await xdm.run(['inspect', path.join(dir, 'absent.zip'), '--json'], missing), 1);
    assert.equal(JSON.parse(missing.out).error.code, 'E_FILE_UNREADABLE');
  });

  it('ECO.2.1.5 ECO.2.1.6 `xdm extract-pdf` writes only the embedded PDFs, named per ECO.2.1.6', async () => {
    const pdf = pseudoPdf(100_000, 3);
    const out = path.join(dir, 'pdfs');
    const io = fakeIo();
    const xdmFile = file(
      'n1.zip',
      buildXdm({ documents: [{ ...ANESTH, pdf }, BIO, { ...ANESTH, pdf: pseudoPdf(2000, 4) }] }),
    );
    assert.equal(await xdm.run(['extract-pdf', xdmFile, '--out', out, '--json'], io), 0);
    assert.deepEqual(readdirSync(out).sort(), [
      "20150802_CR d'anesthésie_VIAL_PAUL.pdf",
      "20150802_CR d'anesthésie_VIAL_PAUL_2.pdf",
    ]);
    assert.deepEqual(
      readFileSync(path.join(out, "20150802_CR d'anesthésie_VIAL_PAUL.pdf")),
      Buffer.from(pdf),
    );
  });

  it('`xdm` with bad arguments prints the usage and exits 2', async () => {
    const io = fakeIo();
    assert.equal(await xdm.run(['extract-pdf', 'x.zip'], io), 2);
    assert.match(io.err, /usage/);
  });

  it('ECO.2.2.6 `ins check --json` tells kind, key, sex, birth year and month, and the address', async () => {
    const value = insWithKey('1781175123456');
    const io = fakeIo();
    assert.equal(await ins.run(['check', value, '--json'], io), 0);
    assert.deepEqual(JSON.parse(io.out), {
      valid: true,
      value,
      kind: 'NIR',
      key: value.slice(13),
      sex: 'M',
      birthYear: 1978,
      birthMonth: 11,
      birthDepartement: '75',
      address: `${value}@patient.mssante.fr`,
    });
    const bad = fakeIo();
    assert.equal(await ins.run(['check', value.slice(0, 13) + '00', '--json'], bad), 1);
    assert.equal(JSON.parse(bad.out).error.code, 'E_INS_KEY');
  });

  it('ECO.2.1.3 `subject compose` and `subject parse` round-trip the spec example', async () => {
    const io = fakeIo();
    assert.equal(
      await subject.run(
        [
          'compose',
          '--doc',
          "11502-2|CR d'examens biologiques",
          '--name',
          'Vial',
          '--first',
          'Paul',
          '--birth-date',
          '26/11/1978',
        ],
        io,
      ),
      0,
    );
    assert.equal(io.out, "XDM/1.0/DDM+CR d'examens biologiques VIAL PAUL 26/11/1978\n");
    const parsed = fakeIo();
    assert.equal(
      await subject.run(
        ['parse', 'XDM/1.0/DDM+2 documents VIAL Paul 26/11/1978', '--json'],
        parsed,
      ),
      0,
    );
    assert.deepEqual(JSON.parse(parsed.out), {
      ok: true,
      label: '2 documents',
      birthName: 'VIAL',
      firstName: 'Paul',
      birthDate: '1978-11-26',
      documentCount: 2,
    });
    const bad = fakeIo();
    assert.equal(await subject.run(['parse', 'Bonjour', '--json'], bad), 1);
    assert.equal(JSON.parse(bad.out).error.code, 'E_SUBJECT_INVALID');
  });
});
