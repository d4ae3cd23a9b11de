import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { TestOperator } from '../../lab/sandbox/operator';
import { inspectXdm } from '../../shared/domain/xdm/reader';
import { bytesSource } from '../../shared/domain/zip/source';
import {
  ANESTH,
  BIO,
  buildXdm,
  insWithKey,
  LETTRE,
  pseudoPdf,
  VIAL_PAUL,
  VSM,
} from '../../lab/fixtures/xdm/generate';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PDF_TOOL_PACKAGES, ensurePackages } from '../../lab/system/packages';
import { CR_HOSPI, NARRATIVE_SENTENCE, n3Cda } from '../../lab/fixtures/cda-n3';
import { trueCopies } from '../../lab/fixtures/pdf-copies';
import { type ThunderbirdSuite, waitFor } from '../../lab/thunderbird/harness';
import { e2eWorld } from './lib/world';
import { PATIENTS_KEY } from '../../shared/domain/mail/compose-patients';
import { MARIE, PAUL } from '../../lab/sandbox/people';

const VIAL_ADDRESS = `${VIAL_PAUL.ins}@patient.mssante.fr`;
/** A NIR typed by the professional (derogation): a woman born in February 1985. */
const DEROG_NIR = insWithKey('2850275999999');
const DEROG_ADDRESS = `${DEROG_NIR}@patient.mssante.fr`;
/** The other patient of the refusal case. */
const LUCIE_NIR = insWithKey('2850275123456');

type Read = Record<string, { text: string; hidden: boolean; data: Record<string, string> } | null>;

/** The top-level parts of a delivered multipart message (LF line ends, as Maildir keeps them). */
function mimeParts(raw: string): Array<{ head: string; body: string }> {
  const m = /^Content-Type: multipart\/[a-z]+;\s*boundary="?([^"\r\n]+)"?/im.exec(raw);
  if (!m) return [];
  const chunks = raw.split(`--${m[1]}`).slice(1, -1);
  return chunks.map((c) => {
    const at = c.indexOf('\n\n');
    return { head: c.slice(1, at), body: c.slice(at + 2) };
  });
}

/** A text part's content, its transfer encoding undone (quoted-printable, base64, 8bit), as UTF-8. */
function partText(part: { head: string; body: string }): string {
  const cte = /^Content-Transfer-Encoding:\s*([\w-]+)/im.exec(part.head)?.[1]?.toLowerCase();
  if (cte === 'base64')
    return Buffer.from(part.body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (cte !== 'quoted-printable') return part.body;
  const bytes = part.body
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

/** The words a reader sees: whitespace (flowed soft breaks included) collapsed. */
const words = (text: string) => text.replace(/\s+/g, ' ').trim();

/** What an HTML part says as text: head and tags dropped, block ends as spaces, entities read. */
function htmlWords(html: string): string {
  const text = html
    .replace(/<head[^]*?<\/head>/gi, '')
    .replace(/<(?:br|\/p|\/div|\/li|\/h\d|\/tr)\b[^>]*>/gi, ' ')
    .replace(/<[^>]*>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&amp;/g, '&');
  return words(text);
}

/** A part's file name, plain or RFC 2231 (`filename*0*=UTF-8''…`, continuations joined). */
function partFileName(head: string): string | undefined {
  const unfolded = head.replace(/\n[ \t]+/g, ' ');
  const plain = /filename="([^"]*)"/i.exec(unfolded);
  if (plain) return plain[1];
  const pieces = [...unfolded.matchAll(/filename\*\d*\*?=("?)([^";\s]+)\1/gi)].map((m) => m[2]!);
  if (pieces.length === 0) return undefined;
  return decodeURIComponent(pieces.join('').replace(/^UTF-8''/i, ''));
}

/** The top-level header block of a message (unfolded lines kept as they are). */
const headBlock = (raw: string) => raw.slice(0, raw.indexOf('\n\n') + 1);

describe('[e2e] composing an MSSanté message in Thunderbird (XDM, headers, patients, receipts)', function () {
  const world = e2eWorld({ name: 'compose', signIn: 'ciba', mailboxes: ['PER'] });
  let operator: TestOperator;
  let dovecot: TestOperator['dovecot'];
  let suite: ThunderbirdSuite;
  let popup: number;
  let identityId: string;

  const call = <T>(api: string, ...args: unknown[]) => suite.page<T>(popup, 'call', { api, args });
  const compose = async (details: Record<string, unknown>) =>
    (
      await call<{ id: number }>('compose.beginNew', {
        identityId,
        isPlainText: true,
        ...details,
      })
    ).id;
  const attach = (tabId: number, name: string, bytes: Uint8Array) =>
    suite.page(popup, 'attach', { tabId, name, base64: Buffer.from(bytes).toString('base64') });
  /** Sends now; resolves to the error text when the add-on (or Thunderbird) refused. */
  const send = async (tabId: number): Promise<string | null> => {
    try {
      await call('compose.sendMessage', tabId, { mode: 'sendNow' });
      return null;
    } catch (error) {
      return String(error);
    }
  };
  const openPanel = async (tabId: number) => {
    const bc = await suite.openPage(`ui/compose-panel/panel.html?tabId=${tabId}`);
    await waitFor('the panel to show the message', async () => {
      const v = await suite.page<Read>(bc, 'read', { s: '#cp-status' });
      return v.s?.data.mssante === 'true';
    });
    return bc;
  };
  const read = (bc: number, selectors: Record<string, string>) =>
    suite.page<Read>(bc, 'read', selectors);
  const delivered = (address: string, marker: string) =>
    waitFor(
      `the message “${marker}” in ${address}`,
      async () =>
        dovecot
          .readMailbox(address)
          .map((m) => m.replace(/\r\n/g, '\n'))
          .find((m) => m.includes(marker)),
      { timeoutMs: 60_000, intervalMs: 500 },
    );

  before(async function () {
    ({ operator, suite, popup } = world);
    ({ dovecot } = operator);
    ({ identityId } = await world.account('PER'));
    await call('identities.update', identityId, { name: 'Dr Marie MARTIN' });
  });
  // A test that changes Marie's From label (ECO.2.2.7) gives it back, even when it fails.
  let restoreName = false;
  afterEach(async function () {
    if (!restoreName) return;
    restoreName = false;
    await call('identities.update', identityId, { name: 'Dr Marie MARTIN' });
  });

  it('[e2e] ECO.2.1.3 ECO.2.4.1 ECO.2.4.2 ECO.2.4.3 ECO.2.2.1 ECO.2.2.3 an XDM with one document and its PDF to a colleague: delivered with the XDM subject and the headers spelled as the Référentiel', async function () {
    this.timeout(120_000);
    const xdm = buildXdm({ documents: [BIO] });
    const inspection = await inspectXdm(bytesSource(xdm));
    const pdfName = inspection.documents[0]!.pdfName!;
    const tab = await compose({
      to: [PAUL.mailbox],
      subject: 'Résultats de Paul',
      plainTextBody: 'Bonjour Paul, voici le bilan de M. Vial.',
    });
    await attach(tab, 'IHE_XDM.ZIP', xdm);
    await attach(tab, pdfName, (await trueCopies(xdm))[0]!.bytes);
    const panel = await openPanel(tab);
    const shown = await waitFor('the patient and documents in the panel', async () => {
      const v = await read(panel, {
        xdm: '#cp-xdm',
        patient: '#cp-patient',
        subject: '#cp-subject',
        headers: '#cp-headers',
        replaced: '#cp-problems li[data-code="subject-replaced"]',
        blocking: '#cp-problems li.blocking',
        ok: '#cp-no-problem',
      });
      return !v.xdm!.hidden && v;
    });
    assert.equal(shown.subject!.text, inspection.subject);
    assert.match(shown.patient!.text, /VIAL.*PAUL.*26\/11\/1978.*M.*oui \(178112A123456/);
    assert.match(
      shown.headers!.text,
      /X-MSS-CODECDA: 11502-2X-MSS-INS: OX-MSS-NIL: OPEN-MSSANTE-THUNDERBIRD/,
    );
    assert.match(
      shown.replaced!.text,
      /L’objet saisi ne suit pas la règle ECO\.2\.1\.3.*Résultats de Paul/,
    );
    assert.equal(shown.blocking, null);
    assert.equal(shown.ok!.hidden, false);
    await suite.saveScreenshot('compose-panel.png');
    await suite.closePage(panel);

    assert.equal(await send(tab), null);
    const raw = await delivered(PAUL.mailbox, `Subject: ${inspection.subject}\n`);
    const head = headBlock(raw);
    assert.match(head, /^X-MSS-CODECDA: 11502-2$/m);
    assert.match(head, /^X-MSS-INS: O$/m);
    assert.match(head, /^X-MSS-NIL: OPEN-MSSANTE-THUNDERBIRD$/m);
    assert.doesNotMatch(head, /^X-Mss-/m);
    assert.doesNotMatch(head, /^X-Open-Mssante/im);
    assert.doesNotMatch(head, /^Return-Receipt-To:/im);
    assert.doesNotMatch(head, /^Disposition-Notification-To:/im);
    assert.doesNotMatch(head, /^X-MSS-MES:/im);
    assert.match(head, /^Message-ID: <.+>$/m);
    assert.match(head, new RegExp(`^From: "?Dr Marie MARTIN"? <${MARIE.mailbox}>$`, 'm'));
    assert.match(head, /^Content-Type: multipart\/mixed;/m);
    const parts = mimeParts(raw);
    assert.equal(parts.length, 3);
    assert.match(parts[0]!.head, /^Content-Type: text\/plain; charset=UTF-8/m);
    assert.match(parts[1]!.head, /filename="IHE_XDM\.ZIP"/);
    assert.match(parts[2]!.head, /^Content-Type: application\/pdf/m);
    assert.equal(partFileName(parts[2]!.head), pdfName);
  });

  it('[e2e] ECO.2.1.3 ECO.2.4.1 ECO.2.4.2 ECO.2.3.1 ECO.2.3.2 three documents without a qualified INS, with both receipts asked in the panel: Return-Receipt-To and Disposition-Notification-To', async function () {
    this.timeout(120_000);
    const { ins: _ins, ...noIns } = VIAL_PAUL;
    const xdm = buildXdm({ patient: { ...noIns, ipp: 'IPP-42' }, documents: [BIO, LETTRE, VSM] });
    const inspection = await inspectXdm(bytesSource(xdm));
    assert.equal(inspection.subject, 'XDM/1.0/DDM+3 documents VIAL PAUL 26/11/1978');
    const tab = await compose({ to: [PAUL.mailbox], plainTextBody: 'Le dossier complet.' });
    await attach(tab, 'IHE_XDM.ZIP', xdm);
    for (const copy of await trueCopies(xdm)) await attach(tab, copy.name, copy.bytes);
    const panel = await openPanel(tab);
    await waitFor('the three documents', async () => {
      const v = await read(panel, { doc: '#cp-documents li:nth-child(3)', ok: '#cp-no-problem' });
      return v.doc && !v.ok!.hidden;
    });
    await suite.page(panel, 'click', '#cp-dsn');
    await suite.page(panel, 'click', '#cp-mdn');
    const headers = await waitFor('the receipts in the panel', async () => {
      const v = await read(panel, { h: '#cp-headers' });
      return (
        /Return-Receipt-To/.test(v.h!.text) &&
        /Disposition-Notification-To/.test(v.h!.text) &&
        v.h!.text
      );
    });
    assert.match(headers, new RegExp(`Return-Receipt-To: <${MARIE.mailbox}>`));
    await suite.closePage(panel);
    assert.equal(await send(tab), null);
    const raw = await delivered(
      PAUL.mailbox,
      'Subject: XDM/1.0/DDM+3 documents VIAL PAUL 26/11/1978\n',
    );
    const head = headBlock(raw);
    assert.match(head, /^X-MSS-CODECDA: 11502-2, 34133-9, 60591-5$/m);
    assert.match(head, /^X-MSS-INS: N$/m);
    assert.match(head, new RegExp(`^Return-Receipt-To: <${MARIE.mailbox}>$`, 'm'));
    assert.match(
      head.replace(/\n[ \t]+/g, ' '),
      new RegExp(`^Disposition-Notification-To: .*<${MARIE.mailbox}>$`, 'm'),
    );
    assert.equal(head.match(/^Return-Receipt-To:/gm)!.length, 1);
    assert.equal(mimeParts(raw).length, 5);
  });

  it('[e2e] ECO.2.1.1 refuses documents about two patients and an XDM without its PDF copies: nothing is delivered, the panel says why', async function () {
    this.timeout(120_000);
    const paul = buildXdm({ documents: [BIO] });
    const lucie = buildXdm({
      patient: {
        ...VIAL_PAUL,
        ins: LUCIE_NIR,
        birthName: 'DURAND',
        given: ['LUCIE'],
        sex: 'F',
        birthTime: '19850214',
      },
      documents: [BIO],
    });
    const names = await Promise.all(
      [paul, lucie].map(async (x) => (await inspectXdm(bytesSource(x))).documents[0]!.pdfName!),
    );
    const two = await compose({
      to: [PAUL.mailbox],
      subject: 'REFUS-DEUX-PATIENTS',
      plainTextBody: 'x',
    });
    await attach(two, 'PAUL.ZIP', paul);
    await attach(two, 'LUCIE.ZIP', lucie);
    await attach(two, names[0]!, (await trueCopies(paul))[0]!.bytes);
    await attach(two, names[1]!, (await trueCopies(lucie))[0]!.bytes);
    assert.notEqual(await send(two), null);
    const noPdf = await compose({
      to: [PAUL.mailbox],
      subject: 'REFUS-SANS-PDF',
      plainTextBody: 'x',
    });
    await attach(noPdf, 'IHE_XDM.ZIP', buildXdm({ documents: [BIO, VSM] }));
    assert.notEqual(await send(noPdf), null);

    for (const [tab, code, sentence] of [
      [two, 'E_XDM_TWO_PATIENTS', /deux patients|two patients|plusieurs patients|usagers/i],
      [
        noPdf,
        'E_COMPOSE_PDF_MISSING',
        /sans la copie PDF\/A de chacun de ses documents \(ECO\.2\.1\.1\)/,
      ],
    ] as const) {
      const panel = await openPanel(tab);
      const v = await waitFor('the refusal in the panel', async () => {
        const r = await read(panel, {
          refused: '#cp-refused',
          list: '#cp-refused-list',
          problem: `#cp-problems li.blocking[data-code="${code}"]`,
        });
        return !r.refused!.hidden && r;
      });
      assert.match(v.list!.text, new RegExp(`\\[${code}\\]`));
      assert.match(v.problem!.text, sentence);
      await suite.closePage(panel);
    }
    // A message sent after them arrives: the refused ones, sent before, would be there already.
    const after = await compose({
      to: [PAUL.mailbox],
      subject: 'APRES-LES-REFUS',
      plainTextBody: 'ok',
    });
    assert.equal(await send(after), null);
    await delivered(PAUL.mailbox, 'Subject: APRES-LES-REFUS');
    for (const address of [PAUL.mailbox, MARIE.mailbox])
      assert.deepEqual(
        dovecot.readMailbox(address).filter((m) => /REFUS-(DEUX-PATIENTS|SANS-PDF)/.test(m)),
        [],
      );
  });

  it('[e2e] ECO.2.1.5 ECO.2.1.6 offers the PDF an N1 document embeds and the right name for a true copy under another name; both go with those names', async function () {
    this.timeout(120_000);
    const embedded = pseudoPdf(5000, 77);
    const xdm = buildXdm({ documents: [BIO, { ...ANESTH, pdf: embedded }] });
    const inspection = await inspectXdm(bytesSource(xdm));
    const [bioName, anesthName] = inspection.documents.map((d) => d.pdfName!);
    const tab = await compose({ to: [PAUL.mailbox], plainTextBody: 'Compte rendu opératoire.' });
    await attach(tab, 'IHE_XDM.ZIP', xdm);
    // The BIO document's PDF/A-1 copy (the generator's output), under a name of the user's.
    await attach(tab, 'resultats.pdf', (await trueCopies(xdm))[0]!.bytes);
    const panel = await openPanel(tab);
    await waitFor('the offers', async () => {
      const v = await read(panel, {
        rename: '#cp-pdf-actions button[data-rename="resultats.pdf"]',
        embedded: `#cp-pdf-actions button[data-embedded="${anesthName}"]`,
        missing: '#cp-problems li.blocking[data-code="E_COMPOSE_PDF_MISSING"]',
      });
      return v.rename && v.embedded && v.missing && v;
    });
    await suite.page(panel, 'click', '#cp-pdf-actions button[data-rename="resultats.pdf"]');
    await suite.page(panel, 'click', `#cp-pdf-actions button[data-embedded="${anesthName}"]`);
    await waitFor('nothing blocking any more', async () => {
      const v = await read(panel, { ok: '#cp-no-problem', blocking: '#cp-problems li.blocking' });
      return !v.ok!.hidden && v.blocking === null;
    });
    await suite.closePage(panel);
    const names = (await call<Array<{ name: string }>>('compose.listAttachments', tab)).map(
      (a) => a.name,
    );
    assert.deepEqual(names.sort(), ['IHE_XDM.ZIP', anesthName, bioName].sort());
    assert.equal(await send(tab), null);
    const raw = await delivered(PAUL.mailbox, 'X-MSS-CODECDA: 11502-2, 34812-8');
    const files = mimeParts(raw).map((p) => ({ name: partFileName(p.head), part: p }));
    assert.deepEqual(
      files.map((f) => f.name),
      [undefined, 'IHE_XDM.ZIP', bioName, anesthName],
      files.map((f) => f.part.head).join('\n---\n'),
    );
    const pdfPart = files[3]!.part;
    assert.match(pdfPart.head, /^Content-Type: application\/pdf/m);
    assert.deepEqual(
      Buffer.from(pdfPart.body.replace(/\s+/g, ''), 'base64'),
      Buffer.from(embedded),
    );
  });

  it('[e2e] ECO.2.1.1 ECO.2.1.5 a PDF that is not a document’s copy is not renamed onto it: the panel says which documents lack a true copy, and nothing is delivered', async function () {
    this.timeout(120_000);
    const xdm = buildXdm({ documents: [BIO, { ...ANESTH, pdf: pseudoPdf(5000, 77) }] });
    const inspection = await inspectXdm(bytesSource(xdm));
    const bioName = inspection.documents[0]!.pdfName!;
    const anesthName = inspection.documents[1]!.pdfName!;
    const tab = await compose({
      to: [PAUL.mailbox],
      subject: 'REFUS-PDF-ETRANGER',
      plainTextBody: 'x',
    });
    await attach(tab, 'IHE_XDM.ZIP', xdm);
    // Under the BIO document's name: the PDF/A-1 copy of another document (a VSM whose
    // ClinicalDocument/id, 1.2.250.1.213.1.1.9.2^DOC-2, is not BIO's …9.1^DOC-1).
    const other = await trueCopies(buildXdm({ documents: [LETTRE, VSM] }));
    await attach(tab, bioName, other[1]!.bytes);
    // A real PDF, but not the one the N1 document embeds.
    await attach(tab, 'compte-rendu.pdf', pseudoPdf(5000, 78));
    const panel = await openPanel(tab);
    const v = await waitFor('the foreign PDFs and the missing copies in the panel', async () => {
      const r = await read(panel, {
        foreign: '#cp-problems li[data-code="pdf-foreign"]',
        missing: '#cp-problems li.blocking[data-code="E_COMPOSE_PDF_MISSING"]',
        rename: '#cp-pdf-actions button[data-rename]',
        embedded: `#cp-pdf-actions button[data-embedded="${anesthName}"]`,
        pdfa: `#cp-pdf-actions button[data-pdfa="${bioName}"]`,
      });
      return r.foreign && r.missing && r;
    });
    assert.match(
      v.missing!.text,
      /sans la copie PDF\/A de chacun de ses documents.*\(CR d'examens biologiques, CR d'anesthésie\)/,
    );
    assert.match(v.foreign!.text, /n’est la copie d’aucun document de l’archive/);
    assert.equal(v.rename, null, 'a foreign PDF is never offered a document’s name');
    assert.ok(v.embedded, 'the N1 document’s own PDF is offered');
    assert.ok(v.pdfa, 'the N3 document’s PDF/A-1 generation is offered');
    const lines = await read(panel, { all: '#cp-problems' });
    assert.ok(lines.all!.text.includes(`${bioName} ≠ CR d'examens biologiques`), lines.all!.text);
    assert.ok(lines.all!.text.includes('(compte-rendu.pdf)'), lines.all!.text);
    await suite.closePage(panel);
    assert.notEqual(await send(tab), null);
    const after = await compose({
      to: [PAUL.mailbox],
      subject: 'APRES-PDF-ETRANGER',
      plainTextBody: 'ok',
    });
    assert.equal(await send(after), null);
    await delivered(PAUL.mailbox, 'Subject: APRES-PDF-ETRANGER');
    assert.deepEqual(
      dovecot.readMailbox(PAUL.mailbox).filter((m) => m.includes('REFUS-PDF-ETRANGER')),
      [],
    );
  });

  it('[e2e] ECO.2.1.5 ECO.2.1.1 offers the PDF/A-1 copy of an N3 document, generated from its CDA; it goes with its ECO.2.1.6 name and holds the patient and the narrative', async function () {
    this.timeout(180_000);
    ensurePackages(PDF_TOOL_PACKAGES);
    const xdm = buildXdm({ documents: [{ ...CR_HOSPI, rawXml: n3Cda() }] });
    const [doc] = (await inspectXdm(bytesSource(xdm))).documents;
    const pdfName = doc!.pdfName!;
    assert.equal(pdfName, '20150801_Lettre de sortie d’hospitalisation_VIAL_PAUL.pdf');
    const tab = await compose({ to: [PAUL.mailbox], plainTextBody: 'Lettre de sortie.' });
    await attach(tab, 'IHE_XDM.ZIP', xdm);
    const panel = await openPanel(tab);
    const offer = `#cp-pdf-actions button[data-pdfa="${pdfName}"]`;
    await waitFor('the PDF/A offer', async () => {
      const v = await read(panel, {
        offer,
        missing: '#cp-problems li.blocking[data-code="E_COMPOSE_PDF_MISSING"]',
      });
      return v.offer && v.missing && v;
    });
    await suite.watch(panel, 'status', '#cp-status');
    await suite.page(panel, 'click', offer);
    await waitFor(
      'the PDF/A attached, nothing blocking',
      async () => {
        const v = await read(panel, {
          ok: '#cp-no-problem',
          blocking: '#cp-problems li.blocking',
          status: '#cp-status',
        });
        assert.ok(!/\[E_/.test(v.status?.text ?? ''), v.status?.text);
        return !v.ok!.hidden && v.blocking === null;
      },
      { timeoutMs: 60_000, intervalMs: 300 },
    );
    // Issue 22: the status line said the generation was under way (busy, its words), then came
    // back to the plain state.
    const states = await suite.watched(panel, 'status');
    const busy = { text: `Génération de la copie PDF/A ${pdfName}…`, hidden: false, sign: 'busy' };
    assert.ok(
      states.some((s) => JSON.stringify(s) === JSON.stringify(busy)),
      JSON.stringify(states),
    );
    assert.deepEqual(states.at(-1), {
      text: 'Message depuis une BAL MSSanté.',
      hidden: false,
      sign: null,
    });
    await suite.closePage(panel);
    const names = (await call<Array<{ name: string }>>('compose.listAttachments', tab)).map(
      (a) => a.name,
    );
    assert.deepEqual(names, ['IHE_XDM.ZIP', pdfName]);
    assert.equal(await send(tab), null);
    const raw = await delivered(PAUL.mailbox, 'X-MSS-CODECDA: 11490-0');
    const files = mimeParts(raw).map((p) => ({ name: partFileName(p.head), part: p }));
    assert.deepEqual(
      files.map((f) => f.name),
      [undefined, 'IHE_XDM.ZIP', pdfName],
    );
    const zipPart = files[1]!.part;
    assert.deepEqual(Buffer.from(zipPart.body.replace(/\s+/g, ''), 'base64'), Buffer.from(xdm));
    const pdfPart = files[2]!.part;
    assert.match(pdfPart.head, /^Content-Type: application\/pdf/m);
    const pdf = Buffer.from(pdfPart.body.replace(/\s+/g, ''), 'base64');
    assert.equal(pdf.subarray(0, 8).toString('latin1'), '%PDF-1.4');
    const dir = mkdtempSync(path.join(tmpdir(), 'pdfa-e2e-'));
    try {
      const file = path.join(dir, 'copy.pdf');
      writeFileSync(file, pdf);
      const text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], {
        encoding: 'utf8',
      }).replace(/\s+/g, ' ');
      assert.ok(text.includes('Patient (nom de naissance) : VIAL'), text);
      assert.ok(text.includes('Prénoms : PAUL ANDRE'), text);
      assert.ok(text.includes(`INS : ${VIAL_PAUL.ins!}`), text);
      assert.ok(text.includes(NARRATIVE_SENTENCE), text);
      const fonts = execFileSync('pdffonts', [file], { encoding: 'utf8' }).trim().split('\n');
      assert.equal(fonts.length, 4);
      for (const line of fonts.slice(2)) assert.match(line, /DejaVuSans.*\byes\s+yes\s+yes\b/);
      assert.match(pdf.toString('latin1'), /<pdfaid:part>1<\/pdfaid:part>/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('[e2e] ECO.3.1.5 ECO.2.2.6 ECO.2.2.8 writes to a patient chosen in the picker (qualified INS from an XDM attached earlier), with X-MSS-MES: FIN', async function () {
    this.timeout(120_000);
    // The XDM attached earlier, to a message left unsent: the add-on keeps its patient.
    const earlier = await compose({ to: [PAUL.mailbox], subject: 'Brouillon', plainTextBody: 'x' });
    await attach(earlier, 'IHE_XDM.ZIP', buildXdm({ documents: [BIO] }));
    await suite.closePage(await openPanel(earlier));
    await waitFor('Paul Vial among the known patients', async () =>
      (
        (await call<Record<string, Array<{ ins: string }>>>('storage.local.get', PATIENTS_KEY))[
          PATIENTS_KEY
        ] ?? []
      ).some((p) => p.ins === VIAL_PAUL.ins),
    );
    await suite.closeComposeWindows();
    const tab = await compose({
      subject: 'Votre compte rendu',
      plainTextBody: 'Bonjour Monsieur Vial.',
    });
    const panel = await openPanel(tab);
    const row = await waitFor('Paul Vial in the picker', async () => {
      const v = await read(panel, { row: `#cp-patients tr[data-ins="${VIAL_PAUL.ins}"]` });
      return v.row;
    });
    assert.match(row.text, /VIAL.*PAUL.*26\/11\/1978.*M.*oui/);
    await suite.page(panel, 'click', `#cp-patients button[data-ins="${VIAL_PAUL.ins}"]`);
    await waitFor(
      'the FIN toggle',
      async () => !(await read(panel, { fin: '#cp-fin-row' })).fin!.hidden,
    );
    await suite.page(panel, 'click', '#cp-fin');
    await waitFor('FIN among the headers', async () =>
      /X-MSS-MES: FIN/.test((await read(panel, { h: '#cp-headers' })).h!.text),
    );
    await suite.closePage(panel);
    const details = await call<{ to: string[] }>('compose.getComposeDetails', tab);
    assert.ok(
      details.to.some((t) => t.includes(VIAL_ADDRESS)),
      JSON.stringify(details.to),
    );
    assert.equal(await send(tab), null);
    const raw = await delivered(VIAL_ADDRESS, 'Subject: Votre compte rendu');
    const head = headBlock(raw);
    assert.match(head, /^X-MSS-MES: FIN$/m);
    assert.match(head, /^X-MSS-NIL: OPEN-MSSANTE-THUNDERBIRD$/m);
    assert.doesNotMatch(head, /^X-MSS-(INS|CODECDA):/m);
    assert.match(head, /^Content-Type: text\/plain; charset=UTF-8/m);
  });

  it('[e2e] ECO.2.2.6 derogation: a typed NIR is added only once its key is checked and its sex and birth month/year confirmed; no FIN unless asked', async function () {
    this.timeout(120_000);
    const tab = await compose({ subject: 'Derogation NIR', plainTextBody: 'Bonjour Madame.' });
    const panel = await openPanel(tab);
    await suite.page(panel, 'click', '#cp-derogation summary');
    await suite.page(panel, 'fill', { selector: '#cp-nir', value: DEROG_NIR.slice(0, 13) + '00' });
    await suite.page(panel, 'click', '#cp-nir-check');
    const badKey = await read(panel, { e: '#cp-nir-error', box: '#cp-nir-confirm-box' });
    assert.match(badKey.e!.text, /\[E_INS_KEY\]/);
    assert.equal(badKey.box!.hidden, true);
    await suite.page(panel, 'fill', { selector: '#cp-nir', value: DEROG_NIR });
    await suite.page(panel, 'click', '#cp-nir-check');
    assert.equal((await read(panel, { box: '#cp-nir-confirm-box' })).box!.hidden, false);
    // A wrong confirmation (man) is refused and adds nobody.
    await suite.page(panel, 'fill', { selector: '#cp-nir-sex', value: 'M' });
    await suite.page(panel, 'fill', { selector: '#cp-nir-month', value: '2' });
    await suite.page(panel, 'fill', { selector: '#cp-nir-year', value: '1985' });
    await suite.page(panel, 'click', '#cp-nir-confirm');
    await waitFor('the refusal', async () =>
      /\[E_COMPOSE_PATIENT_UNCHECKED\]/.test((await read(panel, { e: '#cp-nir-error' })).e!.text),
    );
    assert.deepEqual((await call<{ to: string[] }>('compose.getComposeDetails', tab)).to, []);
    await suite.page(panel, 'fill', { selector: '#cp-nir-sex', value: 'F' });
    await suite.page(panel, 'fill', { selector: '#cp-nir-name', value: 'Durand' });
    await suite.page(panel, 'fill', { selector: '#cp-nir-first', value: 'Lucie' });
    await suite.page(panel, 'click', '#cp-nir-confirm');
    await waitFor('Lucie as recipient', async () =>
      (await call<{ to: string[] }>('compose.getComposeDetails', tab)).to.some((t) =>
        t.includes(DEROG_ADDRESS),
      ),
    );
    const row = await waitFor('the patient in the picker', async () => {
      const v = await read(panel, { row: `#cp-patients tr[data-ins="${DEROG_NIR}"]` });
      return v.row;
    });
    assert.match(row.text, /DURAND.*Lucie.*00\/02\/1985.*F.*non/);
    await suite.closePage(panel);
    assert.equal(await send(tab), null);
    const head = headBlock(await delivered(DEROG_ADDRESS, 'Subject: Derogation NIR'));
    assert.doesNotMatch(head, /^X-MSS-MES:/m);
    assert.match(head, /^X-MSS-NIL: OPEN-MSSANTE-THUNDERBIRD$/m);
  });

  it('[e2e] ECO.2.2.4 ECO.2.2.3 an HTML message goes as multipart/alternative, text/plain (UTF-8) first and text/html second, the same text in both', async function () {
    this.timeout(120_000);
    const tab = await compose({
      to: [PAUL.mailbox],
      subject: 'Message HTML',
      isPlainText: false,
      body: '<html><body><p>Bonjour <b>Paul</b>, à bientôt.</p></body></html>',
    });
    assert.equal(await send(tab), null);
    const raw = await delivered(PAUL.mailbox, 'Subject: Message HTML');
    assert.match(headBlock(raw), /^Content-Type: multipart\/alternative;/m);
    const parts = mimeParts(raw);
    assert.equal(parts.length, 2);
    assert.match(parts[0]!.head, /^Content-Type: text\/plain; charset=UTF-8/m);
    assert.match(parts[1]!.head, /^Content-Type: text\/html; charset=UTF-8/m);
    // "2 parties identiques en termes de contenu rédactionnel": the same words in both parts.
    assert.equal(words(partText(parts[0]!)), 'Bonjour Paul, à bientôt.');
    assert.equal(htmlWords(partText(parts[1]!)), words(partText(parts[0]!)));
    assert.match(headBlock(raw), /^X-MSS-NIL: OPEN-MSSANTE-THUNDERBIRD$/m);
  });

  it('[e2e] ECO.2.2.7 warns when the From label does not follow the rule and fixes it in one click', async function () {
    this.timeout(60_000);
    await call('identities.update', identityId, { name: 'marie martin' });
    restoreName = true;
    const tab = await compose({ to: [PAUL.mailbox], subject: 'Libelle', plainTextBody: 'x' });
    const panel = await openPanel(tab);
    const v = await waitFor('the warning', async () => {
      const r = await read(panel, { w: '#cp-label-warning', fix: '#cp-label-fix' });
      return !r.w!.hidden && r;
    });
    assert.match(v.w!.text, /ECO\.2\.2\.7/);
    assert.match(v.fix!.text, /Corriger en « .*MARTIN »/);
    await suite.page(panel, 'click', '#cp-label-fix');
    await waitFor(
      'the warning gone',
      async () => (await read(panel, { w: '#cp-label-warning' })).w!.hidden,
    );
    const identity = await call<{ name: string }>('identities.get', identityId);
    assert.match(identity.name, /MARTIN$/);
    await suite.closePage(panel);
    assert.equal(await send(tab), null);
  });

  it('[e2e] ECO.2.2.5 ECO.2.2.4 an APP mailbox: refused until its contact is set, then Reply-To and the mention at the end of the body (both parts when HTML, the same words in each)', async function () {
    this.timeout(180_000);
    const { identityId: appIdentity } = await world.account('APP');
    await call('identities.update', appIdentity, { name: 'Laboratoire Central' });

    const tab = await compose({
      identityId: appIdentity,
      to: [PAUL.mailbox],
      subject: 'Resultat APP',
      plainTextBody: 'Votre résultat est disponible.',
    });
    const panel = await openPanel(tab);
    await waitFor('the missing contact', async () => {
      const v = await read(panel, {
        p: '#cp-problems li.blocking[data-code="E_COMPOSE_APP_CONTACT"]',
        row: '#cp-app-row',
      });
      return v.p && !v.row!.hidden;
    });
    assert.notEqual(await send(tab), null);
    await suite.page(panel, 'fill', { selector: '#cp-app-contact', value: MARIE.mailbox });
    await suite.page(panel, 'click', '#cp-app-save');
    await waitFor('Reply-To in the panel', async () => {
      const v = await read(panel, { h: '#cp-headers', ok: '#cp-no-problem' });
      return v.h!.text.includes(`Reply-To: ${MARIE.mailbox}`) && !v.ok!.hidden;
    });
    await suite.closePage(panel);
    assert.equal(await send(tab), null);
    const mention =
      /(généré automatiquement|generated automatically)[^]*marie\.martin@sandbox\.mssante\.test/;
    const raw = await delivered(PAUL.mailbox, 'Subject: Resultat APP\n');
    const head = headBlock(raw);
    assert.match(head, new RegExp(`^Reply-To: ${MARIE.mailbox}$`, 'm'));
    assert.match(head, /^X-MSS-NIL: OPEN-MSSANTE-THUNDERBIRD$/m);
    const body = raw.slice(head.length + 1).replace(/ \n/g, ' ');
    assert.match(body, /^Votre résultat est disponible\./m);
    assert.match(body.trimEnd().split('\n').slice(-3).join(' '), mention);

    const html = await compose({
      identityId: appIdentity,
      to: [PAUL.mailbox],
      subject: 'Resultat APP HTML',
      isPlainText: false,
      body: '<html><body><p>Votre <b>résultat</b> est disponible.</p></body></html>',
    });
    assert.equal(await send(html), null);
    const rawHtml = await delivered(PAUL.mailbox, 'Subject: Resultat APP HTML\n');
    assert.match(headBlock(rawHtml), new RegExp(`^Reply-To: ${MARIE.mailbox}$`, 'm'));
    const parts = mimeParts(rawHtml);
    assert.equal(parts.length, 2);
    for (const part of parts) assert.match(part.body.replace(/\s+/g, ' '), mention);
    // ECO.2.2.4: the mention added to the HTML part reaches the text part word for word.
    assert.equal(htmlWords(partText(parts[1]!)), words(partText(parts[0]!)));
  });
});
