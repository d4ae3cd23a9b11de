import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { closeAnnuaire } from '../../native-host/handlers/annuaire';
import type { HostContext } from '../../native-host/handlers/context';
import type { Logger } from '../../native-host/log';
import { FrameReader } from '../../native-host/messaging/frame-reader';
import { serve } from '../../native-host/server';
import { generateEntries, writeExtraction } from '../../lab/sandbox/annuaire/generate';
import { type SlapdInfo, startSlapd } from '../../lab/sandbox/annuaire/slapd';
import type { Started } from '../../lab/sandbox/contracts';
import { freePort } from '../../lab/system/net';
import type { AnnuaireEntry } from '../../shared/domain/annuaire/entry';
import { EXTRACTION_COLUMNS } from '../../shared/domain/annuaire/entry';
import { deflatedZeros, zipEntries } from '../../lab/fixtures/xdm/zip-writer';
import { writeHostConfig } from '../../native-host/config/private-file';
import { MARIE } from '../../lab/sandbox/people';

/**
 * The Annuaire through the host's protocol (ECO.3.1.4), served in-process on streams as
 * Thunderbird's port would: LDAP against a real slapd, the import in a worker thread with its
 * progress events, a hostile file refused while the host keeps answering.
 */
const FILE_NAME = 'Extraction_Correspondance_MSSante_202612010000.txt';
const PATIENT: AnnuaireEntry = {
  ...generateEntries(1)[0]!,
  mail: '2800575123456@patient.mssante.fr',
  lastName: 'MARTIN',
  firstName: 'Patiente',
  nationalId: '',
};

function frame(value: unknown): Buffer {
  const body = Buffer.from(JSON.stringify(value), 'utf8');
  const header = Buffer.alloc(4);
  header.writeUInt32LE(body.length, 0);
  return Buffer.concat([header, body]);
}

interface Port {
  ctx: HostContext;
  /** Everything the host wrote, replies and events, in order. */
  frames: any[];
  request(type: string, params: unknown): Promise<any>;
  waitFor(what: string, test: (f: any) => boolean, timeoutMs?: number): Promise<any>;
  close(): Promise<void>;
}

function openPort(): Port {
  const input = new PassThrough();
  const output = new PassThrough();
  const frames: any[] = [];
  const reader = new FrameReader(64 * 1024 * 1024);
  const waiters = new Set<() => void>();
  output.on('data', (chunk: Buffer) => {
    for (const e of reader.push(chunk)) if (e.kind === 'message') frames.push(e.value);
    for (const w of waiters) w();
  });
  const log: Logger = { info() {}, warn() {}, error() {}, close() {} };
  const ctx: HostContext = {
    log,
    startedAt: 0,
    now: Date.now,
    counters: { requestsServed: 0, frameErrors: 0 },
  };
  const done = serve({ input, output, stderr: () => {}, ctx });
  let next = 0;
  const waitFor = (what: string, test: (f: any) => boolean, timeoutMs = 120_000) =>
    new Promise<any>((resolve, reject) => {
      const check = () => {
        const found = frames.find(test);
        if (!found) return;
        waiters.delete(check);
        clearTimeout(timer);
        resolve(found);
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`no ${what} from the host`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  return {
    ctx,
    frames,
    waitFor,
    request(type, params) {
      const id = `r${++next}`;
      input.write(frame({ v: 1, id, type, params }));
      return waitFor(`reply ${id}`, (f) => f.id === id);
    },
    async close() {
      input.end();
      await done;
      await closeAnnuaire(ctx);
    },
  };
}

describe('the Annuaire through the host protocol (slapd, worker import)', function () {
  this.timeout(240_000);
  let home: string;
  let state: string;
  let slapd: Started<SlapdInfo>;
  let port: Port;
  let bigFile: string;
  const previousState = process.env.MSSANTE_STATE_DIR;

  before(async () => {
    home = mkdtempSync(path.join(os.tmpdir(), 'mssante-annuaire-host-'));
    state = path.join(home, 'state');
    slapd = await startSlapd({
      dir: path.join(home, 'slapd'),
      port: await freePort(),
      entries: [...generateEntries(50), PATIENT],
    });
    process.env.MSSANTE_STATE_DIR = state;
    rmSync(state, { recursive: true, force: true });
    const { mkdirSync } = await import('node:fs');
    mkdirSync(state, { recursive: true });
    writeHostConfig(state, {
      trust: { set: 'production' },
      annuaire: { source: 'ldap', url: slapd.info.url, base: slapd.info.base },
    });
    // Big enough that the import spans many progress events and several seconds of SQLite work.
    bigFile = path.join(home, FILE_NAME);
    writeExtraction([...generateEntries(40_000), PATIENT], bigFile);
    port = openPort();
  });
  after(async () => {
    await port?.close();
    await slapd?.stop();
    if (previousState === undefined) delete process.env.MSSANTE_STATE_DIR;
    else process.env.MSSANTE_STATE_DIR = previousState;
    rmSync(home, { recursive: true, force: true });
  });

  it('ECO.3.1.4 annuaire.autocomplete answers from LDAP with the fields a user chooses by, never a patient', async () => {
    const reply = await port.request('annuaire.autocomplete', { query: 'martin' });
    assert.equal(reply.ok, true, JSON.stringify(reply.error));
    assert.equal(reply.result.source, 'ldap');
    const marie = reply.result.entries.find((e: any) => e.mail === MARIE.mailbox);
    assert.deepEqual(
      Object.keys(marie).sort(),
      [
        'city',
        'civility',
        'firstName',
        'lastName',
        'mail',
        'mailboxType',
        'organisation',
        'postalCode',
        'profession',
        'service',
        'speciality',
      ].sort(),
    );
    assert.equal(marie.lastName, 'MARTIN');
    assert.equal(marie.mailboxType, 'PER');
    assert.ok(marie.profession.length > 0);
    assert.ok(!reply.result.entries.some((e: any) => e.mail.endsWith('@patient.mssante.fr')));
    // The patient is in the directory: a literal search by its address finds nothing either.
    const byMail = await port.request('annuaire.search', {
      criteria: { mail: '2800575123456@' },
    });
    assert.deepEqual(byMail.result.entries, []);
  });

  it('ECO.3.1.4 annuaire.search takes the dialog’s criteria; the limit says when there are more', async () => {
    const reply = await port.request('annuaire.search', {
      criteria: { name: 'MARTIN', firstName: 'Marie', mailboxType: 'PER', city: '' },
    });
    assert.equal(reply.ok, true, JSON.stringify(reply.error));
    assert.ok(reply.result.entries.length >= 1);
    for (const e of reply.result.entries) {
      assert.equal(e.lastName.toUpperCase(), 'MARTIN');
      assert.ok(e.firstName.toLowerCase().startsWith('marie'));
    }
    const limited = await port.request('annuaire.autocomplete', { query: 'a', limit: 3 });
    assert.equal(limited.result.entries.length, 3);
    assert.equal(limited.result.truncated, true);
    const blank = await port.request('annuaire.search', { criteria: {} });
    assert.equal(blank.ok, false);
    assert.equal(blank.error.code, 'E_ANNUAIRE_NO_CRITERIA');
  });

  it('ECO.3.1.4 annuaire.import runs in a worker: progress events, pings answered meanwhile, final counts; a second import is refused', async () => {
    const started = await port.request('annuaire.import', { path: bigFile });
    assert.equal(started.ok, true, JSON.stringify(started.error));
    const { importId } = started.result;
    const again = await port.request('annuaire.import', { path: bigFile });
    assert.equal(again.ok, false);
    assert.equal(again.error.code, 'E_ANNUAIRE_IMPORT_FAILED');
    // The host keeps answering while the worker reads and indexes.
    const pong = await port.request('ping', { payload: 'alive' });
    assert.equal(pong.ok, true);
    const status = await port.request('annuaire.status', {});
    assert.equal(status.result.importing.importId, importId);
    const done = await port.waitFor(
      'the end of the import',
      (f) =>
        f.event === 'annuaire-progress' &&
        f.data.phase !== 'reading' &&
        f.data.phase !== 'indexing',
    );
    assert.equal(done.data.phase, 'done', JSON.stringify(done.data.error));
    const events = port.frames
      .filter((f) => f.event === 'annuaire-progress' && f.data.importId === importId)
      .map((f) => f.data);
    const reading = events.filter((e) => e.phase === 'reading' && e.totalBytes > 0);
    assert.ok(reading.length >= 5, `only ${reading.length} reading events`);
    for (let i = 1; i < reading.length; i++)
      assert.ok(reading[i].bytesRead >= reading[i - 1].bytesRead);
    assert.ok(events.some((e) => e.phase === 'indexing'));
    // The ping and status replies came before the end of the import.
    assert.ok(port.frames.indexOf(pong) < port.frames.indexOf(done));
    assert.ok(port.frames.indexOf(status) < port.frames.indexOf(done));
    assert.equal(done.data.report.lines, 40_001);
    assert.equal(done.data.report.entries, 40_001);
    assert.equal(done.data.report.source, FILE_NAME);
    const after = await port.request('annuaire.status', {});
    assert.equal(after.result.offline.entries, 40_001);
    assert.equal(after.result.importing, undefined);
  });

  it('a hostile file (ZIP bomb, not an extraction) is refused with its code; the host keeps answering and the previous index stays', async () => {
    const bomb = path.join(home, 'bomb.zip');
    writeFileSync(
      bomb,
      zipEntries([{ name: FILE_NAME, deflated: deflatedZeros(64 * 1024 * 1024) }]),
    );
    const notExtraction = path.join(home, 'contacts.txt');
    writeFileSync(notExtraction, 'Nom|Prénom|Mail\nA|B|c@d.fr\n');
    for (const [file, code] of [
      [bomb, 'E_ZIP_BOMB'],
      [notExtraction, 'E_ANNUAIRE_EXTRACTION_HEADER'],
    ] as const) {
      const started = await port.request('annuaire.import', { path: file });
      assert.equal(started.ok, true, JSON.stringify(started.error));
      const end = await port.waitFor(
        `the end of the import of ${path.basename(file)}`,
        (f) =>
          f.event === 'annuaire-progress' &&
          f.data.importId === started.result.importId &&
          (f.data.phase === 'done' || f.data.phase === 'failed'),
      );
      assert.equal(end.data.phase, 'failed');
      assert.equal(end.data.error.code, code);
      assert.equal((await port.request('ping', { payload: 'alive' })).ok, true);
    }
    const missing = await port.request('annuaire.import', { path: path.join(home, 'nothing.txt') });
    assert.equal(missing.error.code, 'E_FILE_UNREADABLE');
    const status = await port.request('annuaire.status', {});
    assert.equal(status.result.offline.entries, 40_001);
    assert.ok(EXTRACTION_COLUMNS.length === 31);
  });

  it('ECO.3.1.4 with the LDAP server stopped, autocomplete answers from the offline index (never a patient)', async () => {
    await slapd.stop();
    const reply = await port.request('annuaire.autocomplete', { query: 'martin', limit: 100 });
    assert.equal(reply.ok, true, JSON.stringify(reply.error));
    assert.equal(reply.result.source, 'offline');
    assert.ok(reply.result.entries.some((e: any) => e.mail === MARIE.mailbox));
    assert.ok(!reply.result.entries.some((e: any) => e.mail.endsWith('@patient.mssante.fr')));
  });
});
