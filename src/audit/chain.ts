import { hash as sha, sign, verify, type KeyObject } from 'node:crypto';
import { canonicalJson, vouchedCanonicalOrder, type Json } from './canonical.ts';
import { GENESIS, type AuditEntry, type CheckpointEntry, type UnchainedEntry } from './entries.ts';
import type { AuditSigningKey } from './keys.ts';

/** SHA-256 (hex) over the canonical form of an entry without its `hash` and `sig`. */
export function entryHash(entry: AuditEntry | (UnchainedEntry & { chain: string; seq: number; prev: string; time: string })): string {
  const { hash: _h, sig: _s, ...rest } = entry as unknown as Record<string, Json> & { hash?: string; sig?: string };
  return sha('sha256', canonicalJson(rest), 'hex');
}

export function signCheckpointHash(hash: string, key: AuditSigningKey): string {
  return sign(null, Buffer.from(hash, 'ascii'), key.privateKey).toString('base64');
}

export function checkpointSignatureValid(cp: CheckpointEntry, publicKey: KeyObject): boolean {
  try {
    return verify(null, Buffer.from(cp.hash, 'ascii'), publicKey, Buffer.from(cp.sig, 'base64'));
  } catch {
    return false;
  }
}

/** Where a chain stands: the last durable entry. */
export interface ChainHead {
  readonly seq: number;
  readonly hash: string;
  readonly records: number;
  /** The last entry is a final (shutdown) checkpoint. */
  readonly closed: boolean;
  /** Records written since the last checkpoint. */
  readonly sinceCheckpoint: number;
}

export const EMPTY_HEAD: ChainHead = { seq: 0, hash: GENESIS, records: 0, closed: false, sinceCheckpoint: 0 };

/** Linked entries and the line each is stored as (its canonical form with `hash`, and `sig`, appended). */
export interface LinkResult {
  readonly linked: AuditEntry[];
  readonly lines: string[];
  readonly head: ChainHead;
}

/**
 * Links entries onto a head, in order, without touching the head: the caller commits the new head
 * only once the sink has durably written them (a failed write leaves the chain where it was).
 * Each entry is serialised once: its canonical text is hashed and, with the hash (and a
 * checkpoint's signature) appended, is the line the sinks store.
 */
export function link(head: ChainHead, chain: string, entries: readonly UnchainedEntry[], time: () => string, key: AuditSigningKey): LinkResult {
  let { seq, hash, records, sinceCheckpoint } = head;
  let closed = head.closed;
  const linked: AuditEntry[] = [];
  const lines: string[] = [];
  for (const e of entries) {
    const isRecord = e.kind === 'record';
    if (isRecord) records += 1;
    // A shallow copy by spread: V8 clones the entry's hidden class (Object.assign, or copying key by
    // key, leaves an object of 30+ members in dictionary mode, and every later step on it several
    // times slower). Records carry slots for the chain members (src/audit/record.ts), so the named
    // stores below keep their sorted places; other entries get them appended, and canonicalJson
    // sorts those.
    const full: Record<string, unknown> = { ...e };
    // The hash covers the entry without itself and without a signature.
    full['hash'] = undefined;
    if (full['sig'] !== undefined) full['sig'] = undefined;
    full['chain'] = chain;
    full['prev'] = hash;
    full['seq'] = seq + 1;
    full['time'] = time();
    if (e.kind === 'checkpoint') {
      full['records'] = records;
      full['keyId'] = key.keyId;
      full['alg'] = 'Ed25519';
    } else if (e.kind === 'file') {
      full['records'] = records;
    }
    const text = vouchedCanonicalOrder(e) ? JSON.stringify(full) : canonicalJson(full as Json);
    const h = sha('sha256', text, 'hex');
    full['hash'] = h;
    let line = `${text.slice(0, -1)},"hash":"${h}"`;
    if (e.kind === 'checkpoint') {
      const sig = signCheckpointHash(h, key);
      full['sig'] = sig;
      line += `,"sig":"${sig}"`;
    }
    linked.push(full as unknown as AuditEntry);
    lines.push(`${line}}`);
    seq += 1;
    hash = h;
    if (isRecord) sinceCheckpoint += 1;
    if (e.kind === 'checkpoint') {
      sinceCheckpoint = 0;
      closed = (e as { final: boolean }).final;
    } else closed = false;
  }
  return { linked, lines, head: { seq, hash, records, closed, sinceCheckpoint } };
}
