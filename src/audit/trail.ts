import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import { EMPTY_HEAD, link, type ChainHead } from './chain.ts';
import type { RecordEntry, Unchained, UnchainedEntry } from './entries.ts';
import type { AuditSigningKey } from './keys.ts';
import type { AuditSink } from './sink.ts';

export type AuditMode = 'required' | 'best-effort' | 'off';

export interface AuditTrailOptions {
  readonly sink: AuditSink;
  readonly key: AuditSigningKey;
  /** This instance's chain id (one chain per gateway instance / worker). */
  readonly chain: string;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly checkpoint: { readonly everyRecords: number; readonly everySeconds: number };
  /** Best-effort records waiting beyond this are dropped (and counted). */
  readonly maxQueue: number;
  /** Most entries in one write (one fsync / one transaction). */
  readonly maxBatch: number;
  /** Called for every record that could not be chained (best-effort drop, or lost in a sink outage). */
  readonly onDrop?: (mode: AuditMode, why: 'queue-full' | 'sink-failed') => void;
  /** Called with each write's size and duration. */
  readonly onWrite?: (entries: number, ms: number) => void;
}

/** Thrown to required-mode callers when their record could not be made durable. */
export class AuditUnavailableError extends Error {
  override readonly name = 'AuditUnavailableError';
}

interface Pending {
  readonly entry: UnchainedEntry;
  readonly mode: AuditMode;
  readonly done?: { resolve(): void; reject(err: Error): void };
}

/**
 * The audit trail of one instance: records are chained in the order they are handed over, written
 * in batches (group commit), sealed by signed checkpoints every N records or T seconds and at
 * shutdown. The chain head moves only after the sink confirmed a write, so a failed write leaves no
 * gap: its records are rejected (required) or retried/dropped (best-effort) and a notice says so.
 */
export class AuditTrail {
  readonly #o: AuditTrailOptions;
  #head: ChainHead = EMPTY_HEAD;
  #queue: Pending[] = [];
  #writing = false;
  #checkpointDue: 'count' | 'interval' | undefined;
  #timer: NodeJS.Timeout | undefined;
  #retry: NodeJS.Timeout | undefined;
  #available = true;
  #closed = false;
  #droppedSinceCheckpoint = 0;
  #outage: { since: string; lost: number } | undefined;
  #idle: (() => void)[] = [];

  constructor(opts: AuditTrailOptions) {
    this.#o = opts;
  }

  get head(): ChainHead {
    return this.#head;
  }

  get chain(): string {
    return this.#o.chain;
  }

  /** False while the sink is failing: required-mode exchanges are refused before reaching the backend. */
  get available(): boolean {
    return this.#available && !this.#closed;
  }

  /** Opens the sink, seals a tail left open by a crash, and starts the checkpoint timer. */
  async start(): Promise<void> {
    const { head, repaired } = await this.#o.sink.open(this.#o.chain);
    this.#head = head;
    const start: UnchainedEntry[] = [];
    const rotation = this.#o.sink.rotation?.(this.#o.clock.now(), true);
    if (rotation) start.push({ kind: 'file', file: rotation.file, previousFile: rotation.previousFile });
    if (head.seq > 0 && !head.closed) {
      start.push({ kind: 'notice', event: 'recovered', detail: `the previous run ended without a shutdown checkpoint after seq ${head.seq} (${head.sinceCheckpoint} records since the last checkpoint)${repaired ? `; ${repaired}` : ''}` });
      start.push({ kind: 'checkpoint', reason: 'recovery', final: false, dropped: 0 });
    }
    start.push({ kind: 'notice', event: 'started', detail: `sink ${this.#o.sink.kind}, key ${this.#o.key.keyId}` });
    await this.#writeNow(start);
    if (repaired) this.#o.logger.warn({ chain: this.#o.chain, repaired }, 'audit: repaired the tail of the chain');
    this.#timer = setInterval(() => {
      if (this.#head.sinceCheckpoint > 0 || this.#queue.length > 0) {
        this.#checkpointDue ??= 'interval';
        this.#kick();
      }
    }, this.#o.checkpoint.everySeconds * 1000);
    this.#timer.unref();
  }

  /**
   * Hands over one exchange's record. `required`: resolves once durable, rejects with
   * AuditUnavailableError otherwise. `best-effort`: resolves at once; the record is dropped (and
   * counted) when the queue is full.
   */
  submit(record: Unchained<RecordEntry>, mode: AuditMode): Promise<void> {
    if (mode === 'off') return Promise.resolve();
    if (this.#closed) return mode === 'required' ? Promise.reject(new AuditUnavailableError('audit trail is closed')) : Promise.resolve();
    if (mode === 'best-effort') {
      if (this.#queue.length >= this.#o.maxQueue) {
        this.#drop(mode, 'queue-full');
        return Promise.resolve();
      }
      this.#queue.push({ entry: record, mode });
      this.#kick();
      return Promise.resolve();
    }
    if (!this.#available) {
      this.#drop(mode, 'sink-failed');
      return Promise.reject(new AuditUnavailableError('audit sink unavailable'));
    }
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ entry: record, mode, done: { resolve, reject } });
      this.#kick();
    });
  }

  /** Writes everything queued, a final checkpoint, and closes the sink. */
  async close(): Promise<void> {
    if (this.#closed) return;
    clearInterval(this.#timer);
    clearTimeout(this.#retry);
    await this.#whenIdle();
    this.#closed = true;
    // Best-effort records still queued (the sink is failing) are lost: count them.
    for (const p of this.#queue.splice(0)) this.#drop(p.mode, 'sink-failed');
    try {
      if (this.#available) await this.#writeNow([{ kind: 'checkpoint', reason: 'shutdown', final: true, dropped: this.#droppedSinceCheckpoint }]);
    } finally {
      await this.#o.sink.close();
    }
  }

  #drop(mode: AuditMode, why: 'queue-full' | 'sink-failed'): void {
    this.#droppedSinceCheckpoint += 1;
    if (this.#outage) this.#outage.lost += 1;
    this.#o.onDrop?.(mode, why);
  }

  #whenIdle(): Promise<void> {
    if (!this.#writing && (this.#queue.length === 0 || !this.#available)) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #kick(): void {
    if (this.#writing || !this.#available || this.#closed) return;
    this.#writing = true;
    setImmediate(() => void this.#drain());
  }

  async #writeNow(entries: readonly UnchainedEntry[]): Promise<void> {
    const { linked, lines, head } = link(this.#head, this.#o.chain, entries, () => this.#o.clock.now().toISOString(), this.#o.key);
    await this.#o.sink.write(linked, lines);
    this.#head = head;
  }

  async #drain(): Promise<void> {
    try {
      while (this.#available && (this.#queue.length > 0 || this.#checkpointDue !== undefined || this.#outage !== undefined)) {
        const batch = this.#queue.splice(0, this.#o.maxBatch);
        const entries: UnchainedEntry[] = [];
        const rotation = this.#o.sink.rotation?.(this.#o.clock.now(), false);
        // Drop counts and the outage notice are consumed only once the write that carries them succeeded.
        const dropped = this.#droppedSinceCheckpoint;
        const outage = this.#outage;
        if (rotation) {
          entries.push({ kind: 'checkpoint', reason: 'rotation', final: false, dropped });
          entries.push({ kind: 'file', file: rotation.file, previousFile: rotation.previousFile });
        }
        if (outage) {
          entries.push({ kind: 'notice', event: 'sink-outage', detail: `the sink failed from ${outage.since} to ${this.#o.clock.now().toISOString()}; ${outage.lost} records could not be written (required-mode exchanges were refused)` });
        }
        for (const p of batch) entries.push(p.entry);
        const records = this.#head.sinceCheckpoint + batch.length;
        if (records >= this.#o.checkpoint.everyRecords) this.#checkpointDue ??= 'count';
        const cpReason = this.#checkpointDue;
        if (cpReason !== undefined) entries.push({ kind: 'checkpoint', reason: cpReason, final: false, dropped: rotation ? 0 : dropped });
        const t0 = performance.now();
        try {
          await this.#writeNow(entries);
          if (rotation || cpReason !== undefined) this.#droppedSinceCheckpoint -= dropped;
          if (outage !== undefined && this.#outage === outage) this.#outage = undefined;
          this.#checkpointDue = undefined;
          this.#o.onWrite?.(entries.length, performance.now() - t0);
          for (const p of batch) p.done?.resolve();
        } catch (err) {
          this.#failed(err, batch);
        }
      }
    } finally {
      this.#writing = false;
      if (this.#queue.length === 0 || !this.#available) for (const f of this.#idle.splice(0)) f();
    }
  }

  #failed(err: unknown, batch: readonly Pending[]): void {
    this.#available = false;
    this.#outage ??= { since: this.#o.clock.now().toISOString(), lost: 0 };
    this.#o.logger.error({ chain: this.#o.chain, sink: this.#o.sink.kind, err: err instanceof Error ? err.message : String(err) }, 'audit: sink write failed; required-mode services refuse requests until it recovers');
    const keep: Pending[] = [];
    for (const p of batch) {
      if (p.done) {
        this.#drop(p.mode, 'sink-failed');
        p.done.reject(new AuditUnavailableError('audit sink write failed'));
      } else if (keep.length + this.#queue.length < this.#o.maxQueue) keep.push(p);
      else this.#drop(p.mode, 'sink-failed');
    }
    // Required records that were waiting behind the failed batch cannot be made durable either.
    const rest = this.#queue.splice(0);
    for (const p of rest) {
      if (p.done) {
        this.#drop(p.mode, 'sink-failed');
        p.done.reject(new AuditUnavailableError('audit sink unavailable'));
      } else keep.push(p);
    }
    this.#queue = keep;
    this.#scheduleRetry(1000);
  }

  #scheduleRetry(ms: number, attempt = 1): void {
    if (this.#closed) return;
    this.#retry = setTimeout(() => {
      const sink = this.#o.sink;
      sink
        .probe()
        // A write reported failed may have landed (a lost commit reply): continue from the store's head.
        .then(() => sink.head())
        .then(
          (head) => {
            if (this.#closed) return;
            if (head.seq !== this.#head.seq || head.hash !== this.#head.hash) {
              this.#o.logger.warn({ chain: this.#o.chain, trail: this.#head.seq, store: head.seq }, 'audit: the store holds entries whose write was reported failed; continuing from the store');
            }
            this.#head = head;
            this.#available = true;
            this.#o.logger.warn({ chain: this.#o.chain }, 'audit: sink recovered');
            this.#kick();
          },
          (err: unknown) => {
            if (attempt === 1) this.#o.logger.error({ chain: this.#o.chain, err: err instanceof Error ? err.message : String(err) }, 'audit: sink still failing; retrying');
            this.#scheduleRetry(Math.min(ms * 2, 10_000), attempt + 1);
          },
        );
    }, ms);
    this.#retry.unref();
  }
}
