/**
 * What this machine lets a latency target mean, measured in the same run as the target:
 *   - host stalls: a 1 ms timer in an otherwise idle process; every gap above STALL_MS is time
 *     the process could not run (steal time, a busy host). Such gaps land in every path's p99.
 *   - the durable append: O_DSYNC appends of an audit-sized line in the directory the gateway's
 *     trail writes to, nothing else running. In `required` mode every response waits for the write
 *     that carries its record, so the disk's own tail is a floor under the gateway's.
 *   - the gateway's audit writes under load: the `wsgate_audit_write_seconds` histogram and
 *     `wsgate_audit_entries_written_total` from its /metrics, as deltas over a run.
 */
import { constants } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { percentile } from './open-loop.ts';

/** A gap of the 1 ms timer above this counts as a stall. */
export const STALL_MS = 5;

export interface HostStalls {
  readonly seconds: number;
  readonly stalls: number;
  readonly stalledMs: number;
  readonly maxMs: number;
}

/** Runs a 1 ms timer for `seconds` and counts the gaps longer than STALL_MS. */
export function measureHostStalls(seconds: number): Promise<HostStalls> {
  return new Promise((resolve) => {
    const start = performance.now();
    let last = start;
    let stalls = 0;
    let stalledMs = 0;
    let maxMs = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      const gap = now - last;
      last = now;
      maxMs = Math.max(maxMs, gap);
      if (gap > STALL_MS) {
        stalls += 1;
        stalledMs += gap;
      }
      if (now - start >= seconds * 1000) {
        clearInterval(timer);
        resolve({ seconds, stalls, stalledMs, maxMs });
      }
    }, 1);
  });
}

export interface DurableAppends {
  readonly appends: number;
  readonly bytes: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

/**
 * `count` appends of `bytes` each to a fresh file in a temporary directory under `parent`, opened
 * as the file audit sink opens its files (O_APPEND | O_DSYNC), one at a time; milliseconds per append.
 */
export async function measureDurableAppends(parent: string, count = 1000, bytes = 1500): Promise<DurableAppends> {
  const dir = await mkdtemp(join(parent, 'wsgate-append-probe-'));
  const line = Buffer.alloc(bytes, 'x');
  line[bytes - 1] = 0x0a;
  const times = new Float64Array(count);
  try {
    const fd = await open(join(dir, 'probe.jsonl'), constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_DSYNC, 0o600);
    try {
      for (let i = 0; i < count; i++) {
        const t0 = performance.now();
        await fd.write(line);
        times[i] = performance.now() - t0;
      }
    } finally {
      await fd.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  times.sort();
  return { appends: count, bytes, p50: percentile(times, 50), p99: percentile(times, 99), max: times[count - 1] ?? Number.NaN };
}

/** Cumulative counts of the gateway's audit-write histogram, and the entries those writes carried. */
export interface AuditWrites {
  readonly writes: number;
  readonly entries: number;
  /** Upper bound in seconds → writes that took at most that long (cumulative, as Prometheus keeps them). */
  readonly buckets: ReadonlyMap<number, number>;
}

const ZERO: AuditWrites = { writes: 0, entries: 0, buckets: new Map() };

/** The audit-write counters from a gateway's /metrics (zero when it has no trail). */
export async function scrapeAuditWrites(adminUrl: string): Promise<AuditWrites> {
  const res = await fetch(`${adminUrl}/metrics`);
  if (!res.ok) throw new Error(`${adminUrl}/metrics: HTTP ${res.status}`);
  const text = await res.text();
  let writes = 0;
  let entries = 0;
  const buckets = new Map<number, number>();
  for (const line of text.split('\n')) {
    const bucket = /^wsgate_audit_write_seconds_bucket\{le="([^"]+)"\} (\S+)$/.exec(line);
    if (bucket?.[1] !== undefined && bucket[1] !== '+Inf') buckets.set(Number(bucket[1]), Number(bucket[2]));
    const count = /^wsgate_audit_write_seconds_count (\S+)$/.exec(line);
    if (count?.[1] !== undefined) writes = Number(count[1]);
    const written = /^wsgate_audit_entries_written_total (\S+)$/.exec(line);
    if (written?.[1] !== undefined) entries = Number(written[1]);
  }
  return { writes, entries, buckets };
}

/** `to` − `from`, bucket by bucket. */
export function auditWritesBetween(from: AuditWrites, to: AuditWrites): AuditWrites {
  const buckets = new Map<number, number>();
  for (const [le, n] of to.buckets) buckets.set(le, n - (from.buckets.get(le) ?? 0));
  return { writes: to.writes - from.writes, entries: to.entries - from.entries, buckets };
}

/** Adds up deltas (e.g. of several runs). */
export function sumAuditWrites(all: readonly AuditWrites[]): AuditWrites {
  return all.reduce<AuditWrites>((acc, w) => {
    const buckets = new Map(acc.buckets);
    for (const [le, n] of w.buckets) buckets.set(le, (buckets.get(le) ?? 0) + n);
    return { writes: acc.writes + w.writes, entries: acc.entries + w.entries, buckets };
  }, ZERO);
}

/** Share (0..1) of the writes that took longer than `seconds`, which must be a bucket bound. */
export function shareSlowerThan(w: AuditWrites, seconds: number): number {
  const within = w.buckets.get(seconds);
  if (within === undefined || w.writes <= 0) return Number.NaN;
  return (w.writes - within) / w.writes;
}
