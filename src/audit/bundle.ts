/**
 * Evidence bundles: a period of every chain, exported as stored, that `wsgate audit verify --bundle`
 * checks on another machine with nothing but the bundle (and, to pin it, the published public key).
 *
 * Per chain the bundle holds the contiguous segment from the last checkpoint at or before the
 * period (or the chain's start) through the first checkpoint after it, so the segment starts from a
 * signed hash and ends at a signed checkpoint. The manifest's hashes and digest catch edits of any
 * file; the proof that the records are complete and unaltered is the chain itself, sealed by
 * checkpoints signed with a key the verifier trusts.
 */
import { createHash, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson, type Json } from './canonical.ts';
import { GENESIS, type AuditEntry, type RecordEntry } from './entries.ts';
import { publicKeyFromPem } from './keys.ts';
import { inPeriod, recordsOf, type Period } from './query.ts';
import { statsOf } from './report/stats.ts';
import { renderSummary, type SummaryChain } from './report/summary-text.ts';
import { verifyChain, type ChainReport, type StoredEntry } from './verify.ts';

export const BUNDLE_FORMAT = 'wsgate-audit-bundle';
export const MANIFEST = 'manifest.json';
export const SUMMARY = 'summary.txt';

/** A public key the verifier trusts, with where it came from (for messages). */
export interface TrustedKey {
  readonly key: KeyObject;
  readonly keyId: string;
  readonly pem: string;
  readonly origin: string;
}

export interface BundleChain extends SummaryChain {
  /** The bundle's files holding the segment, in chain order. */
  readonly files: readonly string[];
  /** Hash of the entry before the segment (`firstSeq - 1`); all zeros when it starts the chain. */
  readonly prev: string;
}

export interface BundleManifest {
  readonly format: typeof BUNDLE_FORMAT;
  readonly version: 1;
  readonly createdAt: string;
  readonly period: { readonly from: string | null; readonly before: string | null };
  readonly source: string;
  readonly keys: readonly { readonly file: string; readonly keyId: string }[];
  readonly chains: readonly BundleChain[];
  /** SHA-256 (hex) of every file of the bundle except manifest.json. */
  readonly files: Readonly<Record<string, string>>;
  /** SHA-256 (hex) of the canonical JSON of this manifest without `digest`. */
  readonly digest: string;
}

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
const entryOf = (s: StoredEntry | undefined): AuditEntry | undefined => (s === undefined || 'unreadable' in s.entry ? undefined : s.entry);
const SAFE_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,200}$/;

export function manifestDigest(m: Omit<BundleManifest, 'digest'> & { digest?: string }): string {
  const { digest: _d, ...rest } = m;
  return sha256(canonicalJson(rest as unknown as Json));
}

/** Which stored entries of a chain a bundle of the period holds (indexes, both inclusive). */
export interface SegmentPlan {
  readonly start: number;
  readonly end: number;
  /** Set when an unsealed tail of a chain still being written was left out. */
  readonly leftOut: string | null;
}

export function planSegment(stored: readonly StoredEntry[], p: Period): SegmentPlan | undefined {
  const entries = stored.map(entryOf);
  const times = entries.flatMap((e) => (e === undefined ? [] : [Date.parse(e.time)]));
  if (times.length === 0) return undefined;
  const first = times.reduce((a, b) => Math.min(a, b));
  const last = times.reduce((a, b) => Math.max(a, b));
  if ((p.before !== undefined && first >= p.before.getTime()) || (p.from !== undefined && last < p.from.getTime())) return undefined;
  let firstIn = -1;
  let lastIn = -1;
  entries.forEach((e, i) => {
    if (e?.kind === 'record' && inPeriod(e.receivedAt, p)) {
      if (firstIn < 0) firstIn = i;
      lastIn = i;
    }
  });
  let start = 0;
  if (p.from !== undefined) {
    const limit = firstIn < 0 ? entries.length : firstIn;
    for (let i = 0; i < limit; i++) {
      const e = entries[i];
      if (e?.kind === 'checkpoint' && Date.parse(e.time) <= p.from.getTime()) start = i;
    }
  }
  let end = entries.length - 1;
  if (p.before !== undefined) {
    for (let i = Math.max(start, lastIn) + 1; i < entries.length; i++) {
      const e = entries[i];
      if (e?.kind === 'checkpoint' && Date.parse(e.time) >= p.before.getTime()) {
        end = i;
        break;
      }
    }
  }
  if (entries[end]?.kind === 'checkpoint') return { start, end, leftOut: null };
  let sealed = end;
  while (sealed > start && entries[sealed]?.kind !== 'checkpoint') sealed -= 1;
  if (entries[sealed]?.kind !== 'checkpoint') return { start, end, leftOut: 'no checkpoint seals this segment yet: it cannot be verified as complete' };
  const cut = entries.slice(sealed + 1, end + 1);
  const inPeriodCut = cut.filter((e) => e?.kind === 'record' && inPeriod(e.receivedAt, p)).length;
  const at = entries[sealed]?.seq ?? 0;
  return { start, end: sealed, leftOut: `${cut.length} entries after seq ${at} (${inPeriodCut} records in the period) are not sealed by a checkpoint yet and were left out: export again after the next checkpoint` };
}

export interface ExportChain {
  readonly chain: string;
  readonly stored: readonly StoredEntry[];
  /** The whole chain verified at export time. */
  readonly report: ChainReport;
  /** An entry as stored (the file sink's line); default: its JSON. */
  readonly lineOf?: (s: StoredEntry) => string;
}

export interface ExportInput {
  readonly out: string;
  readonly period: Period;
  readonly createdAt: Date;
  readonly source: string;
  readonly keys: readonly TrustedKey[];
  readonly chains: readonly ExportChain[];
}

function prepareOut(out: string): void {
  if (existsSync(out)) {
    if (readdirSync(out).length > 0) throw new Error(`${out} exists and is not empty: give a new directory for the bundle`);
  } else mkdirSync(out, { recursive: true, mode: 0o700 });
  chmodSync(out, 0o700);
}

function writePrivate(path: string, data: string): void {
  writeFileSync(path, data, { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
}

const periodOf = (p: Period): BundleManifest['period'] => ({ from: p.from?.toISOString() ?? null, before: p.before?.toISOString() ?? null });

/** Writes the bundle (files 0600 in a 0700 directory) and returns its manifest. */
export function exportBundle(input: ExportInput): BundleManifest {
  prepareOut(input.out);
  const files: Record<string, string> = {};
  const chains: BundleChain[] = [];
  const inPeriodRecords: RecordEntry[] = [];
  const usedKeys = new Set<string>();
  for (const c of input.chains) {
    const plan = planSegment(c.stored, input.period);
    if (plan === undefined) continue;
    const segment = c.stored.slice(plan.start, plan.end + 1);
    const lineOf = c.lineOf ?? ((s: StoredEntry) => JSON.stringify(s.entry));
    const byFile = new Map<string, string[]>();
    for (const s of segment) {
      const name = s.file ?? `segment-${c.chain.replace(/[^A-Za-z0-9._-]/g, '_')}.jsonl`;
      if (!SAFE_NAME.test(name) || name === MANIFEST || name === SUMMARY || (files[name] !== undefined && !byFile.has(name))) throw new Error(`cannot name the bundle file for chain ${c.chain}: ${name}`);
      byFile.set(name, [...(byFile.get(name) ?? []), `${lineOf(s)}\n`]);
    }
    for (const [name, lines] of byFile) {
      const text = lines.join('');
      writePrivate(join(input.out, name), text);
      files[name] = sha256(text);
    }
    const readable = segment.map(entryOf).filter((e): e is AuditEntry => e !== undefined);
    for (const e of readable) if (e.kind === 'checkpoint') usedKeys.add(e.keyId);
    const records = recordsOf(segment);
    const inP = records.filter((r) => inPeriod(r.receivedAt, input.period));
    inPeriodRecords.push(...inP);
    const startEntry = entryOf(c.stored[plan.start]);
    const fromStart = plan.start === 0 || startEntry === undefined;
    chains.push({
      chain: c.chain,
      files: [...byFile.keys()],
      firstSeq: fromStart ? 1 : startEntry.seq,
      prev: fromStart ? GENESIS : startEntry.prev,
      lastSeq: readable.at(-1)?.seq ?? 0,
      entries: segment.length,
      records: records.length,
      checkpoints: readable.filter((e) => e.kind === 'checkpoint').length,
      recordsInPeriod: inP.length,
      firstTime: readable[0]?.time ?? null,
      lastTime: readable.at(-1)?.time ?? null,
      leftOut: plan.leftOut,
      atExport: { ok: c.report.ok, sealedThrough: c.report.sealedThrough ?? null, lastSeq: c.report.lastSeq ?? null, problems: c.report.problems.map((p) => ({ where: p.where, problem: p.problem, message: p.message })) },
    });
  }
  const bundled = input.keys.filter((k) => usedKeys.has(k.keyId));
  const keys = (bundled.length > 0 ? bundled : input.keys).map((k, i, all) => ({ k, file: all.length === 1 ? 'public-key.pem' : `public-key-${i + 1}.pem` }));
  for (const { k, file } of keys) {
    writePrivate(join(input.out, file), k.pem);
    files[file] = sha256(k.pem);
  }
  const base: Omit<BundleManifest, 'digest' | 'files'> = { format: BUNDLE_FORMAT, version: 1, createdAt: input.createdAt.toISOString(), period: periodOf(input.period), source: input.source, keys: keys.map(({ k, file }) => ({ file, keyId: k.keyId })), chains };
  const summary = renderSummary({ ...base, keyIds: base.keys.map((k) => k.keyId), stats: statsOf(inPeriodRecords) });
  writePrivate(join(input.out, SUMMARY), summary);
  files[SUMMARY] = sha256(summary);
  const unsigned = { ...base, files };
  const manifest: BundleManifest = { ...unsigned, digest: manifestDigest(unsigned) };
  writePrivate(join(input.out, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

export interface BundleProblem {
  /** The bundle file (and line) the problem is in. */
  readonly where: string;
  readonly seq?: number;
  readonly problem: string;
  readonly message: string;
}

export interface BundleChainReport {
  readonly chain: string;
  readonly ok: boolean;
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly entries: number;
  readonly records: number;
  readonly recordsInPeriod: number;
  readonly sealedThrough: number | undefined;
  readonly problems: readonly BundleProblem[];
}

export interface BundleReport {
  readonly ok: boolean;
  readonly dir: string;
  readonly manifest: BundleManifest | undefined;
  /** The keys the bundle carries. */
  readonly keys: readonly { readonly keyId: string; readonly file: string }[];
  /** Key ids given to the verifier (`--key`); undefined: the bundle's own keys were used. */
  readonly pinned: readonly string[] | undefined;
  /** Bundle key ids that are not among the pinned ones. */
  readonly keyMismatch: readonly string[];
  readonly problems: readonly BundleProblem[];
  readonly chains: readonly BundleChainReport[];
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isInt = (v: unknown): v is number => Number.isSafeInteger(v);

function chainShapeProblem(c: unknown, i: number): string | undefined {
  if (!isObj(c)) return `chains[${i}] is not an object`;
  for (const k of ['chain', 'prev'] as const) if (!isStr(c[k])) return `chains[${i}].${k} is not a string`;
  for (const k of ['firstSeq', 'lastSeq', 'entries', 'records', 'checkpoints', 'recordsInPeriod'] as const) if (!isInt(c[k])) return `chains[${i}].${k} is not a whole number`;
  if (!Array.isArray(c['files']) || !c['files'].every(isStr)) return `chains[${i}].files is not a list of file names`;
  const a = c['atExport'];
  if (!isObj(a) || !Array.isArray(a['problems']) || !a['problems'].every((p) => isObj(p) && isStr(p['where']) && isStr(p['problem']) && isStr(p['message']))) return `chains[${i}].atExport is malformed`;
  return undefined;
}

/** The manifest, or what is wrong with its shape. */
export function parseManifest(text: string): BundleManifest | string {
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch {
    return 'manifest.json is not valid JSON';
  }
  if (!isObj(m)) return 'manifest.json is not a JSON object';
  if (m['format'] !== BUNDLE_FORMAT || m['version'] !== 1) return `not a ${BUNDLE_FORMAT} version 1 manifest (format ${JSON.stringify(m['format'])}, version ${JSON.stringify(m['version'])})`;
  if (!isStr(m['createdAt']) || !isStr(m['source']) || !isStr(m['digest'])) return 'createdAt, source or digest is missing';
  const p = m['period'];
  if (!isObj(p) || !(p['from'] === null || isStr(p['from'])) || !(p['before'] === null || isStr(p['before']))) return 'period is malformed';
  if (!Array.isArray(m['keys']) || !m['keys'].every((k) => isObj(k) && isStr(k['file']) && isStr(k['keyId']))) return 'keys is malformed';
  const files = m['files'];
  if (!isObj(files) || !Object.values(files).every(isStr)) return 'files is malformed';
  if (!Array.isArray(m['chains'])) return 'chains is missing';
  for (const [i, c] of m['chains'].entries()) {
    const problem = chainShapeProblem(c, i);
    if (problem !== undefined) return problem;
  }
  return m as unknown as BundleManifest;
}

function periodOfManifest(m: BundleManifest): Period {
  return { ...(m.period.from !== null ? { from: new Date(m.period.from) } : {}), ...(m.period.before !== null ? { before: new Date(m.period.before) } : {}) };
}

/** Every listed file is there with its hash, nothing else is, and names stay inside the bundle. */
function fileProblems(dir: string, m: BundleManifest): BundleProblem[] {
  const out: BundleProblem[] = [];
  const listed = new Set(Object.keys(m.files));
  for (const [name, hash] of Object.entries(m.files)) {
    if (!SAFE_NAME.test(name) || name === MANIFEST) {
      out.push({ where: MANIFEST, problem: 'manifest', message: `lists a file name that is not allowed: ${JSON.stringify(name)}` });
      continue;
    }
    const path = join(dir, name);
    if (!existsSync(path)) out.push({ where: name, problem: 'file-missing', message: 'listed in the manifest but missing from the bundle' });
    else if (sha256(readFileSync(path)) !== hash) out.push({ where: name, problem: 'file-modified', message: 'its SHA-256 does not match the manifest: the file was changed' });
  }
  for (const name of readdirSync(dir)) if (name !== MANIFEST && !listed.has(name)) out.push({ where: name, problem: 'file-unlisted', message: 'not listed in the manifest: the file was added to the bundle' });
  for (const c of m.chains) for (const f of c.files) if (!listed.has(f)) out.push({ where: MANIFEST, problem: 'manifest', message: `chain ${c.chain} names ${f}, which has no hash in the manifest` });
  for (const k of m.keys) if (!listed.has(k.file)) out.push({ where: MANIFEST, problem: 'manifest', message: `key ${k.keyId} is in ${k.file}, which has no hash in the manifest` });
  return out;
}

function readSegment(dir: string, files: readonly string[]): StoredEntry[] {
  const out: StoredEntry[] = [];
  for (const file of files) {
    const path = join(dir, file);
    if (!SAFE_NAME.test(file) || !existsSync(path)) continue;
    const lines = readFileSync(path, 'utf8').split('\n');
    if (lines.at(-1) === '') lines.pop();
    lines.forEach((line, i) => {
      const where = `${file}:${i + 1}`;
      try {
        const entry = JSON.parse(line) as unknown;
        out.push(isObj(entry) ? { where, file, entry: entry as unknown as AuditEntry } : { where, file, entry: { unreadable: 'not a JSON object' } });
      } catch {
        out.push({ where, file, entry: { unreadable: 'not valid JSON (truncated or edited line)' } });
      }
    });
  }
  return out;
}

/**
 * The segment covers the period: it starts at the chain's start or at a checkpoint made at or
 * before the period, and ends at a checkpoint made after it, at a final checkpoint, or where the
 * manifest says an unsealed tail was left out. Otherwise records of the period may be missing.
 */
function coverageProblems(c: BundleChain, m: BundleManifest, first: AuditEntry | undefined, last: AuditEntry | undefined, firstWhere: string, lastWhere: string): BundleProblem[] {
  const out: BundleProblem[] = [];
  const at = (e: AuditEntry): number => Date.parse(e.time);
  if (c.firstSeq === 1 ? c.prev !== GENESIS : first?.kind !== 'checkpoint' || (m.period.from !== null && !(at(first) <= Date.parse(m.period.from)))) {
    out.push({ where: firstWhere, ...(first ? { seq: first.seq } : {}), problem: 'coverage', message: `the segment starts at seq ${c.firstSeq}, neither the chain's start nor a checkpoint made at or before the period: records of the period may be missing` });
  }
  const final = last?.kind === 'checkpoint' && last.final;
  const after = last !== undefined && m.period.before !== null && at(last) >= Date.parse(m.period.before);
  if (last !== undefined && !final && !after && c.leftOut === null) {
    out.push({ where: lastWhere, seq: last.seq, problem: 'coverage', message: `the segment ends at seq ${last.seq} (${String(last.time)}), before the end of the period, and the manifest declares nothing left out: records of the period may be missing` });
  }
  return out;
}

function verifySegment(dir: string, c: BundleChain, m: BundleManifest, keys: readonly TrustedKey[]): { readonly report: BundleChainReport; readonly records: RecordEntry[] } {
  const stored = readSegment(dir, c.files);
  const r = verifyChain(c.chain, stored, { publicKeys: keys, open: true, start: { seq: c.firstSeq - 1, hash: c.prev } });
  const problems: BundleProblem[] = r.problems.filter((p) => p.problem !== 'unsealed-tail').map((p) => ({ where: p.where, ...(p.seq !== undefined ? { seq: p.seq } : {}), problem: p.problem, message: p.message }));
  const readable = stored.map(entryOf).filter((e): e is AuditEntry => e !== undefined);
  const first = readable[0];
  const last = readable.at(-1);
  const lastWhere = stored.at(-1)?.where ?? c.chain;
  if (first !== undefined && first.seq !== c.firstSeq) problems.push({ where: stored[0]?.where ?? c.chain, seq: first.seq, problem: 'segment', message: `the manifest says the segment starts at seq ${c.firstSeq}, its first entry is seq ${first.seq}` });
  if (last !== undefined && last.seq !== c.lastSeq) problems.push({ where: lastWhere, seq: last.seq, problem: 'segment', message: `the manifest says the segment ends at seq ${c.lastSeq}, its last entry is seq ${last.seq}` });
  if (last === undefined || last.kind !== 'checkpoint' || r.sealedThrough !== last.seq) problems.push({ where: lastWhere, ...(last ? { seq: last.seq } : {}), problem: 'not-sealed', message: 'the segment does not end at a checkpoint signed by a trusted key: its last entries are not sealed' });
  problems.push(...coverageProblems(c, m, first, last, stored[0]?.where ?? c.chain, lastWhere));
  const records = recordsOf(stored);
  const inP = records.filter((x) => inPeriod(x.receivedAt, periodOfManifest(m)));
  if (records.length !== c.records || inP.length !== c.recordsInPeriod || stored.length !== c.entries) {
    problems.push({ where: c.files[0] ?? c.chain, problem: 'segment', message: `the manifest counts ${c.entries} entries, ${c.records} records, ${c.recordsInPeriod} in the period; the segment has ${stored.length}, ${records.length}, ${inP.length}` });
  }
  const report = { chain: c.chain, ok: problems.length === 0, firstSeq: c.firstSeq, lastSeq: c.lastSeq, entries: stored.length, records: records.length, recordsInPeriod: inP.length, sealedThrough: r.sealedThrough, problems };
  return { report, records: inP };
}

function bundleKeys(dir: string, m: BundleManifest, problems: BundleProblem[]): TrustedKey[] {
  const keys: TrustedKey[] = [];
  for (const k of m.keys) {
    const path = join(dir, k.file);
    if (!SAFE_NAME.test(k.file) || !existsSync(path)) continue;
    try {
      const pem = readFileSync(path, 'utf8');
      const { key, keyId } = publicKeyFromPem(pem);
      if (keyId !== k.keyId) problems.push({ where: k.file, problem: 'key', message: `holds key ${keyId}, the manifest says ${k.keyId}` });
      keys.push({ key, keyId, pem, origin: k.file });
    } catch (err) {
      problems.push({ where: k.file, problem: 'key', message: `not a usable Ed25519 public key (${err instanceof Error ? err.message : String(err)})` });
    }
  }
  return keys;
}

/**
 * Checks a bundle: the manifest's digest and every file's hash, each segment with verifyChain from
 * the manifest's start (seq, prev) to a signed checkpoint, that it covers the period, the counts,
 * and that summary.txt is what the records say. `pinned` keys (the published public key) are the only ones trusted when given;
 * otherwise the bundle's key is used and its id must be compared out of band.
 */
export function verifyBundle(dir: string, pinned?: readonly TrustedKey[]): BundleReport {
  const problems: BundleProblem[] = [];
  const fail = (message: string): BundleReport => ({ ok: false, dir, manifest: undefined, keys: [], pinned: pinned?.map((k) => k.keyId), keyMismatch: [], problems: [{ where: MANIFEST, problem: 'manifest', message }], chains: [] });
  if (!existsSync(join(dir, MANIFEST))) return fail('manifest.json is missing: this is not an evidence bundle, or it is incomplete');
  const parsed = parseManifest(readFileSync(join(dir, MANIFEST), 'utf8'));
  if (typeof parsed === 'string') return fail(parsed);
  const m = parsed;
  if (manifestDigest(m) !== m.digest) problems.push({ where: MANIFEST, problem: 'file-modified', message: 'the manifest does not match its own digest: it was edited' });
  problems.push(...fileProblems(dir, m));
  const own = bundleKeys(dir, m, problems);
  const pinnedIds = pinned?.map((k) => k.keyId);
  const keyMismatch = pinnedIds === undefined ? [] : m.keys.map((k) => k.keyId).filter((id) => !pinnedIds.includes(id));
  const trusted = pinned ?? own;
  const chains: BundleChainReport[] = [];
  const records: RecordEntry[] = [];
  for (const c of m.chains) {
    const v = verifySegment(dir, c, m, trusted);
    chains.push(v.report);
    records.push(...v.records);
  }
  if (!existsSync(join(dir, SUMMARY))) {
    if (!problems.some((p) => p.where === SUMMARY)) problems.push({ where: SUMMARY, problem: 'file-missing', message: 'summary.txt is missing' });
  } else if (problems.length === 0 && chains.every((c) => c.ok)) {
    const expected = renderSummary({ ...m, keyIds: m.keys.map((k) => k.keyId), stats: statsOf(records) });
    if (readFileSync(join(dir, SUMMARY), 'utf8') !== expected) problems.push({ where: SUMMARY, problem: 'summary', message: 'summary.txt does not match the records in the bundle' });
  }
  const ok = problems.length === 0 && keyMismatch.length === 0 && chains.every((c) => c.ok);
  return { ok, dir, manifest: m, keys: m.keys, pinned: pinnedIds, keyMismatch, problems, chains };
}
