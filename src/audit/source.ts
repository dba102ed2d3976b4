import type { StoredEntry } from './verify.ts';
import { fileChainIds, readFileChain } from './sinks/file-read.ts';

/** Where the compliance tools read chains from: a file sink directory or the PostgreSQL store. */
export interface AuditSource {
  /** For messages: the directory, or `postgres://host/db (schema)`, never credentials. */
  readonly description: string;
  chains(): Promise<string[]>;
  /** Every entry of one chain, in chain order as stored (file order / seq order). */
  read(chain: string): Promise<StoredEntry[]>;
  close(): Promise<void>;
}

export function fileSource(dir: string): AuditSource {
  return {
    description: dir,
    chains: () => Promise.resolve(fileChainIds(dir)),
    read: (chain) => Promise.resolve(readFileChain(dir, chain)),
    close: () => Promise.resolve(),
  };
}
