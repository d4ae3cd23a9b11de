import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { AnnuaireLdapClient } from '../native-host/annuaire/ldap-client';
import { BENCH_ENTRY_COUNT, generateEntries } from '../lab/sandbox/annuaire/generate';
import { startSlapd } from '../lab/sandbox/annuaire/slapd';
import { freePort } from '../lab/system/net';
import { latencyStats } from './stats';

/**
 * The sandbox Annuaire (slapd) loaded with 100 000 generated entries: generation and slapadd
 * load time, a warm restart (database reused), and the host client's latency over one kept
 * connection: autocomplete on a few hundred prefixes of 2-4 characters taken from the entries
 * (goal p95 ≤ 50 ms), 1-character prefixes (not indexed), and multi-criteria searches.
 */
export async function benchAnnuaireLdap(
  count = BENCH_ENTRY_COUNT,
  prefixes = 300,
): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-annuaire-'));
  try {
    let t0 = performance.now();
    const entries = generateEntries(count);
    const generateMs = Math.round(performance.now() - t0);
    const port = await freePort();
    t0 = performance.now();
    let slapd = await startSlapd({ dir, port, entries });
    const coldStartMs = Math.round(performance.now() - t0);
    const loadMs = Math.round(slapd.info.loadMs);
    await slapd.stop();
    t0 = performance.now();
    slapd = await startSlapd({ dir, port, entries });
    const warmStartMs = Math.round(performance.now() - t0);

    const client = new AnnuaireLdapClient({ url: slapd.info.url, base: slapd.info.base });
    try {
      const words: string[] = [];
      const step = Math.max(1, Math.floor(entries.length / prefixes));
      for (let i = 0; words.length < prefixes; i += step) {
        const e = entries[i % entries.length]!;
        const source = [e.lastName || e.organisation, e.firstName || e.mail, e.mail][i % 3]!;
        words.push(source.slice(0, 2 + (i % 3)));
      }
      await client.autocomplete('ma'); // connection opened outside the measure
      const time = async (run: () => Promise<{ entries: unknown[]; truncated: boolean }>) => {
        const start = performance.now();
        const result = await run();
        return { ms: performance.now() - start, n: result.entries.length, cut: result.truncated };
      };
      const autocomplete: number[] = [];
      let truncated = 0;
      for (const word of words) {
        const r = await time(() => client.autocomplete(word));
        autocomplete.push(r.ms);
        if (r.cut) truncated += 1;
      }
      const single: number[] = [];
      for (const letter of 'abcdefghijklmnopqrstuvwxyz')
        single.push((await time(() => client.autocomplete(letter))).ms);
      const criteria: number[] = [];
      for (let i = 0; i < 60; i += 1) {
        const e = entries[(i * 997) % entries.length]!;
        const pick = [
          { name: e.lastName.slice(0, 3) || 'MAR', city: e.city },
          { profession: e.profession.code || '10', postalCode: e.postalCode.slice(0, 2) },
          { firstName: e.firstName.slice(0, 2) || 'Ma', mailboxType: 'PER' },
        ][i % 3]!;
        criteria.push((await time(() => client.search(pick))).ms);
      }
      return {
        entries: count,
        generateMs,
        slapaddLoadMs: loadMs,
        coldStartMs,
        warmStartMs,
        autocomplete: { ...latencyStats(autocomplete), truncated, goalP95Ms: 50 },
        autocompleteOneLetter: latencyStats(single),
        multiCriteria: latencyStats(criteria),
      };
    } finally {
      await client.close();
      await slapd.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
