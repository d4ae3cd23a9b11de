import assert from 'node:assert/strict';
import {
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AuditJournal, type AuditInput } from '../../../../native-host/audit/journal';
import {
  dayVerificationCount,
  queryJournal,
  type AuditQuery,
} from '../../../../native-host/audit/journal-query';
import { encodeFrame } from '../../../../native-host/messaging/frame-writer';
import { makeResult } from '../../../../shared/protocol/index';
import { MARIE, PAUL } from '../../../../lab/sandbox/people';

describe('audit journal query (the viewer’s reads)', () => {
  let dir: string;
  let clock: Date;
  const q = (query: Partial<AuditQuery> = {}) => queryJournal(dir, { limit: 200, ...query });
  const file = (d: string) => path.join(dir, `journal-${d}.jsonl`);
  const rewrite = (d: string, edit: (lines: string[]) => string[]) =>
    writeFileSync(
      file(d),
      edit(readFileSync(file(d), 'utf8').split('\n').filter(Boolean)).join('\n') + '\n',
    );

  /** Four local days, three entries each: seq 1..12; the third of each day failed. */
  const DAYS = ['2026-11-22', '2026-11-23', '2026-11-24', '2026-11-25'];
  function fill(): AuditJournal {
    const journal = new AuditJournal(dir, () => clock);
    for (const [i, d] of DAYS.entries()) {
      const entries: AuditInput[] = [
        { author: MARIE.nationalId, mailbox: MARIE.mailbox, action: 'connect', outcome: 'ok' },
        {
          author: MARIE.nationalId,
          mailbox: i % 2 ? PAUL.mailbox : MARIE.mailbox,
          action: 'select',
          request: 'SELECT INBOX',
          response: 'OK',
          outcome: 'ok',
        },
        {
          author: MARIE.nationalId,
          mailbox: MARIE.mailbox,
          action: 'send',
          request: 'MAIL FROM:<a@b>',
          response: '550',
          outcome: 'failed',
          code: 'E_UPSTREAM_AUTH',
        },
      ];
      entries.forEach((e, n) => {
        clock = new Date(`${d}T12:0${n}:00Z`);
        journal.record(e);
      });
    }
    return journal;
  }

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'journal-query-'));
    fill();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('ECO.4.1.1 returns every entry newest first, without the chain fields, and says the chain holds', async () => {
    const result = await q();
    assert.deepEqual(
      result.entries.map((e) => e.seq),
      [12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1],
    );
    assert.equal(result.more, false);
    assert.deepEqual(result.verified, { ok: true });
    assert.deepEqual(result.entries[0], {
      seq: 12,
      ts: result.entries[0]!.ts,
      author: MARIE.nationalId,
      mailbox: MARIE.mailbox,
      action: 'send',
      request: 'MAIL FROM:<a@b>',
      response: '550',
      outcome: 'failed',
      code: 'E_UPSTREAM_AUTH',
    });
    assert.match(result.entries[0]!.ts, /^2026-11-25T\d{2}:02:00\.000[+-]\d{2}:\d{2}$/);
  });

  it('keeps to the requested local days (from, to, or both)', async () => {
    assert.deepEqual(
      (await q({ from: '2026-11-23', to: '2026-11-24' })).entries.map((e) => e.seq),
      [9, 8, 7, 6, 5, 4],
    );
    assert.deepEqual(
      (await q({ from: '2026-11-25' })).entries.map((e) => e.seq),
      [12, 11, 10],
    );
    assert.deepEqual(
      (await q({ to: '2026-11-22' })).entries.map((e) => e.seq),
      [3, 2, 1],
    );
    assert.deepEqual((await q({ from: '2026-12-01' })).entries, []);
  });

  it('filters by mailbox (any case), action and outcome, together', async () => {
    const paul = await q({ mailbox: PAUL.mailbox.toUpperCase() });
    assert.deepEqual(
      paul.entries.map((e) => e.seq),
      [11, 5],
    );
    const sends = await q({ action: 'send' });
    assert.deepEqual(
      sends.entries.map((e) => e.seq),
      [12, 9, 6, 3],
    );
    assert.ok(sends.entries.every((e) => e.action === 'send'));
    const failed = await q({ outcome: 'failed', from: '2026-11-24' });
    assert.deepEqual(
      failed.entries.map((e) => [e.seq, e.code]),
      [
        [12, 'E_UPSTREAM_AUTH'],
        [9, 'E_UPSTREAM_AUTH'],
      ],
    );
    const marieSelects = await q({ mailbox: MARIE.mailbox, action: 'select' });
    assert.deepEqual(
      marieSelects.entries.map((e) => e.seq),
      [8, 2],
    );
  });

  it('pages to older entries with before, across days, and says when more remain', async () => {
    const first = await q({ limit: 5 });
    assert.deepEqual(
      first.entries.map((e) => e.seq),
      [12, 11, 10, 9, 8],
    );
    assert.equal(first.more, true);
    const second = await q({ limit: 5, before: first.entries.at(-1)!.seq });
    assert.deepEqual(
      second.entries.map((e) => e.seq),
      [7, 6, 5, 4, 3],
    );
    assert.equal(second.more, true);
    const last = await q({ limit: 5, before: 3 });
    assert.deepEqual(
      last.entries.map((e) => e.seq),
      [2, 1],
    );
    assert.equal(last.more, false);
    const exact = await q({ limit: 4, action: 'send' });
    assert.equal(exact.more, false, 'exactly limit matches: nothing more');
  });

  it('flags a changed entry in the range with its sequence number', async () => {
    rewrite('2026-11-23', (lines) =>
      lines.map((l) => l.replace('SELECT INBOX', 'SELECT Archives')),
    );
    const result = await q({ from: '2026-11-23', to: '2026-11-24' });
    assert.equal(result.verified.ok, false);
    assert.equal(result.verified.firstBad, 5);
    assert.match(result.verified.detail!, /journal-2026-11-23\.jsonl:2: entry 5 was changed/);
    // The entries are still shown, as they are on disk.
    assert.equal(result.entries.find((e) => e.seq === 5)!.request, 'SELECT Archives');
    // A range that does not hold the change is verified on its own.
    assert.deepEqual((await q({ from: '2026-11-25' })).verified, { ok: true });
  });

  it('flags a removed entry, a removed day, and entries cut from the end of the range', async () => {
    rewrite('2026-11-24', (lines) => [lines[0]!, lines[2]!]);
    assert.deepEqual(await q({ from: '2026-11-24', to: '2026-11-24' }).then((r) => r.verified), {
      ok: false,
      firstBad: 8,
      detail:
        'journal-2026-11-24.jsonl:2: expected entry 8, found 9 (entries missing or reordered)',
    });
    rmSync(dir, { recursive: true });
    dir = mkdtempSync(path.join(os.tmpdir(), 'journal-query-'));
    fill();
    rmSync(file('2026-11-23'));
    const gap = await q({ from: '2026-11-22', to: '2026-11-24' });
    assert.equal(gap.verified.ok, false);
    assert.equal(gap.verified.firstBad, 4);
    rmSync(dir, { recursive: true });
    dir = mkdtempSync(path.join(os.tmpdir(), 'journal-query-'));
    fill();
    rewrite('2026-11-23', (lines) => lines.slice(0, 2));
    const cut = await q({ to: '2026-11-23' });
    assert.equal(cut.verified.ok, false);
    assert.equal(cut.verified.firstBad, 6);
    assert.match(cut.verified.detail!, /entries missing at the end of the range/);
  });

  it('verifies unchanged days once across requests, and again once a day file is changed or cut', async () => {
    const verified = () => dayVerificationCount();
    let before = verified();
    assert.deepEqual((await q()).verified, { ok: true });
    assert.equal(verified() - before, 4, 'the first listing verifies the four days');
    before = verified();
    assert.deepEqual((await q({ limit: 2, before: 9 })).verified, { ok: true });
    assert.deepEqual((await q({ action: 'send' })).verified, { ok: true });
    assert.equal(verified() - before, 0, 'paging and filtering reuse the verified days');
    // Same size, modification time put back: only the change time tells.
    const day = file('2026-11-23');
    const { atime, mtime } = statSync(day);
    rewrite('2026-11-23', (lines) => lines.map((l) => l.replace('SELECT INBOX', 'SELECT INBOY')));
    utimesSync(day, atime, mtime);
    before = verified();
    const tampered = await q();
    assert.equal(verified() - before, 1, 'only the changed day is read again');
    assert.equal(tampered.verified.ok, false);
    assert.equal(tampered.verified.firstBad, 5);
    assert.match(tampered.verified.detail!, /journal-2026-11-23\.jsonl:2: entry 5 was changed/);
    // Truncated: the day's last entry is gone, the next day no longer follows.
    rewrite('2026-11-23', (lines) => lines.map((l) => l.replace('SELECT INBOY', 'SELECT INBOX')));
    assert.deepEqual((await q()).verified, { ok: true });
    truncateSync(file('2026-11-24'), statSync(file('2026-11-24')).size - 200);
    const cut = await q({ to: '2026-11-24' });
    assert.equal(cut.verified.ok, false);
    assert.match(cut.verified.detail!, /journal-2026-11-24\.jsonl:3: not a journal entry/);
  });

  it('filters by action whatever JSON spelling a line uses (escapes read as the host would)', async () => {
    rewrite('2026-11-24', (lines) =>
      lines.map((l) => l.replace('"action":"send"', '"action":"s\\u0065nd"')),
    );
    const result = await q({ action: 'send' });
    assert.deepEqual(
      result.entries.map((e) => e.seq),
      [12, 9, 6, 3],
    );
    // Same entry once parsed: the chain still holds.
    assert.deepEqual(result.verified, { ok: true });
  });

  it('opens only the days it needs: a broken day outside the range does not matter', async () => {
    writeFileSync(file('2026-11-22'), 'not a journal\n');
    const result = await q({ from: '2026-11-24' });
    assert.deepEqual(result.verified, { ok: true });
    assert.deepEqual(
      result.entries.map((e) => e.seq),
      [12, 11, 10, 9, 8, 7],
    );
    const all = await q();
    assert.equal(all.verified.ok, false);
    assert.equal(all.verified.firstBad, 1);
  });

  it('keeps the reply under the 1 MiB Thunderbird accepts, even with 500 huge entries', async function () {
    this.timeout(30_000); // 600 synchronous journal writes: 2.2 s unloaded, a loaded CI run is slower
    rmSync(dir, { recursive: true });
    dir = mkdtempSync(path.join(os.tmpdir(), 'journal-query-'));
    const journal = new AuditJournal(dir, () => new Date('2026-11-26T12:00:00Z'));
    // Control characters are written \u00XX in JSON (6 bytes each), the worst case.
    const huge = '\u0001'.repeat(1000);
    for (let i = 0; i < 600; i++)
      journal.record({
        author: huge,
        mailbox: huge,
        action: huge,
        request: huge,
        response: huge,
        code: huge,
        outcome: 'ok',
      });
    const result = await q({ limit: 500 });
    assert.ok(result.entries.length > 0);
    assert.equal(result.more, true);
    assert.ok(result.entries[0]!.request!.length <= 240);
    const frame = encodeFrame(makeResult('audit.query', 'x'.repeat(64), result));
    assert.ok(frame.length < 1024 * 1024, `${frame.length} bytes`);
    const next = await q({ limit: 500, before: result.entries.at(-1)!.seq });
    assert.equal(next.entries[0]!.seq, result.entries.at(-1)!.seq - 1);
  });
});
