import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AuditJournal } from '../../../../native-host/audit/journal';
import {
  clearVerificationCache,
  dayVerificationCount,
  queryJournal,
} from '../../../../native-host/audit/journal-query';
import { VERIFIED_FILE } from '../../../../native-host/audit/verified-cache';
import { MARIE } from '../../../../lab/sandbox/people';

const DAYS = ['2026-11-22', '2026-11-23', '2026-11-24', '2026-11-25'];

/**
 * The per-day verification results persisted in `<audit>/verified.json`: a host restart is
 * `clearVerificationCache()` (the in-memory cache gone, the file left), and what is verified
 * is observed with `dayVerificationCount()`, as in journal-query.test.ts.
 */
describe('audit journal query: verification results kept across host starts', () => {
  let dir: string;
  const q = () => queryJournal(dir, { limit: 200 });
  const file = (d: string) => path.join(dir, `journal-${d}.jsonl`);
  const cacheFile = () => path.join(dir, VERIFIED_FILE);
  /** Verifications made by one listing right after a host restart. */
  async function afterRestart() {
    clearVerificationCache();
    const before = dayVerificationCount();
    const result = await q();
    return { result, verified: dayVerificationCount() - before };
  }
  /** Edits day 2026-11-23's second entry in place, its size and mtime kept. */
  function tamper() {
    const day = file('2026-11-23');
    const { atime, mtime } = statSync(day);
    writeFileSync(day, readFileSync(day, 'utf8').replace('SELECT INBOX', 'SELECT INBOY'));
    utimesSync(day, atime, mtime);
  }

  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'journal-verified-'));
    let clock = new Date();
    const journal = new AuditJournal(dir, () => clock);
    for (const d of DAYS)
      for (const [n, action] of ['connect', 'select', 'logout'].entries()) {
        clock = new Date(`${d}T12:0${n}:00Z`);
        journal.record({
          author: MARIE.nationalId,
          mailbox: MARIE.mailbox,
          action,
          ...(action === 'select' ? { request: 'SELECT INBOX' } : {}),
          outcome: 'ok',
        });
      }
    clearVerificationCache();
    const before = dayVerificationCount();
    assert.deepEqual((await q()).verified, { ok: true });
    assert.equal(dayVerificationCount() - before, 4, 'the first listing verifies the four days');
  });
  afterEach(() => {
    clearVerificationCache();
    rmSync(dir, { recursive: true, force: true });
  });

  it('verifies no unchanged day again after a host restart, from a 0600 file beside the journal', async () => {
    assert.equal(statSync(cacheFile()).mode & 0o777, 0o600);
    const { result, verified } = await afterRestart();
    assert.deepEqual(result.verified, { ok: true });
    assert.equal(result.entries.length, 12);
    assert.equal(verified, 0, 'every day taken from verified.json');
    // An appended entry: that day alone is verified again, and the file is brought up to date.
    new AuditJournal(dir, () => new Date('2026-11-25T13:00:00Z')).record({
      author: MARIE.nationalId,
      action: 'disconnect',
      outcome: 'ok',
    });
    const appended = await afterRestart();
    assert.equal(appended.verified, 1);
    assert.deepEqual(appended.result.verified, { ok: true });
    assert.equal((await afterRestart()).verified, 0);
  });

  it('reports a day tampered with after the first listing as tampered after a restart', async () => {
    tamper();
    const { result, verified } = await afterRestart();
    assert.equal(verified, 1, 'only the changed day is read again');
    assert.equal(result.verified.ok, false);
    assert.equal(result.verified.firstBad, 5);
    assert.match(result.verified.detail!, /journal-2026-11-23\.jsonl:2: entry 5 was changed/);
    // And again on the next start: a tampered day is never recorded as sound.
    const again = await afterRestart();
    assert.equal(again.result.verified.ok, false);
    assert.equal(again.result.verified.firstBad, 5);
  });

  it('ignores a cache file edited to vouch for a tampered day: the unchanged days are verified again', async () => {
    tamper();
    // What a writer without the key would do: record the tampered file's new stat and last line.
    const text = readFileSync(cacheFile(), 'utf8');
    const cut = text.indexOf('\n');
    const records = JSON.parse(text.slice(cut + 1)) as Record<string, { key: string }>;
    const s = statSync(file('2026-11-23'), { bigint: true });
    records['journal-2026-11-23.jsonl']!.key =
      `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
    writeFileSync(cacheFile(), `${text.slice(0, cut)}\n${JSON.stringify(records)}`);
    const { result, verified } = await afterRestart();
    // Ignored: the unchanged day before is verified again too (with the file trusted, only the
    // tampered day would be, as in the test above); the check stops at the tampered day.
    assert.equal(verified, 2, 'the edited file is ignored');
    assert.equal(result.verified.ok, false);
    assert.equal(result.verified.firstBad, 5);
  });

  it('ignores a corrupt, truncated, other-version or foreign-key cache file and verifies every day', async () => {
    const good = readFileSync(cacheFile(), 'utf8');
    const variants: [string, string][] = [
      ['garbage', 'not a cache\n{'],
      ['truncated', good.slice(0, good.length - 10)],
      ['empty', ''],
      [
        'other version',
        good.replace(/^mssante-journal-verified 1 /, 'mssante-journal-verified 2 '),
      ],
      [
        'MAC flipped',
        good.replace(/^(\S+ \d+ )(.)/, (_, h: string, c: string) => h + (c === '0' ? '1' : '0')),
      ],
    ];
    for (const [what, text] of variants) {
      writeFileSync(cacheFile(), text);
      const { result, verified } = await afterRestart();
      assert.equal(verified, 4, what);
      assert.deepEqual(result.verified, { ok: true }, what);
      // The host wrote a sound file again: the next start verifies nothing.
      assert.equal((await afterRestart()).verified, 0, what);
    }
    // Another install's key (or a lost one): the file this host wrote no longer authenticates.
    writeFileSync(path.join(dir, 'journal.key'), randomBytes(32));
    assert.equal((await afterRestart()).verified, 4, 'foreign key');
    // The file holds the last line's hash, not the entry itself.
    const last = readFileSync(file('2026-11-25'), 'utf8').trim().split('\n').at(-1)!;
    const stored = readFileSync(cacheFile(), 'utf8');
    assert.ok(!stored.includes(MARIE.mailbox));
    assert.ok(stored.includes(createHash('sha256').update(last).digest('hex')));
  });
});
