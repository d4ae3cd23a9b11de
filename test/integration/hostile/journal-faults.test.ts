import assert from 'node:assert/strict';
import { type ChildProcessWithoutNullStreams, execFile, spawn } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AuditJournal, type AuditEntry, journalFiles } from '../../../native-host/audit/journal';
import { LOCK_FILE } from '../../../native-host/storage/state-lock';
import { FrameReader } from '../../../native-host/messaging/frame-reader';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const BUNDLE = path.join(ROOT, 'dist/host/mssante.mjs');
const WRITER = path.join(ROOT, 'test/fixtures/journal-writer.ts');

/** `mssante audit verify --json DIR`, the built command. */
function auditVerify(
  dir: string,
  json = true,
): Promise<{ code: number; out: string; result: any }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BUNDLE, 'audit', 'verify', ...(json ? ['--json'] : []), dir],
      { env: { ...process.env, LANG: 'en_US.UTF-8' }, encoding: 'utf8' },
      (error, stdout) => {
        const code = error ? Number((error as { code?: number }).code ?? 1) : 0;
        resolve({ code, out: stdout, result: json ? JSON.parse(stdout) : null });
      },
    );
  });
}

function entriesOf(dir: string): AuditEntry[] {
  return journalFiles(dir).flatMap((f) =>
    readFileSync(path.join(dir, f), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as AuditEntry),
  );
}

/** A running `mssante host serve`, spoken to as Thunderbird does (native-messaging frames). */
class HostProcess {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting = new Map<string, (reply: any) => void>();
  private next = 0;
  readonly exited: Promise<number | null>;

  constructor(env: NodeJS.ProcessEnv) {
    this.child = spawn(process.execPath, [BUNDLE, 'host', 'serve'], { env });
    const reader = new FrameReader(2 * 1024 * 1024);
    this.child.stdout.on('data', (d: Buffer) => {
      for (const e of reader.push(d)) {
        if (e.kind !== 'message') continue;
        const reply = e.value as { id: string };
        this.waiting.get(reply.id)?.(reply);
        this.waiting.delete(reply.id);
      }
    });
    this.child.stderr.resume();
    this.exited = new Promise((resolve) => this.child.once('close', resolve));
  }

  request(type: string, params: unknown = {}): Promise<any> {
    const id = `r${(this.next += 1)}`;
    const body = Buffer.from(JSON.stringify({ v: 1, id, type, params }));
    const header = Buffer.alloc(4);
    header.writeUInt32LE(body.length, 0);
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.child.stdin.write(Buffer.concat([header, body]));
    });
  }

  /** Closes the port as Thunderbird does; the host exits. */
  close(): Promise<number | null> {
    this.child.stdin.end();
    return this.exited;
  }

  kill(): Promise<number | null> {
    this.child.kill('SIGKILL');
    return this.exited;
  }
}

describe('hostile: the audit journal under faults, with real processes (built `mssante`)', function () {
  this.timeout(240_000);
  let home: string;

  before(() => assert.ok(existsSync(BUNDLE), 'npm run build first'));
  beforeEach(() => (home = mkdtempSync(path.join(os.tmpdir(), 'journal-hostile-'))));
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  it('hostile: SIGKILL during appends, 20 times: no completed entry is lost and `mssante audit verify` passes', async () => {
    const dir = path.join(home, 'audit');
    const completed: number[] = [];
    let opened = 0;
    for (let round = 0; round < 20; round += 1) {
      const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dir], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d));
      const closed = new Promise((resolve) => child.once('close', resolve));
      let buffer = '';
      let seen = 0;
      // Killed at a varying point after the first completed entry of this round.
      const target = 1 + ((round * 7) % 40);
      child.stdout.on('data', (d: Buffer) => {
        buffer += d.toString();
        const lines = buffer.split('\n');
        buffer = lines.pop()!;
        for (const line of lines) {
          if (line.startsWith('open ')) opened += 1;
          else {
            completed.push(Number(line));
            seen += 1;
            if (seen === target) child.kill('SIGKILL');
          }
        }
      });
      await closed;
      assert.ok(seen >= target, `round ${round}: the writer ran (${stderr.slice(0, 500)})`);
    }
    assert.equal(opened, 20);
    const verify = await auditVerify(dir);
    assert.equal(verify.code, 0, verify.out);
    assert.equal(verify.result.ok, true, verify.result.problems.join('\n'));
    assert.ok(verify.result.unsealed <= 1);
    const bySeq = new Map(entriesOf(dir).map((e) => [e.seq, e]));
    for (const seq of completed)
      assert.equal(
        bySeq.get(seq)?.action,
        'append-test',
        `completed entry ${seq} is in the journal`,
      );
    assert.deepEqual(
      [...bySeq.keys()],
      [...bySeq.keys()].map((_, i) => i + 1),
      'one chain without gaps',
    );
  });

  it('hostile: cut newest entries and a forged pruned.json are reported by `mssante audit verify` with their codes', async () => {
    const dir = path.join(home, 'audit');
    let clock = new Date('2026-11-23T10:00:00Z');
    const journal = new AuditJournal(dir, () => clock);
    for (const d of ['2026-11-23', '2026-11-24', '2026-11-25']) {
      clock = new Date(`${d}T10:00:00Z`);
      for (const action of ['connect', 'select', 'logout'])
        journal.record({ author: 'system', action, outcome: 'ok' });
    }
    const intact = await auditVerify(dir);
    assert.deepEqual([intact.code, intact.result.ok, intact.result.entries], [0, true, 9]);

    // The newest two entries cut (whole lines: the hash chain alone still holds).
    const newest = path.join(dir, 'journal-2026-11-25.jsonl');
    const kept = readFileSync(newest, 'utf8').split('\n').filter(Boolean).slice(0, 1);
    writeFileSync(newest, kept.join('\n') + '\n');
    const cut = await auditVerify(dir);
    assert.equal(cut.code, 1);
    assert.deepEqual(cut.result.codes, ['E_AUDIT_TRUNCATED']);
    const text = await auditVerify(dir, false);
    assert.match(text.out, /E_AUDIT_TRUNCATED head\.json: .*entry 9 .*end at entry 7/);

    // The oldest day deleted and a pruned.json of the attacker's making in its place.
    const oldest = path.join(dir, 'journal-2026-11-23.jsonl');
    const last = JSON.parse(readFileSync(oldest, 'utf8').trim().split('\n').at(-1)!) as AuditEntry;
    rmSync(oldest);
    writeFileSync(
      path.join(dir, 'pruned.json'),
      JSON.stringify({ seq: last.seq, hash: last.hash, before: '2026-11-24' }),
    );
    const forged = await auditVerify(dir);
    assert.equal(forged.code, 1);
    assert.deepEqual(forged.result.codes, ['E_AUDIT_PRUNED_FORGED', 'E_AUDIT_TRUNCATED']);
  });

  it('hostile: two hosts on one state folder: the second fails with E_STATE_LOCKED and writes nothing, then starts once the first is gone (closed or SIGKILLed)', async () => {
    const state = path.join(home, 'state');
    const auditDir = path.join(state, 'audit');
    const env = { ...process.env, HOME: home, MSSANTE_STATE_DIR: state };
    // A journal with entries, as an earlier host left it.
    const seeded = new AuditJournal(auditDir);
    seeded.record({ author: 'system', action: 'connect', outcome: 'ok' });
    const first = new HostProcess(env);
    const listed = await first.request('mailbox.list');
    assert.deepEqual(listed.result, { mailboxes: [] }, JSON.stringify(listed));
    const snapshot = () =>
      readdirSync(auditDir)
        .sort()
        .map(
          (f) =>
            `${f}:${statSync(path.join(auditDir, f)).mtimeMs}:${readFileSync(path.join(auditDir, f)).toString('base64')}`,
        );
    const before = snapshot();

    const second = new HostProcess(env);
    const refused = await second.request('mailbox.list');
    assert.equal(refused.error?.code, 'E_STATE_LOCKED', JSON.stringify(refused));
    assert.match(refused.error.message, /Un autre hôte MSSanté utilise déjà ce dossier d’état/);
    const query = await second.request('audit.query', {});
    assert.equal(query.error?.code, 'E_STATE_LOCKED');
    assert.deepEqual(snapshot(), before, 'the second host wrote nothing in the journal');
    assert.equal((await second.request('ping', { payload: 'up' })).result.payload, 'up');

    assert.equal(await first.close(), 0);
    // The failed start was not kept: the same process starts now.
    const retried = await second.request('mailbox.list');
    assert.deepEqual(retried.result, { mailboxes: [] }, JSON.stringify(retried));
    const holder = JSON.parse(readFileSync(path.join(state, LOCK_FILE), 'utf8')) as { pid: number };
    await second.kill();
    assert.equal(existsSync(path.join(state, LOCK_FILE)), true, 'a SIGKILLed host leaves its lock');
    assert.ok(holder.pid > 0);

    const third = new HostProcess(env);
    const taken = await third.request('mailbox.list');
    assert.deepEqual(taken.result, { mailboxes: [] }, 'a stale lock is taken over');
    assert.equal(await third.close(), 0);
    assert.equal(existsSync(path.join(state, LOCK_FILE)), false, 'released at exit');
    const verify = await auditVerify(auditDir);
    assert.equal(verify.result.ok, true, verify.result.problems.join('\n'));
  });
});
