/** The p-th percentile of sorted samples (nearest rank), to `digits` decimals. */
export function percentile(sorted: number[], p: number, digits = 2): number {
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return +(sorted[Math.max(0, i)] ?? 0).toFixed(digits);
}

/** Latency figures of a series of queries, in milliseconds. */
export function latencyStats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    queries: sorted.length,
    p50Ms: percentile(sorted, 50),
    p95Ms: percentile(sorted, 95),
    maxMs: percentile(sorted, 100),
  };
}
