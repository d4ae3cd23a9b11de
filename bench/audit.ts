import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { type AuditEntry, GENESIS, hashOf } from '../native-host/audit/journal';
import { clearVerificationCache, queryJournal } from '../native-host/audit/journal-query';
import { MARIE } from '../lab/sandbox/people';

/**
 * The journal viewer's reads over six months (183 day files): a first page of the newest
 * entries (which verifies the chain over every day), one day only, and a filter that matches
 * rarely (every day read to the end). The journal is written here, chained as the host would.
 * `cold` is the host's first request (every day verified); `warm` the same requests again, as
 * the viewer pages and filters, with the unchanged days' verification taken from the cache, and
 * `afterRestart` the same requests after a host restart (the in-memory cache gone, every day's
 * result read back from the persisted `verified.json`), and `afterAppend` a first page once
 * today's file has grown (that day alone verified again).
 */
export async function benchAudit(perDay = 1000, days = 183): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-audit-'));
  try {
    let prev = GENESIS;
    let seq = 0;
    const start = Date.UTC(2026, 0, 1, 12);
    let bytes = 0;
    for (let d = 0; d < days; d++) {
      const day = new Date(start + d * 86_400_000).toISOString().slice(0, 10);
      const lines: string[] = [];
      for (let i = 0; i < perDay; i++) {
        seq += 1;
        const body: Omit<AuditEntry, 'hash'> = {
          seq,
          ts: `${day}T12:00:00.000+01:00`,
          prev,
          author: MARIE.nationalId,
          mailbox: MARIE.mailbox,
          action: i === 0 ? 'expunge' : 'fetch',
          request: `UID FETCH ${seq} (UID RFC822.SIZE FLAGS BODY.PEEK[HEADER])`,
          response: 'OK Fetch completed (0.001 + 0.000 secs).',
          outcome: 'ok',
        };
        const entry = { ...body, hash: hashOf(body) };
        prev = entry.hash;
        lines.push(JSON.stringify(entry));
      }
      const text = lines.join('\n') + '\n';
      bytes += text.length;
      writeFileSync(path.join(dir, `journal-${day}.jsonl`), text);
    }
    const last = new Date(start + (days - 1) * 86_400_000).toISOString().slice(0, 10);
    const time = async (query: Parameters<typeof queryJournal>[1]) => {
      const heapBefore = process.memoryUsage().heapUsed;
      const t0 = performance.now();
      const result = await queryJournal(dir, query);
      const ms = performance.now() - t0;
      return {
        ms: Math.round(ms),
        entries: result.entries.length,
        verified: result.verified.ok,
        heapDeltaMB: +((process.memoryUsage().heapUsed - heapBefore) / 1e6).toFixed(1),
      };
    };
    const round = async () => ({
      firstPageAllDays: await time({ limit: 200 }),
      secondPageAllDays: await time({ limit: 200, before: seq - 199 }),
      oneDay: await time({ limit: 200, from: last, to: last }),
      rareActionAllDays: await time({ limit: 200, action: 'expunge' }),
      maxLimitAllDays: await time({ limit: 500 }),
    });
    clearVerificationCache();
    const cold = await round();
    const warm = await round();
    // A host restart: the in-memory cache is gone, verified.json (written by the rounds above) is
    // read back; its first request is `firstPageAllDays`.
    clearVerificationCache();
    const afterRestart = await round();
    const body: Omit<AuditEntry, 'hash'> = {
      seq: seq + 1,
      ts: `${last}T13:00:00.000+01:00`,
      prev,
      author: MARIE.nationalId,
      action: 'logout',
      outcome: 'ok',
    };
    appendFileSync(
      path.join(dir, `journal-${last}.jsonl`),
      JSON.stringify({ ...body, hash: hashOf(body) }) + '\n',
    );
    const afterAppend = await time({ limit: 200 });
    return {
      days,
      entries: seq,
      journalMB: +(bytes / 1e6).toFixed(1),
      cold,
      warm,
      afterRestart,
      afterAppend,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
