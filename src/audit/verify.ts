import type { KeyObject } from 'node:crypto';
import { checkpointSignatureValid, entryHash } from './chain.ts';
import { GENESIS, type AuditEntry, type CheckpointEntry } from './entries.ts';

/** One stored line / row, as a reader found it. */
export interface StoredEntry {
  /** Where it is: `file:line` or `postgres chain=… seq=…`. */
  readonly where: string;
  /** The parsed entry, or the reason it could not be parsed. */
  readonly entry: AuditEntry | { readonly unreadable: string };
  /** The file it was read from (file sink), to check file entries against. */
  readonly file?: string;
}

export interface VerifyProblem {
  readonly where: string;
  readonly seq: number | undefined;
  readonly problem: 'unreadable' | 'modified' | 'chain-broken' | 'missing-or-reordered' | 'bad-signature' | 'unknown-key' | 'wrong-chain' | 'wrong-count' | 'unsealed-tail' | 'not-closed' | 'bad-file-link' | 'empty';
  readonly message: string;
}

export interface ChainReport {
  readonly chain: string;
  readonly ok: boolean;
  readonly entries: number;
  readonly records: number;
  readonly checkpoints: number;
  readonly firstSeq: number | undefined;
  readonly lastSeq: number | undefined;
  /** seq of the last checkpoint whose signature verified. */
  readonly sealedThrough: number | undefined;
  readonly dropped: number;
  readonly problems: readonly VerifyProblem[];
}

export interface VerifyOptions {
  /** Trusted checkpoint keys (a key found in the data is never trusted by itself). */
  readonly publicKeys: readonly { readonly key: KeyObject; readonly keyId: string }[];
  /** The chain may still be written (a running gateway): an unsealed tail is reported but not a failure. */
  readonly open?: boolean;
  /** Verify a segment (an export bundle): the entry before the first one. */
  readonly start?: { readonly seq: number; readonly hash: string };
}

/**
 * Checks one chain, entry by entry: each line parses, its hash is the hash of its content, it links
 * to the previous entry (seq + 1, prev = previous hash), every checkpoint is signed by a trusted key
 * and counts the records before it, file entries name the file they open and the one before, and
 * the chain ends with a signed final checkpoint (unless `open`). After a problem, checking goes on
 * from the entry's own values, so every damaged place is reported, each with its position.
 */
export function verifyChain(chain: string, stored: readonly StoredEntry[], opts: VerifyOptions): ChainReport {
  const problems: VerifyProblem[] = [];
  const keys = new Map(opts.publicKeys.map((k) => [k.keyId, k.key]));
  const add = (where: string, seq: number | undefined, problem: VerifyProblem['problem'], message: string): void => {
    problems.push({ where, seq, problem, message });
  };
  let expectSeq = (opts.start?.seq ?? 0) + 1;
  let expectPrev = opts.start?.hash ?? GENESIS;
  let records = 0;
  let recordsKnown = opts.start === undefined;
  let checkpoints = 0;
  let sealedThrough: number | undefined;
  let dropped = 0;
  let last: AuditEntry | undefined;
  let lastFile: string | undefined;
  let firstSeq: number | undefined;
  if (stored.length === 0) add(chain, undefined, 'empty', 'no entries');
  for (const s of stored) {
    if ('unreadable' in s.entry) {
      add(s.where, undefined, 'unreadable', s.entry.unreadable);
      continue;
    }
    const e = s.entry;
    firstSeq ??= e.seq;
    if (e.chain !== chain) add(s.where, e.seq, 'wrong-chain', `entry belongs to chain ${String(e.chain)}`);
    if (e.seq !== expectSeq) {
      add(s.where, e.seq, 'missing-or-reordered', e.seq > expectSeq ? `expected seq ${expectSeq}, found ${e.seq}: ${e.seq - expectSeq} entr${e.seq - expectSeq === 1 ? 'y is' : 'ies are'} missing before it` : `expected seq ${expectSeq}, found ${e.seq}: entry out of order or inserted`);
    }
    if (e.prev !== expectPrev) add(s.where, e.seq, 'chain-broken', `prev does not match the hash of the entry before it (an entry before it was changed, removed or inserted)`);
    const h = entryHash(e);
    if (h !== e.hash) add(s.where, e.seq, 'modified', `content does not match its hash: the entry was modified`);
    if (e.kind === 'record') records += 1;
    if (e.kind === 'file') {
      if (s.file !== undefined && e.file !== s.file) add(s.where, e.seq, 'bad-file-link', `file entry names ${e.file} but is in ${s.file}`);
      if (lastFile !== undefined && e.previousFile !== lastFile) add(s.where, e.seq, 'bad-file-link', `file entry names ${String(e.previousFile)} as the previous file, the chain came from ${lastFile}`);
      if (!recordsKnown) {
        records = e.records;
        recordsKnown = true;
      } else if (e.records !== records) {
        add(s.where, e.seq, 'wrong-count', `file entry counts ${e.records} records before it, ${records} are present`);
        records = e.records;
      }
    }
    if (s.file !== undefined) lastFile = s.file;
    if (e.kind === 'checkpoint') {
      checkpoints += 1;
      dropped += e.dropped;
      const key = keys.get(e.keyId);
      if (key === undefined) add(s.where, e.seq, 'unknown-key', `checkpoint signed by key ${e.keyId}, which is not a trusted audit key`);
      else if (!checkpointSignatureValid(e, key)) add(s.where, e.seq, 'bad-signature', 'checkpoint signature does not verify');
      else if (h === e.hash) sealedThrough = e.seq;
      if (!recordsKnown) {
        records = e.records;
        recordsKnown = true;
      } else if (e.records !== records) {
        add(s.where, e.seq, 'wrong-count', `checkpoint counts ${e.records} records, ${records} are present before it`);
        records = e.records; // report each discrepancy once, then count on from the signed figure
      }
    }
    expectSeq = e.seq + 1;
    expectPrev = e.hash;
    last = e;
  }
  if (last !== undefined) {
    const where = stored.at(-1)?.where ?? chain;
    const sealedEnd = last.kind === 'checkpoint' && ((last as CheckpointEntry).final || (opts.open === true && sealedThrough === last.seq));
    if (!sealedEnd) {
      const tail = sealedThrough === undefined ? 'no entry' : `nothing after seq ${sealedThrough}`;
      if (opts.open) add(where, last.seq, 'unsealed-tail', `entries after the last checkpoint are not sealed yet (${tail} is sealed)`);
      else add(where, last.seq, 'not-closed', `the chain does not end with a final checkpoint: entries may have been removed from its end, or the gateway is still running (use --open) (${tail} is sealed)`);
    }
  }
  const failing = problems.filter((p) => p.problem !== 'unsealed-tail');
  return { chain, ok: failing.length === 0, entries: stored.length, records, checkpoints, firstSeq, lastSeq: last?.seq, sealedThrough, dropped, problems };
}
