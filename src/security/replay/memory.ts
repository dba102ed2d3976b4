/**
 * In-process replay cache: a Map of key → expiry plus a binary min-heap on expiry, so inserts,
 * look-ups and purges are O(log n). Per process: with cluster workers or several gateway
 * instances a replay can land on another process — use the shared (Redis) adapter there.
 *
 * When full it first drops expired entries; if it is still full it evicts the entry that expires
 * soonest and counts it in `evictions`. It never answers "replay" for a key it has not seen:
 * refusing new keys would turn a full cache into an outage. An eviction weakens replay detection
 * for that entry's remaining window, so a non-zero `evictions` is an alarm: raise `maxEntries` or
 * move to the shared cache.
 */
import type { ReplayCache } from './types.ts';

export interface MemoryReplayCacheOptions {
  readonly maxEntries: number;
}

interface HeapEntry {
  readonly expiresAt: number;
  readonly key: string;
}

export class MemoryReplayCache implements ReplayCache {
  readonly #max: number;
  readonly #entries = new Map<string, number>();
  readonly #heap: HeapEntry[] = [];
  #evictions = 0;
  #closed = false;

  constructor(options: MemoryReplayCacheOptions) {
    if (!Number.isSafeInteger(options.maxEntries) || options.maxEntries < 1) throw new RangeError('replay cache maxEntries must be a positive integer');
    this.#max = options.maxEntries;
  }

  /** Live entries (expired ones are dropped lazily). */
  get size(): number {
    return this.#entries.size;
  }

  /** Unexpired entries dropped because the cache was full. */
  get evictions(): number {
    return this.#evictions;
  }

  checkAndRemember(key: string, expiresAt: Date, now: Date): Promise<boolean> {
    if (this.#closed) return Promise.reject(new Error('replay cache is closed'));
    const exp = expiresAt.getTime();
    const t = now.getTime();
    if (Number.isNaN(exp) || Number.isNaN(t)) return Promise.reject(new RangeError('replay cache needs valid dates'));
    this.#purgeExpired(t);
    const known = this.#entries.get(key);
    if (known !== undefined && known >= t) return Promise.resolve(false);
    // Nothing to remember for a window that is already over (the freshness checks refuse such messages).
    if (exp < t) return Promise.resolve(true);
    if (known === undefined && this.#entries.size >= this.#max) this.#evictSoonest();
    this.#entries.set(key, exp);
    this.#push({ expiresAt: exp, key });
    return Promise.resolve(true);
  }

  close(): Promise<void> {
    this.#closed = true;
    this.#entries.clear();
    this.#heap.length = 0;
    return Promise.resolve();
  }

  #purgeExpired(now: number): void {
    for (let top = this.#heap[0]; top !== undefined && top.expiresAt < now; top = this.#heap[0]) {
      this.#pop();
      if (this.#entries.get(top.key) === top.expiresAt) this.#entries.delete(top.key);
    }
  }

  #evictSoonest(): void {
    for (let top = this.#pop(); top !== undefined; top = this.#pop()) {
      // Heap entries whose key was re-remembered with another expiry are stale: skip them.
      if (this.#entries.get(top.key) !== top.expiresAt) continue;
      this.#entries.delete(top.key);
      this.#evictions++;
      return;
    }
  }

  #push(entry: HeapEntry): void {
    const h = this.#heap;
    h.push(entry);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = h[parent] as HeapEntry;
      if (p.expiresAt <= entry.expiresAt) break;
      h[i] = p;
      i = parent;
    }
    h[i] = entry;
  }

  #pop(): HeapEntry | undefined {
    const h = this.#heap;
    const top = h[0];
    const last = h.pop();
    if (top === undefined || last === undefined || h.length === 0) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= h.length) break;
      const r = l + 1;
      const lc = h[l] as HeapEntry;
      const rc = h[r];
      const child = rc !== undefined && rc.expiresAt < lc.expiresAt ? r : l;
      const c = h[child] as HeapEntry;
      if (c.expiresAt >= last.expiresAt) break;
      h[i] = c;
      i = child;
    }
    h[i] = last;
    return top;
  }
}
