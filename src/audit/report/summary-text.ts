import type { Count, FaultCount, TrailStats } from './stats.ts';

/** What summary.txt says about one chain of an evidence bundle. */
export interface SummaryChain {
  readonly chain: string;
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly entries: number;
  readonly records: number;
  readonly checkpoints: number;
  readonly recordsInPeriod: number;
  readonly firstTime: string | null;
  readonly lastTime: string | null;
  readonly leftOut: string | null;
  readonly atExport: { readonly ok: boolean; readonly sealedThrough: number | null; readonly lastSeq: number | null; readonly problems: readonly { readonly where: string; readonly problem: string; readonly message: string }[] };
}

export interface SummaryInput {
  readonly createdAt: string;
  readonly period: { readonly from: string | null; readonly before: string | null };
  readonly source: string;
  readonly keyIds: readonly string[];
  readonly chains: readonly SummaryChain[];
  readonly stats: TrailStats;
}

const MAX_ROWS = 50;
const MAX_PROBLEMS = 20;

/** One value per line, printable: control characters of a record never reach an auditor's terminal. */
export function printable(s: string): string {
  let out = '';
  for (const c of s) {
    const code = c.charCodeAt(0);
    out += code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029 ? `\\u${code.toString(16).padStart(4, '0')}` : c;
  }
  return out;
}

function table(title: string, rows: readonly Count[], extra?: (c: Count) => string): string[] {
  const out = [title];
  if (rows.length === 0) out.push('  (none)');
  const width = Math.max(0, ...rows.slice(0, MAX_ROWS).map((r) => String(r.count).length));
  for (const r of rows.slice(0, MAX_ROWS)) out.push(`  ${String(r.count).padStart(width)}  ${printable(r.name)}${extra ? extra(r) : ''}`);
  if (rows.length > MAX_ROWS) out.push(`  ... ${rows.length - MAX_ROWS} more`);
  return out;
}

function periodText(p: SummaryInput['period']): string {
  return `${p.from ?? 'the start of the trail'} (inclusive) to ${p.before ?? 'the end of the trail'} (exclusive), on each record's receivedAt, UTC`;
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

function chainLines(c: SummaryChain): string[] {
  const a = c.atExport;
  const status = a.ok
    ? `OK (the whole chain, seq 1 to ${a.lastSeq ?? 0}, sealed through seq ${a.sealedThrough ?? 'none'})`
    : `FAILED: ${a.problems.filter((p) => p.problem !== 'unsealed-tail').length} problem(s) in the whole chain`;
  const out = [
    `  ${printable(c.chain)}`,
    `    segment: seq ${c.firstSeq} to ${c.lastSeq} (${plural(c.entries, 'entry', 'entries')}, ${plural(c.records, 'record')}, ${plural(c.checkpoints, 'checkpoint')}), ${printable(c.firstTime ?? '?')} to ${printable(c.lastTime ?? '?')}`,
    `    records in the period: ${c.recordsInPeriod}`,
    `    verification at export time: ${status}`,
  ];
  for (const p of a.problems.slice(0, MAX_PROBLEMS)) out.push(`      ${printable(p.where)}  ${printable(p.problem)}: ${printable(p.message)}`);
  if (a.problems.length > MAX_PROBLEMS) out.push(`      ... ${a.problems.length - MAX_PROBLEMS} more problems`);
  if (c.leftOut !== null) out.push(`    NOTE: ${printable(c.leftOut)}`);
  return out;
}

/**
 * summary.txt of an evidence bundle: the same input always gives the same text, so
 * `wsgate audit verify --bundle` recomputes it from the bundle's records and compares.
 */
export function renderSummary(s: SummaryInput): string {
  const st = s.stats;
  const faults = (c: Count): string => `  (${(c as FaultCount).decisions.join(', ')})`;
  const lines = [
    'wsgate audit evidence bundle',
    '',
    `Created:  ${printable(s.createdAt)}`,
    `Period:   ${printable(periodText(s.period))}`,
    `Source:   ${printable(s.source)}`,
    `Key id:   ${printable(s.keyIds.join(', ')) || '(none)'}`,
    '          (SHA-256 of the Ed25519 public key; compare it with the id the gateway operator published)',
    '',
    `Chains (${s.chains.length})`,
    ...(s.chains.length === 0 ? ['  (no chain has entries in the period)'] : s.chains.flatMap(chainLines)),
    '',
    `Records in the period: ${st.total}`,
    '',
    ...table('By decision', st.byDecision),
    '',
    ...table('By service', st.byService),
    '',
    ...table('By operation', st.byOperation),
    '',
    ...table('By application', st.byApplication),
    '',
    ...table('By principal', st.byPrincipal),
    '',
    ...table('Rejection reasons (fault codes)', st.byFault, faults),
    '',
    'Check this bundle with: wsgate audit verify --bundle DIR --key <the published public key>',
    '',
  ];
  return lines.join('\n');
}
