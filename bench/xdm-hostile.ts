// Worst XDM archives within the readers' limits (issue 19, item 3): how long `inspectXdm` takes on
// each, against the goal of one second. The banner runs the same inspection in a Worker with a
// time budget (extension/background/receive/xdm-inspect.ts); this measures the pure work.
import os from 'node:os';
import { MAX_HEADER_BYTES } from '../shared/domain/cda/header';
import { MAX_XDM_XML_BYTES, inspectXdm } from '../shared/domain/xdm/reader';
import { XDM_MAX_XML_DEPTH } from '../shared/domain/xml/safe-xml';
import { DEFAULT_ZIP_LIMITS } from '../shared/domain/zip/limits';
import { bytesSource } from '../shared/domain/zip/source';
import {
  deepCda,
  deepCdaSiblings,
  manyObjectsCount,
  normalCda,
  wideCda,
  wideCdaPieces,
  worstXdm,
} from '../lab/fixtures/xdm/worst';

const GOAL_MS = 1000;
const RUNS = 5;
/** Room left for METADATA.XML of a few documents and the first chunks' overshoot. */
const SLACK = 64 * 1024;

function median(samples: number[]): number {
  const s = [...samples].sort((a, b) => a - b);
  return Number(s[Math.floor(s.length / 2)]!.toFixed(1));
}

/**
 * Wall time and this process's CPU time of each inspection: on a shared machine the wall time
 * also counts other work on the cores, the CPU time does not.
 */
async function time(bytes: Uint8Array): Promise<{ ms: number; cpuMs: number; outcome: string }> {
  const samples: number[] = [];
  const cpu: number[] = [];
  let outcome = '';
  for (let i = 0; i < RUNS; i++) {
    const c = process.cpuUsage();
    const t = performance.now();
    try {
      const inspection = await inspectXdm(bytesSource(bytes));
      outcome = `read ${inspection.documents.length} document(s)`;
    } catch (error) {
      outcome = `refused ${(error as { code?: string }).code ?? String(error)}`;
    }
    samples.push(performance.now() - t);
    const used = process.cpuUsage(c);
    cpu.push((used.user + used.system) / 1000);
  }
  return { ms: median(samples), cpuMs: median(cpu), outcome };
}

/** The worst archives, each as large as the limits let it be. */
function cases(): Record<string, { why: string; bytes: Uint8Array }> {
  const budget = Math.min(MAX_XDM_XML_BYTES, MAX_HEADER_BYTES) - SLACK;
  const perDoc = Math.floor((MAX_XDM_XML_BYTES - SLACK) / (DEFAULT_ZIP_LIMITS.maxEntries - 3));
  const manyDeep: string[] = [];
  for (let i = 0; i < DEFAULT_ZIP_LIMITS.maxEntries - 3 - 1; i++)
    manyDeep.push(deepCda(XDM_MAX_XML_DEPTH, deepCdaSiblings(XDM_MAX_XML_DEPTH, perDoc / 2)));
  return {
    deepHeader: {
      why: `one CDA header nested ${XDM_MAX_XML_DEPTH} deep, filled with empty elements at the bottom`,
      bytes: worstXdm([deepCda(XDM_MAX_XML_DEPTH, deepCdaSiblings(XDM_MAX_XML_DEPTH, budget))]),
    },
    wideHeader: {
      why: 'one CDA header whose title and names are cut in text pieces by comments',
      bytes: worstXdm([wideCda(wideCdaPieces(budget))]),
    },
    manyObjects: {
      why: 'METADATA.XML full of ExtrinsicObjects, their classifications and identifiers after them',
      bytes: worstXdm([normalCda(1)], manyObjectsCount(budget)),
    },
    manyDeepDocuments: {
      why: `${manyDeep.length} documents (entry limit) with deep headers sharing the XML budget`,
      bytes: worstXdm(manyDeep),
    },
    overBudget: {
      why: 'two deep headers of 1.5 MiB each: refused once the XML budget is spent',
      bytes: worstXdm([
        deepCda(XDM_MAX_XML_DEPTH, deepCdaSiblings(XDM_MAX_XML_DEPTH, 1.5 * 1024 * 1024)),
        deepCda(XDM_MAX_XML_DEPTH, deepCdaSiblings(XDM_MAX_XML_DEPTH, 1.5 * 1024 * 1024)),
      ]),
    },
  };
}

export async function benchXdmHostile(): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {
    goalMs: GOAL_MS,
    limits: {
      xmlBytesPerArchive: MAX_XDM_XML_BYTES,
      headerBytes: MAX_HEADER_BYTES,
      depth: XDM_MAX_XML_DEPTH,
      entries: DEFAULT_ZIP_LIMITS.maxEntries,
    },
    runs: RUNS,
  };
  let worst = 0;
  let worstCpu = 0;
  for (const [name, c] of Object.entries(cases())) {
    const { ms, cpuMs, outcome } = await time(c.bytes);
    worst = Math.max(worst, ms);
    worstCpu = Math.max(worstCpu, cpuMs);
    out[name] = {
      why: c.why,
      archiveBytes: c.bytes.length,
      medianMs: ms,
      medianCpuMs: cpuMs,
      outcome,
    };
  }
  out.worstMedianMs = worst;
  out.worstMedianCpuMs = worstCpu;
  out.withinGoal = worst <= GOAL_MS;
  out.cpuWithinGoal = worstCpu <= GOAL_MS;
  out.loadAverage = os.loadavg()[0];
  return out;
}
