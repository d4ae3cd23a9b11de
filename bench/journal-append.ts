import { closeSync, fsyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AuditJournal } from '../native-host/audit/journal';
import { MARIE } from '../lab/sandbox/people';
import { latencyStats } from './stats';

/**
 * What one journal entry costs the host (issue 19.5): `AuditJournal.record` — the line appended
 * and flushed, then `head.json` signed, written, flushed and renamed — against the line alone
 * appended and flushed as before the keyed head. The bridges journal synchronously, so this is
 * added to each journaled IMAP command and each message sent. In the OS temp folder.
 */
export async function benchJournalAppend(entries = 500): Promise<Record<string, unknown>> {
  const input = {
    author: MARIE.nationalId,
    mailbox: MARIE.mailbox,
    action: 'fetch',
    request: 'UID FETCH 1:* (UID RFC822.SIZE FLAGS BODY.PEEK[HEADER])',
    response: 'OK Fetch completed (0.001 + 0.000 secs).',
    outcome: 'ok' as const,
  };
  const run = (write: (dir: string) => () => void) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-journal-append-'));
    try {
      const one = write(dir);
      const samples: number[] = [];
      for (let i = 0; i < entries; i += 1) {
        const start = process.hrtime.bigint();
        one();
        samples.push(Number(process.hrtime.bigint() - start) / 1e6);
      }
      return latencyStats(samples);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  const appendOnly = run((dir) => {
    const line = JSON.stringify({ seq: 1, ts: '', prev: '', ...input, hash: '0'.repeat(64) });
    return () => {
      const fd = openSync(path.join(dir, 'journal-2026-01-01.jsonl'), 'a', 0o600);
      writeSync(fd, line + '\n');
      fsyncSync(fd);
      closeSync(fd);
    };
  });
  const record = run((dir) => {
    const journal = new AuditJournal(dir);
    return () => void journal.record(input);
  });
  return { entries, appendOnly, record };
}
