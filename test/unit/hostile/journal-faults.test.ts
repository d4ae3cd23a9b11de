import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  AuditJournal,
  GENESIS,
  hashOf,
  journalFiles,
  verifyJournal,
  type AuditEntry,
} from '../../../native-host/audit/journal';
import { HEAD, PRUNED, sealKey, writePruned } from '../../../native-host/audit/journal-head';
import { clearVerificationCache, queryJournal } from '../../../native-host/audit/journal-query';

/** The journal's faults and forgeries on real files (docs/audit.md, "The journal under faults"). */
describe('hostile: the audit journal under faults and forgeries (journal.ts, journal-head.ts)', () => {
  let dir: string;
  let clock: Date;
  const open = () => new AuditJournal(dir, () => clock);
  const day = (d: string) => (clock = new Date(`${d}T10:00:00Z`));
  const entries = (): AuditEntry[] =>
    journalFiles(dir).flatMap((f) =>
      readFileSync(path.join(dir, f), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as AuditEntry),
    );
  /** Three days of entries: 2 on the 23rd, 2 on the 24th, 3 on the 25th. */
  const fill = () => {
    const j = (day('2026-11-23'), open());
    const add = (action: string) => j.record({ author: 'system', action, outcome: 'ok' });
    add('connect');
    add('authenticate');
    day('2026-11-24');
    add('select');
    add('fetch');
    day('2026-11-25');
    add('store');
    add('expunge');
    add('logout');
    return j;
  };
  const newest = () => path.join(dir, journalFiles(dir).at(-1)!);

  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'journal-faults-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('hostile: a torn last line (half an entry) is cut at start, journaled as recovered with the SHA-256 of what was dropped, and the chain verifies', () => {
    fill();
    const torn = '{"seq":8,"ts":"2026-11-25T11:00:00.000+01:00","prev":"ab';
    appendFileSync(newest(), torn);
    const j = open();
    const text = readFileSync(newest(), 'utf8');
    assert.ok(!text.includes(torn), 'the torn bytes are gone');
    const last = entries().at(-1)!;
    assert.equal(last.action, 'recovered');
    assert.equal(last.seq, 8);
    const sha = createHash('sha256').update(torn).digest('hex');
    assert.equal(
      last.request,
      `journal-2026-11-25.jsonl: torn last line dropped (${Buffer.byteLength(torn)} bytes, sha256 ${sha})`,
    );
    j.record({ author: 'system', action: 'after', outcome: 'ok' });
    const result = verifyJournal(dir);
    assert.equal(result.ok, true, result.problems.join('\n'));
    assert.equal(result.entries, 9);
  });

  it('hostile: zeros after the last line (a power loss after the file grew) are cut the same way', () => {
    fill();
    appendFileSync(newest(), Buffer.alloc(4096));
    open();
    assert.equal(entries().at(-1)!.action, 'recovered');
    assert.match(entries().at(-1)!.request!, /4096 bytes, sha256 [0-9a-f]{64}/);
    assert.equal(verifyJournal(dir).ok, true, verifyJournal(dir).problems.join('\n'));
  });

  it('hostile: a whole last line that is not an entry does not stop the journal from opening; verify reports it', () => {
    fill();
    appendFileSync(newest(), 'not json at all\n');
    const j = open();
    const entry = j.record({ author: 'system', action: 'after', outcome: 'ok' });
    assert.equal(entry.seq, 8, 'continues after the last entry that parses');
    const result = verifyJournal(dir);
    assert.equal(result.ok, false);
    assert.deepEqual(result.codes, ['E_AUDIT_CHAIN_BROKEN']);
    assert.match(result.problems.join('\n'), /journal-2026-11-25\.jsonl:4: not JSON/);
  });

  it('hostile: cutting the newest entries is detected (E_AUDIT_TRUNCATED) and stays reported after a restart', () => {
    fill();
    const lines = readFileSync(newest(), 'utf8').split('\n').filter(Boolean);
    writeFileSync(newest(), lines.slice(0, 1).join('\n') + '\n');
    let result = verifyJournal(dir);
    assert.equal(result.ok, false);
    assert.deepEqual(result.codes, ['E_AUDIT_TRUNCATED']);
    assert.match(result.problems[0]!, /signed head is entry 7 .*the files end at entry 5/);
    // The host starts on the cut journal: it journals what it found, then signs the new head.
    open().record({ author: 'system', action: 'after', outcome: 'ok' });
    const integrity = entries().find((e) => e.action === 'integrity')!;
    assert.equal(integrity.code, 'E_AUDIT_TRUNCATED');
    assert.equal(integrity.outcome, 'failed');
    result = verifyJournal(dir);
    assert.deepEqual(result.codes, ['E_AUDIT_TRUNCATED']);
  });

  it('hostile: the journal viewer flags the newest entries cut when its range reaches the newest day', async () => {
    fill();
    const lines = readFileSync(newest(), 'utf8').split('\n').filter(Boolean);
    writeFileSync(newest(), lines.slice(0, 1).join('\n') + '\n');
    clearVerificationCache();
    const page = await queryJournal(dir, { limit: 200 });
    assert.deepEqual(page.verified, {
      ok: false,
      firstBad: 6,
      detail:
        'E_AUDIT_TRUNCATED head.json: the signed head is entry 7; journal-2026-11-25.jsonl ends at entry 5 (newest entries removed)',
    });
    const older = await queryJournal(dir, { limit: 200, to: '2026-11-24' });
    assert.deepEqual(older.verified, { ok: true });
  });

  it('hostile: removing the newest day file is detected (E_AUDIT_TRUNCATED)', () => {
    fill();
    rmSync(newest());
    const result = verifyJournal(dir);
    assert.deepEqual(result.codes, ['E_AUDIT_TRUNCATED']);
  });

  it('hostile: a forged pruned.json — unsigned, or signed with another key — is detected (E_AUDIT_PRUNED_FORGED)', () => {
    fill();
    // Delete the first day and say the chain continues after its last entry: the hash chain
    // alone accepts this.
    const first = path.join(dir, journalFiles(dir)[0]!);
    const last = readFileSync(first, 'utf8').split('\n').filter(Boolean).at(-1)!;
    const { seq, hash } = JSON.parse(last) as AuditEntry;
    rmSync(first);
    writeFileSync(path.join(dir, PRUNED), JSON.stringify({ seq, hash, before: '2026-11-24' }));
    let result = verifyJournal(dir);
    assert.equal(result.ok, false);
    assert.deepEqual(result.codes, ['E_AUDIT_PRUNED_FORGED']);
    assert.match(result.problems[0]!, /pruned\.json is not signed with the journal key/);
    writePruned(dir, sealKey(randomBytes(32)), { seq, hash, before: '2026-11-24' });
    result = verifyJournal(dir);
    assert.deepEqual(result.codes, ['E_AUDIT_PRUNED_FORGED']);
  });

  it('hostile: pruning by the host writes a signed pruned.json that verifies', () => {
    fill();
    day('2027-05-26');
    assert.deepEqual(open().prune(), ['journal-2026-11-23.jsonl']);
    const result = verifyJournal(dir);
    assert.equal(result.ok, true, result.problems.join('\n'));
    assert.equal(result.entries, 5);
  });

  it('hostile: a whole chain rewritten without the key is detected (E_AUDIT_HEAD_INVALID)', () => {
    fill();
    // A fresh, valid chain of seven entries in place of the seven the host wrote.
    let prev = GENESIS;
    const forged = [1, 2, 3, 4, 5, 6, 7].map((seq) => {
      const body = { seq, ts: '2026-11-25T11:00:00.000+01:00', prev, author: 'x', action: 'noop' };
      const entry = { ...body, outcome: 'ok' as const, hash: '' };
      entry.hash = hashOf({ ...body, outcome: 'ok' });
      prev = entry.hash;
      return JSON.stringify(entry);
    });
    for (const f of journalFiles(dir)) rmSync(path.join(dir, f));
    writeFileSync(path.join(dir, 'journal-2026-11-25.jsonl'), forged.join('\n') + '\n');
    const result = verifyJournal(dir);
    assert.deepEqual(result.codes, ['E_AUDIT_HEAD_INVALID']);
    assert.match(result.problems[0]!, /entry 7 is not the entry the head signed/);
  });

  it('hostile: a removed or edited head.json is detected, and a host start journals it', () => {
    fill();
    const head = path.join(dir, HEAD);
    const signed = JSON.parse(readFileSync(head, 'utf8')) as { seq: number };
    writeFileSync(head, JSON.stringify({ ...signed, seq: 5 }));
    assert.deepEqual(verifyJournal(dir).codes, ['E_AUDIT_HEAD_INVALID']);
    rmSync(head);
    assert.deepEqual(verifyJournal(dir).codes, ['E_AUDIT_HEAD_INVALID']);
    // A start without head.json cannot tell a removed head from a journal of an older version
    // until the journal holds a `sealed` entry (or a signed pruned.json): the first time it seals.
    open();
    assert.equal(entries().at(-1)!.action, 'sealed');
    rmSync(head);
    open();
    const last = entries().at(-1)!;
    assert.deepEqual([last.action, last.code], ['integrity', 'E_AUDIT_HEAD_INVALID']);
    assert.deepEqual(verifyJournal(dir).codes, ['E_AUDIT_HEAD_INVALID']);
  });

  it('hostile: one entry written after the signed head (the host stopped between the two) verifies, and the next start signs it', () => {
    fill();
    const head = path.join(dir, HEAD);
    const before = readFileSync(head);
    open().record({ author: 'system', action: 'last', outcome: 'ok' });
    writeFileSync(head, before); // as if killed between the entry's flush and its head's
    let result = verifyJournal(dir);
    assert.equal(result.ok, true, result.problems.join('\n'));
    assert.equal(result.unsealed, 1);
    open();
    result = verifyJournal(dir);
    assert.deepEqual([result.ok, result.unsealed], [true, 0]);
    assert.equal(entries().length, 8, 'signed without an entry of its own');
    // Two or more unsigned entries were not written by the host: reported.
    open().record({ author: 'system', action: 'a', outcome: 'ok' });
    const signed = readFileSync(head);
    open().record({ author: 'system', action: 'b', outcome: 'ok' });
    open().record({ author: 'system', action: 'c', outcome: 'ok' });
    writeFileSync(head, signed);
    assert.deepEqual(verifyJournal(dir).codes, ['E_AUDIT_HEAD_INVALID']);
  });

  it('hostile: a journal from before signed heads is sealed at its first start, and verifies', () => {
    fill();
    rmSync(path.join(dir, HEAD));
    assert.ok(!existsSync(path.join(dir, HEAD)));
    open();
    const last = entries().at(-1)!;
    assert.deepEqual([last.action, last.request], ['sealed', 'journal signed from entry 7']);
    assert.equal(verifyJournal(dir).ok, true);
  });

  it('hostile: a journal write error leaves the day file as it was and throws E_AUDIT_WRITE_FAILED', () => {
    fill();
    const j = open();
    const size = readFileSync(newest()).length;
    // A day file the host cannot open for appending: a directory in its place.
    day('2026-11-26');
    const blocked = path.join(dir, 'journal-2026-11-26.jsonl');
    mkdirSync(blocked);
    assert.throws(
      () => j.record({ author: 'system', action: 'blocked', outcome: 'ok' }),
      (e: { code?: string }) => e.code === 'E_AUDIT_WRITE_FAILED',
    );
    rmSync(blocked, { recursive: true });
    assert.equal(readFileSync(path.join(dir, 'journal-2026-11-25.jsonl')).length, size);
    assert.equal(j.record({ author: 'system', action: 'next', outcome: 'ok' }).seq, 8);
    assert.equal(verifyJournal(dir).ok, true, verifyJournal(dir).problems.join('\n'));
  });
});
