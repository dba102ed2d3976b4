import type { AuditRecordBody, RecordEntry } from './entries.ts';
import type { StoredEntry } from './verify.ts';

export type Decision = AuditRecordBody['decision'];
export const DECISIONS: readonly Decision[] = ['accepted', 'backend_fault', 'rejected', 'failed', 'aborted'];

/** A time range on the records' `receivedAt`: `from` inclusive, `before` exclusive. */
export interface Period {
  readonly from?: Date;
  readonly before?: Date;
}

/**
 * What `wsgate audit query` selects. Exact matches except `principal`, which is a case-insensitive
 * substring of the principal's subject (subjects are long DNs or NameIDs; auditors search a part).
 */
export interface RecordFilter extends Period {
  readonly service?: string;
  readonly operation?: string;
  readonly principal?: string;
  readonly application?: string;
  readonly decision?: Decision;
  readonly faultCode?: string;
  readonly limit?: number;
}

export function inPeriod(receivedAt: string, p: Period): boolean {
  const t = Date.parse(receivedAt);
  if (Number.isNaN(t)) return false;
  if (p.from !== undefined && t < p.from.getTime()) return false;
  if (p.before !== undefined && t >= p.before.getTime()) return false;
  return true;
}

export function matchesRecord(r: RecordEntry, f: RecordFilter): boolean {
  if (!inPeriod(r.receivedAt, f)) return false;
  if (f.service !== undefined && r.service !== f.service) return false;
  if (f.operation !== undefined && r.operation !== f.operation) return false;
  if (f.principal !== undefined && !(r.principal?.subject ?? '').toLowerCase().includes(f.principal.toLowerCase())) return false;
  if (f.application !== undefined && r.principal?.application !== f.application) return false;
  if (f.decision !== undefined && r.decision !== f.decision) return false;
  if (f.faultCode !== undefined && r.fault?.code !== f.faultCode) return false;
  return true;
}

/** The readable record entries of a chain (checkpoints, file entries, notices and unreadable lines left out). */
export function recordsOf(stored: readonly StoredEntry[]): RecordEntry[] {
  const out: RecordEntry[] = [];
  for (const s of stored) if (!('unreadable' in s.entry) && s.entry.kind === 'record') out.push(s.entry);
  return out;
}

/** Records of every chain that match, ordered by `receivedAt` (then chain, seq), at most `limit`. */
export function selectRecords(chains: ReadonlyMap<string, readonly StoredEntry[]>, f: RecordFilter): RecordEntry[] {
  const all: RecordEntry[] = [];
  for (const stored of chains.values()) for (const r of recordsOf(stored)) if (matchesRecord(r, f)) all.push(r);
  return sortRecords(all).slice(0, f.limit ?? all.length);
}

export function sortRecords(records: readonly RecordEntry[]): RecordEntry[] {
  return [...records].sort((a, b) => Date.parse(a.receivedAt) - Date.parse(b.receivedAt) || a.chain.localeCompare(b.chain) || a.seq - b.seq);
}

/** One line of query output: the columns of the table, plus where the record is. */
export interface RecordRow {
  readonly time: string;
  readonly correlationId: string;
  readonly service: string;
  readonly operation: string;
  readonly principal: string;
  readonly application: string;
  readonly decision: string;
  readonly faultCode: string;
  readonly status: number;
  readonly ms: number;
  readonly chain: string;
  readonly seq: number;
}

export function rowOf(r: RecordEntry): RecordRow {
  return {
    time: r.receivedAt,
    correlationId: r.correlationId,
    service: r.service,
    operation: r.operation ?? '',
    principal: r.principal?.subject ?? '',
    application: r.principal?.application ?? '',
    decision: r.decision,
    faultCode: r.fault?.code ?? '',
    status: r.status,
    ms: r.totalMs,
    chain: r.chain,
    seq: r.seq,
  };
}
