import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  AuditJournal,
  localTimestamp,
  verifyJournal,
  type AuditEntry,
} from '../../../../native-host/audit/journal';
import { MARIE } from '../../../../lab/sandbox/people';

describe('audit journal', () => {
  let dir: string;
  let clock: Date;
  const journal = () => new AuditJournal(dir, () => clock);
  const day = (d: string) => (clock = new Date(`${d}T10:00:00Z`));
  const lines = (file: string) =>
    readFileSync(path.join(dir, file), 'utf8').split('\n').filter(Boolean);
  const fill = () => {
    day('2026-11-23');
    const j = journal();
    j.record({
      author: MARIE.nationalId,
      mailbox: MARIE.mailbox,
      action: 'connect',
      outcome: 'ok',
    });
    j.record({
      author: MARIE.nationalId,
      action: 'authenticate',
      request: 'AUTHENTICATE XOAUTH2 [redacted]',
      response: 'OK',
      outcome: 'ok',
    });
    day('2026-11-24');
    j.record({
      author: MARIE.nationalId,
      action: 'select',
      request: 'SELECT INBOX',
      response: 'OK',
      outcome: 'ok',
    });
    day('2026-11-25');
    j.record({
      author: MARIE.nationalId,
      action: 'send',
      request: 'MAIL FROM:<a@b>',
      response: '550',
      outcome: 'failed',
      code: 'E_X',
    });
    return j;
  };

  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'journal-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('ECO.4.1.2 records author, local timestamp with offset, action, request and response', () => {
    fill();
    const [first] = lines('journal-2026-11-23.jsonl').map((l) => JSON.parse(l) as AuditEntry);
    assert.equal(first!.author, MARIE.nationalId);
    assert.equal(first!.action, 'connect');
    assert.match(first!.ts, /^2026-11-23T\d{2}:00:00\.000[+-]\d{2}:\d{2}$/);
    const last = JSON.parse(lines('journal-2026-11-25.jsonl')[0]!) as AuditEntry;
    assert.deepEqual(
      [last.request, last.response, last.outcome, last.code],
      ['MAIL FROM:<a@b>', '550', 'failed', 'E_X'],
    );
  });

  it('ECO.4.1.1 writes one file per day and chains entries across days', () => {
    fill();
    assert.deepEqual(
      readdirSync(dir)
        .filter((f) => f.startsWith('journal-'))
        .sort(),
      ['journal-2026-11-23.jsonl', 'journal-2026-11-24.jsonl', 'journal-2026-11-25.jsonl'],
    );
    assert.deepEqual(verifyJournal(dir), {
      ok: true,
      entries: 4,
      files: 3,
      problems: [],
      codes: [],
      unsealed: 0,
    });
  });

  it('continues the chain after a restart', () => {
    fill();
    journal().record({ author: 'system', action: 'start', outcome: 'ok' });
    const result = verifyJournal(dir);
    assert.equal(result.ok, true, result.problems.join('\n'));
    assert.equal(result.entries, 5);
  });

  it('detects a changed entry', () => {
    fill();
    const file = path.join(dir, 'journal-2026-11-24.jsonl');
    writeFileSync(file, readFileSync(file, 'utf8').replace('SELECT INBOX', 'SELECT Archives'));
    const result = verifyJournal(dir);
    assert.equal(result.ok, false);
    assert.match(result.problems.join('\n'), /entry 3 was changed/);
  });

  it('detects a removed entry and a removed day', () => {
    fill();
    const file = path.join(dir, 'journal-2026-11-23.jsonl');
    writeFileSync(file, lines('journal-2026-11-23.jsonl')[1] + '\n');
    assert.match(verifyJournal(dir).problems.join('\n'), /expected entry 1, found 2/);
    rmSync(dir, { recursive: true });
    dir = mkdtempSync(path.join(os.tmpdir(), 'journal-'));
    fill();
    rmSync(path.join(dir, 'journal-2026-11-24.jsonl'));
    assert.match(verifyJournal(dir).problems.join('\n'), /expected entry 3, found 4/);
  });

  it('keeps 6 months by default and the chain stays verifiable after pruning', () => {
    fill();
    day('2027-05-26'); // 183 days after 2026-11-24: only 2026-11-23 is older
    const j = journal();
    assert.deepEqual(j.prune(), ['journal-2026-11-23.jsonl']);
    j.record({ author: 'system', action: 'prune', outcome: 'ok' });
    const result = verifyJournal(dir);
    assert.equal(result.ok, true, result.problems.join('\n'));
    assert.equal(result.entries, 3);
  });

  it('writes local time with the UTC offset', () => {
    const ts = localTimestamp(new Date('2026-01-01T00:00:00Z'));
    const offsetMin = -new Date('2026-01-01T00:00:00Z').getTimezoneOffset();
    assert.equal(new Date(ts).getTime(), Date.parse('2026-01-01T00:00:00Z'));
    assert.ok(ts.endsWith(offsetMin === 0 ? '+00:00' : ts.slice(-6)));
  });
});
