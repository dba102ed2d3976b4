/**
 * Open-loop, constant-rate load: the latency a target adds at a fixed offered rate, without the
 * bursts of autocannon's `overallRate` (which releases each connection's quota at the start of every
 * second).
 *
 * Request i is due at start + i × 1000/R ms, whatever happened to the earlier ones. A ~1 ms timer
 * sends every request that is due, so timer jitter delays a request by at most about a tick and
 * never bunches a second's worth. Each latency runs from the due time to the end of the response
 * body, so a stall (of the target or of this process) shows up in the percentiles instead of
 * lowering the rate (coordinated omission). The send lag (actual send − due time) is reported on
 * its own so the generator's share can be told apart.
 *
 * Bounded: exactly ceil(R × (warm-up + duration)) requests are due; requests due during the
 * warm-up are sent but not recorded; once the last is due, in-flight requests get at most
 * `timeoutMs` more, then the pool is destroyed. A request that fails, times out, gets a non-2xx
 * status, is still unfinished at the end, or is not sent because `maxInFlight` were already
 * outstanding (the target is not keeping up) counts as a failure and as an infinite latency.
 */
import { Pool } from 'undici';

export interface OpenLoopOptions {
  /** Absolute URL (origin + path). */
  readonly url: string;
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly ratePerSecond: number;
  readonly warmupSeconds: number;
  readonly durationSeconds: number;
  /** Keep-alive connections in the pool; enough that requests do not wait for a free one. */
  readonly connections: number;
  /** Per request (headers and body), and the most the end of the run waits for stragglers. */
  readonly timeoutMs: number;
  /** Outstanding requests beyond which a due request is skipped (and counted as failed). */
  readonly maxInFlight: number;
}

export interface Percentiles {
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

export interface OpenLoopResult {
  readonly ratePerSecond: number;
  /** Requests due in the measured window (after the warm-up). */
  readonly due: number;
  readonly completed: number;
  /** Of `due`: errors, timeouts, non-2xx, unfinished at the end, skipped (see `skipped`). */
  readonly failures: number;
  readonly skipped: number;
  /** Milliseconds from the due time to the end of the response; failures count as +∞. */
  readonly latency: Percentiles;
  /** Milliseconds from the due time to the hand-off to undici. */
  readonly sendLag: Percentiles;
  readonly maxInFlight: number;
}

const TICK_MS = 1;

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

function percentiles(values: Float64Array): Percentiles {
  const sorted = values.slice().sort();
  return { p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? Number.NaN };
}

export async function runOpenLoop(opts: OpenLoopOptions): Promise<OpenLoopResult> {
  const target = new URL(opts.url);
  const intervalMs = 1000 / opts.ratePerSecond;
  const warmupCount = Math.ceil(opts.ratePerSecond * opts.warmupSeconds);
  const total = warmupCount + Math.ceil(opts.ratePerSecond * opts.durationSeconds);
  const measured = total - warmupCount;
  const latency = new Float64Array(measured).fill(Number.POSITIVE_INFINITY);
  const sendLag = new Float64Array(measured);
  const body = Buffer.from(opts.body);
  const pool = new Pool(target.origin, {
    connections: opts.connections,
    pipelining: 1,
    headersTimeout: opts.timeoutMs,
    bodyTimeout: opts.timeoutMs,
    keepAliveTimeout: 60_000,
  });

  let completed = 0;
  let skipped = 0;
  let inFlight = 0;
  let peakInFlight = 0;
  let next = 0;
  let onIdle: (() => void) | undefined;

  const send = (i: number, dueAt: number): void => {
    const slot = i - warmupCount;
    if (inFlight >= opts.maxInFlight) {
      if (slot >= 0) skipped++;
      return;
    }
    if (slot >= 0) sendLag[slot] = performance.now() - dueAt;
    inFlight++;
    peakInFlight = Math.max(peakInFlight, inFlight);
    pool
      .request({ path: `${target.pathname}${target.search}`, method: 'POST', headers: opts.headers, body })
      .then(async (res) => {
        await res.body.dump({ limit: Number.MAX_SAFE_INTEGER });
        if (slot >= 0 && res.statusCode >= 200 && res.statusCode < 300) {
          latency[slot] = performance.now() - dueAt;
          completed++;
        }
      })
      .catch(() => undefined)
      .finally(() => {
        inFlight--;
        if (inFlight === 0) onIdle?.();
      });
  };

  const start = performance.now();
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const now = performance.now();
      while (next < total && start + next * intervalMs <= now) {
        send(next, start + next * intervalMs);
        next++;
      }
      if (next < total) setTimeout(tick, TICK_MS);
      else resolve();
    };
    tick();
  });
  if (inFlight > 0) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, opts.timeoutMs);
      onIdle = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
  await pool.destroy();

  return {
    ratePerSecond: opts.ratePerSecond,
    due: measured,
    completed,
    failures: measured - completed,
    skipped,
    latency: percentiles(latency),
    sendLag: percentiles(sendLag),
    maxInFlight: peakInFlight,
  };
}
