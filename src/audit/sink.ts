import type { ChainHead } from './chain.ts';
import type { AuditEntry } from './entries.ts';

/** Where a chain was found at start-up. */
export interface SinkOpenResult {
  readonly head: ChainHead;
  /** Set when an incomplete tail (a write cut short by a crash) was removed; says what was removed. */
  readonly repaired: string | undefined;
}

/** A durable home for one instance's chain (file: JSON Lines; postgres: a central store). */
export interface AuditSink {
  readonly kind: 'file' | 'postgres';
  /** Where records go, for start-up logs (never credentials). */
  readonly location: string;
  /** Finds the chain's last durable entry, repairing a torn tail. */
  open(chain: string): Promise<SinkOpenResult>;
  /**
   * Writes entries in order and returns only once they are durable (fsync / commit). `lines[i]` is
   * entries[i] as stored (one line of JSON, no newline: link() in chain.ts serialises each entry once).
   */
  write(entries: readonly AuditEntry[], lines: readonly string[]): Promise<void>;
  /** For file sinks: the next file when the current one is due for rotation (size or day); undefined when not due. */
  rotation?(now: Date, force: boolean): { readonly file: string; readonly previousFile: string | null } | undefined;
  /** Cheap check that writing works again after a failure. */
  probe(): Promise<void>;
  /** The chain's last durable entry as the store sees it, read again after a failure (a write reported failed may have landed). */
  head(): Promise<ChainHead>;
  close(): Promise<void>;
}
