import type { RecordEntry } from '../../audit/entries.ts';
import { rowOf, type RecordRow } from '../../audit/query.ts';
import { printable } from '../../audit/report/summary-text.ts';

export const FORMATS = ['table', 'json', 'csv'] as const;
export type QueryFormat = (typeof FORMATS)[number];

const TABLE: readonly { readonly head: string; readonly cell: (r: RecordRow) => string; readonly right?: boolean }[] = [
  { head: 'time', cell: (r) => r.time },
  { head: 'correlation id', cell: (r) => r.correlationId },
  { head: 'service', cell: (r) => r.service },
  { head: 'operation', cell: (r) => r.operation },
  { head: 'principal', cell: (r) => r.principal },
  { head: 'decision', cell: (r) => r.decision },
  { head: 'fault code', cell: (r) => r.faultCode },
  { head: 'status', cell: (r) => String(r.status), right: true },
  { head: 'ms', cell: (r) => String(r.ms), right: true },
];

const MAX_CELL = 60;

function cell(s: string): string {
  const p = printable(s);
  return p.length > MAX_CELL ? `${p.slice(0, MAX_CELL - 1)}…` : p || '-';
}

/** Columns padded to their widest cell; control characters escaped, long values cut (json and csv keep them whole). */
export function formatTable(records: readonly RecordEntry[]): string {
  const rows = records.map((r) => TABLE.map((c) => cell(c.cell(rowOf(r)))));
  const widths = TABLE.map((c, i) => Math.max(c.head.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((s, i) => (TABLE[i]?.right ? s.padStart(widths[i] ?? 0) : s.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(TABLE.map((c) => c.head)), ...rows.map(line), `(${records.length} record${records.length === 1 ? '' : 's'})`].join('\n');
}

/** Every field of every record, one record per line inside one JSON array. */
export function formatJson(records: readonly RecordEntry[]): string {
  if (records.length === 0) return '[]';
  return `[\n${records.map((r) => JSON.stringify(r)).join(',\n')}\n]`;
}

const CSV_COLUMNS: readonly (keyof RecordRow)[] = ['time', 'correlationId', 'service', 'operation', 'principal', 'application', 'decision', 'faultCode', 'status', 'ms', 'chain', 'seq'];

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote, CR or LF, quotes doubled. A text
 * value that a spreadsheet would run as a formula (starting with = + - @ or a tab/CR) gets a
 * leading apostrophe (OWASP CSV injection).
 */
export function csvField(value: string | number): string {
  if (typeof value === 'number') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function formatCsv(records: readonly RecordEntry[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of records) {
    const row = rowOf(r);
    lines.push(CSV_COLUMNS.map((c) => csvField(row[c])).join(','));
  }
  return lines.join('\r\n');
}

export function formatRecords(records: readonly RecordEntry[], format: QueryFormat): string {
  return format === 'json' ? formatJson(records) : format === 'csv' ? formatCsv(records) : formatTable(records);
}
