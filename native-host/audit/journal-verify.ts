import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type ErrorCode, isErrorCode } from '../../shared/errors/codes';
import { type AuditEntry, GENESIS, hashOf, journalFiles } from './journal-format';
import { type ChainPoint, readHead, readPruned, readSealKey, type Sealed } from './journal-head';
import { INTEGRITY_ACTION } from './journal-reconcile';

export interface VerifyResult {
  ok: boolean;
  entries: number;
  files: number;
  /** One line per problem, starting with its code. */
  problems: string[];
  /** The distinct codes of the problems, in the order first met. */
  codes: ErrorCode[];
  /** Entries after the signed head: 1 is a host stopped between an entry and its head. */
  unsealed: number;
}

interface Walk {
  problems: { code: ErrorCode; text: string }[];
  count: number;
  last: ChainPoint;
  /** The hash of the entry whose seq is the head's, when it was met. */
  atHead?: string;
}

/** Checks every line of every day file against the chain that leads to it. */
function walkFiles(dir: string, list: string[], start: ChainPoint, headSeq?: number): Walk {
  const walk: Walk = { problems: [], count: 0, last: start };
  const problem = (code: ErrorCode, text: string) => walk.problems.push({ code, text });
  for (const file of list) {
    const lines = readFileSync(path.join(dir, file), 'utf8').split('\n');
    lines.forEach((line, index) => {
      if (!line) return;
      const where = `${file}:${index + 1}`;
      let entry: AuditEntry;
      try {
        entry = JSON.parse(line) as AuditEntry;
      } catch {
        problem('E_AUDIT_CHAIN_BROKEN', `${where}: not JSON`);
        return;
      }
      walk.count += 1;
      const { hash, ...body } = entry;
      const expected = walk.last;
      if (hashOf(body) !== hash)
        problem('E_AUDIT_CHAIN_BROKEN', `${where}: entry ${entry.seq} was changed (hash mismatch)`);
      if (entry.seq !== expected.seq + 1)
        problem(
          'E_AUDIT_CHAIN_BROKEN',
          `${where}: expected entry ${expected.seq + 1}, found ${entry.seq} (entries missing or reordered)`,
        );
      if (entry.prev !== expected.hash)
        problem(
          'E_AUDIT_CHAIN_BROKEN',
          `${where}: entry ${entry.seq} does not follow the previous entry (chain broken)`,
        );
      if (entry.action === INTEGRITY_ACTION && entry.outcome === 'failed')
        problem(
          isErrorCode(entry.code) ? entry.code : 'E_AUDIT_HEAD_INVALID',
          `${where}: entry ${entry.seq}: the host found at start: ${String(entry.request)}`,
        );
      if (entry.seq === headSeq) walk.atHead = hash;
      walk.last = { seq: entry.seq, hash };
    });
  }
  return walk;
}

/** What the signed head says about the end of the walk; the number of unsealed entries. */
function checkHead(
  head: Sealed<ChainPoint>,
  pruned: ChainPoint | undefined,
  walk: Walk,
  problem: (code: ErrorCode, text: string) => void,
): number {
  const last = walk.last;
  if (head.state === 'absent') {
    if (last.seq > 0) problem('E_AUDIT_HEAD_INVALID', `head.json is missing`);
    return 0;
  }
  if (head.state === 'invalid') {
    problem('E_AUDIT_HEAD_INVALID', head.why);
    return 0;
  }
  const signed = head.value;
  if (signed.seq > last.seq) {
    problem(
      'E_AUDIT_TRUNCATED',
      `head.json: the signed head is entry ${signed.seq} (hash ${signed.hash.slice(0, 16)}…); the files end at entry ${last.seq}: the newest entries were removed`,
    );
    return 0;
  }
  const atHead = walk.atHead ?? (pruned?.seq === signed.seq ? pruned.hash : undefined);
  if (atHead !== signed.hash) {
    problem(
      'E_AUDIT_HEAD_INVALID',
      `head.json: entry ${signed.seq} is not the entry the head signed (entries replaced)`,
    );
    return 0;
  }
  const unsealed = last.seq - signed.seq;
  if (unsealed > 1)
    problem(
      'E_AUDIT_HEAD_INVALID',
      `head.json: ${unsealed} entries after the signed head (entry ${signed.seq}) are not signed`,
    );
  return unsealed;
}

/**
 * Walks every day file: detects a changed, removed, reordered or inserted entry, or a missing
 * file; then checks the signed ends (journal-head.ts): newest entries cut (the head names more),
 * a chain rewritten from some entry on (the head's entry differs), a pruned.json or head.json
 * not signed with the journal key. Never writes anything (no key is made when there is none).
 */
export function verifyJournal(dir: string): VerifyResult {
  const seal = readSealKey(dir);
  const found: { code: ErrorCode; text: string }[] = [];
  const problem = (code: ErrorCode, text: string) => found.push({ code, text });
  const pruned = readPruned(dir, seal);
  if (pruned.state === 'invalid') problem('E_AUDIT_PRUNED_FORGED', pruned.why);
  const prunedPoint = pruned.state === 'absent' ? undefined : pruned.value;
  const head = readHead(dir, seal);
  const list = journalFiles(dir);
  const walk = walkFiles(
    dir,
    list,
    prunedPoint ?? { seq: 0, hash: GENESIS },
    head.state === 'valid' ? head.value.seq : undefined,
  );
  found.push(...walk.problems);
  const unsealed = checkHead(head, prunedPoint, walk, problem);
  return {
    ok: found.length === 0,
    entries: walk.count,
    files: list.length,
    problems: found.map((p) => `${p.code} ${p.text}`),
    codes: [...new Set(found.map((p) => p.code))],
    unsealed,
  };
}
