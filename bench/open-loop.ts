/**
 * Open-loop, constant-rate load: the latency targets add at a fixed offered rate, without the
 * bursts of autocannon's `overallRate` (which releases each connection's quota at the start of every
 * second).
 *
 * Request i is due at start + i × 1000/R ms, whatever happened to the earlier ones. A ~1 ms timer
 * sends every request that is due, so timer jitter delays a request by about a tick at most and
 * never bunches a second's worth. Each latency runs from the due time to the end of the response
 * body, so a stall (of a target or of this process) shows up in the percentiles instead of lowering
 * the rate (coordinated omission). The send lag (actual send − due time) is reported on its own so
 * the generator's share can be told apart.
 *
 * Several targets are measured in one run by time slicing: the schedule is cut into blocks of
 * `blockSeconds` and block k goes to target k mod n, so every target sees the same rate and the same
 * background (on a shared machine, other work comes and goes on a scale of seconds; measured one
 * after the other, the two paths would see different machines).
 *
 * Bounded: exactly ceil(R × (warm-up + n × duration)) requests are due; those due during the
 * warm-up are sent but not recorded; once the last is due, in-flight requests get at most
 * `timeoutMs` more, then the pools are destroyed. A request that fails, times out, gets a non-2xx
 * status, is still unfinished at the end, or is not sent because `maxInFlight` were already
 * outstanding (the targets are not keeping up) counts as a failure and as an infinite latency.
 */
import { Pool } from 'undici';

export interface OpenLoopOptions {
  /** Absolute URLs (origin + path), served in turn, a block each. */
  readonly targets: readonly string[];
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly ratePerSecond: number;
  readonly blockSeconds: number;
  /** For all targets together, at the start. */
  readonly warmupSeconds: number;
  /** Measured time per target. */
  readonly durationSeconds: number;
  /** Keep-alive connections per target; enough that requests do not wait for a free one. */
  readonly connections: number;
  /** Per request (headers and body), and the most the end of the run waits for stragglers. */
  readonly timeoutMs: number;
  /** Outstanding requests beyond which a due request is skipped (and counted as failed). */
  readonly maxInFlight: number;
  /**
   * Called as each block starts with the target it serves and whether it is measured, and once at
   * the end with `undefined` (e.g. to attribute CPU use to the targets).
   */
  readonly onBlock?: (target: number | undefined, measured: boolean) => void;
}

export interface Percentiles {
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

export interface OpenLoopResult {
  readonly url: string;
  readonly ratePerSecond: number;
  /** Requests due for this target after the warm-up. */
  readonly due: number;
  readonly completed: number;
  /** Of `due`: errors, timeouts, non-2xx, unfinished at the end, skipped (see `skipped`). */
  readonly failures: number;
  readonly skipped: number;
  /** Milliseconds from the due time to the end of the response; failures count as +∞. */
  readonly latency: Percentiles;
  /** Milliseconds from the due time to the hand-off to undici. */
  readonly sendLag: Percentiles;
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

interface TargetState {
  readonly url: URL;
  readonly pool: Pool;
  readonly latency: Float64Array;
  readonly sendLag: Float64Array;
  completed: number;
  skipped: number;
}

export async function runOpenLoop(opts: OpenLoopOptions): Promise<OpenLoopResult[]> {
  const n = opts.targets.length;
  const intervalMs = 1000 / opts.ratePerSecond;
  const blockMs = opts.blockSeconds * 1000;
  const warmupMs = opts.warmupSeconds * 1000;
  const total = Math.ceil(opts.ratePerSecond * (opts.warmupSeconds + n * opts.durationSeconds));
  const blockOf = (i: number): number => Math.floor((i * intervalMs) / blockMs);
  const measured = (i: number): boolean => i * intervalMs >= warmupMs;

  // Which target each request goes to, and its slot in that target's record (-1: warm-up).
  const targetOf = new Uint8Array(total);
  const slotOf = new Int32Array(total).fill(-1);
  const counts = new Array<number>(n).fill(0);
  for (let i = 0; i < total; i++) {
    const t = blockOf(i) % n;
    targetOf[i] = t;
    if (measured(i)) {
      slotOf[i] = counts[t] ?? 0;
      counts[t] = (counts[t] ?? 0) + 1;
    }
  }
  const body = Buffer.from(opts.body);
  const states: TargetState[] = opts.targets.map((u, t) => {
    const url = new URL(u);
    const pool = new Pool(url.origin, { connections: opts.connections, pipelining: 1, headersTimeout: opts.timeoutMs, bodyTimeout: opts.timeoutMs, keepAliveTimeout: 60_000 });
    const due = counts[t] ?? 0;
    return { url, pool, latency: new Float64Array(due).fill(Number.POSITIVE_INFINITY), sendLag: new Float64Array(due), completed: 0, skipped: 0 };
  });

  let inFlight = 0;
  let onIdle: (() => void) | undefined;
  const send = (i: number, dueAt: number): void => {
    const s = states[targetOf[i] ?? 0];
    const slot = slotOf[i] ?? -1;
    if (s === undefined) return;
    if (inFlight >= opts.maxInFlight) {
      if (slot >= 0) s.skipped++;
      return;
    }
    if (slot >= 0) s.sendLag[slot] = performance.now() - dueAt;
    inFlight++;
    s.pool
      .request({ path: `${s.url.pathname}${s.url.search}`, method: 'POST', headers: opts.headers, body })
      .then(async (res) => {
        await res.body.dump({ limit: Number.MAX_SAFE_INTEGER });
        if (slot >= 0 && res.statusCode >= 200 && res.statusCode < 300) {
          s.latency[slot] = performance.now() - dueAt;
          s.completed++;
        }
      })
      .catch(() => undefined)
      .finally(() => {
        inFlight--;
        if (inFlight === 0) onIdle?.();
      });
  };

  const start = performance.now();
  let next = 0;
  let block = -1;
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const now = performance.now();
      while (next < total && start + next * intervalMs <= now) {
        if (blockOf(next) !== block) {
          block = blockOf(next);
          opts.onBlock?.(block % n, measured(next));
        }
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
  opts.onBlock?.(undefined, false);
  await Promise.all(states.map((s) => s.pool.destroy()));

  return states.map((s) => ({
    url: s.url.href,
    ratePerSecond: opts.ratePerSecond,
    due: s.latency.length,
    completed: s.completed,
    failures: s.latency.length - s.completed,
    skipped: s.skipped,
    latency: percentiles(s.latency),
    sendLag: percentiles(s.sendLag),
  }));
}
