import pg from 'pg';
import type { PostgresAuditConfig } from '../../config/types.ts';
import type { AuditEntry, AuditRecordBody, RecordEntry } from '../entries.ts';
import type { AuditSource } from '../source.ts';
import type { StoredEntry, VerifyProblem } from '../verify.ts';
import { endClient, pgClientConfig, pgLocation } from './postgres.ts';
import { columnText, entriesTable, queryColumnsOf, type QueryColumns } from './postgres-schema.ts';

/** Reading is for compliance tools: a long chain may take a while per page, never forever. */
const READ_TIMEOUT_MS = 60_000;
const PAGE = 5000;

export interface RecordFilter {
  /** receivedAt at or after. */
  readonly from?: Date;
  /** receivedAt before. */
  readonly to?: Date;
  readonly service?: string;
  readonly operation?: string;
  /** The principal's subject. */
  readonly principal?: string;
  readonly application?: string;
  readonly decision?: AuditRecordBody['decision'];
  readonly faultCode?: string;
  /** One instance's chain only. */
  readonly chain?: string;
  readonly limit?: number;
}

/** A PostgreSQL audit store as the compliance tools read it. */
export interface PostgresAuditSource extends AuditSource {
  /**
   * Rows whose query columns (chain, seq, kind, time, service, decision, ...) disagree with their
   * `entry` text. The hash covers only `entry`, so verifyChain cannot see an edit of a column, yet
   * `audit query` filters on them: an edited decision could hide a rejection from a query.
   */
  indexProblems(chain: string): Promise<VerifyProblem[]>;
}

async function connect(cfg: PostgresAuditConfig, password: string | undefined, onLost: () => void = () => undefined): Promise<pg.Client> {
  const client = new pg.Client(pgClientConfig(cfg, password, READ_TIMEOUT_MS, 'wsgate-audit reader'));
  // Without a listener a dropped connection would be an uncaught 'error' event.
  client.on('error', onLost);
  try {
    await client.connect();
    return client;
  } catch (err) {
    void endClient(client, 0);
    throw new Error(`audit store ${pgLocation(cfg)}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

async function tableExists(client: pg.Client, table: string): Promise<boolean> {
  const { rows } = await client.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [table]);
  return rows[0]?.t != null;
}

function parseEntry(text: string): AuditEntry | { readonly unreadable: string } {
  try {
    const e = JSON.parse(text) as unknown;
    if (e === null || typeof e !== 'object' || Array.isArray(e)) return { unreadable: 'not a JSON object' };
    return e as AuditEntry;
  } catch {
    return { unreadable: 'not valid JSON (edited row)' };
  }
}

interface Row extends Record<string, unknown> {
  readonly chain: string;
  readonly seq: string;
  readonly kind: string;
  readonly time: Date;
  readonly entry: string;
  readonly received_at: Date | null;
  readonly service: string | null;
  readonly operation: string | null;
  readonly decision: string | null;
  readonly fault_code: string | null;
  readonly principal_subject: string | null;
  readonly application: string | null;
  readonly correlation_id: string | null;
}

/** Every row of a chain in seq order, a page at a time (keyset: no OFFSET rescans). */
async function* rowsOfChain(client: pg.Client, table: string, chain: string): AsyncGenerator<Row> {
  let after = '0';
  for (;;) {
    const { rows } = await client.query<Row>(`SELECT * FROM ${table} WHERE chain = $1 AND seq > $2 ORDER BY seq LIMIT ${PAGE}`, [chain, after]);
    yield* rows;
    const last = rows.at(-1);
    if (last === undefined || rows.length < PAGE) return;
    after = last.seq;
  }
}

const COLUMN_OF: readonly (readonly [keyof QueryColumns, 'service' | 'operation' | 'decision' | 'fault_code' | 'principal_subject' | 'application' | 'correlation_id'])[] = [
  ['service', 'service'],
  ['operation', 'operation'],
  ['decision', 'decision'],
  ['faultCode', 'fault_code'],
  ['principalSubject', 'principal_subject'],
  ['application', 'application'],
  ['correlationId', 'correlation_id'],
];

const sameTime = (column: Date | null, iso: unknown): boolean => (column === null ? iso === null : typeof iso === 'string' && column.getTime() === Date.parse(iso));

function columnMismatches(row: Row, e: AuditEntry): string[] {
  const q = queryColumnsOf(e);
  const bad: string[] = [];
  if (row.chain !== e.chain) bad.push('chain');
  if (row.seq !== String(e.seq)) bad.push('seq');
  if (row.kind !== e.kind) bad.push('kind');
  if (!sameTime(row.time, e.time)) bad.push('time');
  if (!sameTime(row.received_at, q.receivedAt)) bad.push('received_at');
  for (const [key, col] of COLUMN_OF) if (row[col] !== q[key]) bad.push(col);
  return bad;
}

/**
 * The compliance tools' view of a PostgreSQL store. Rows are read in seq-column order; the order
 * that counts is the one in the entries themselves, which verifyChain checks (a swapped, removed,
 * inserted or cut row breaks seq/prev there), so `where` names the row by its seq column.
 */
export function postgresSource(cfg: PostgresAuditConfig, password: string | undefined): PostgresAuditSource {
  const table = entriesTable(cfg.schema);
  let client: Promise<pg.Client> | undefined;
  const conn = (): Promise<pg.Client> =>
    (client ??= connect(cfg, password, () => {
      client = undefined;
    }).catch((err: unknown) => {
      client = undefined;
      throw err;
    }));
  const whereOf = (chain: string, seq: string): string => `postgres ${cfg.schema} chain=${chain} seq=${seq}`;
  return {
    description: pgLocation(cfg),
    async chains() {
      const c = await conn();
      if (!(await tableExists(c, table))) return [];
      // A loose index scan over the primary key: one probe per chain instead of reading every row.
      const { rows } = await c.query<{ chain: string }>(
        `WITH RECURSIVE c(chain) AS (SELECT min(chain) FROM ${table} UNION ALL SELECT (SELECT min(chain) FROM ${table} WHERE chain > c.chain) FROM c WHERE c.chain IS NOT NULL)
         SELECT chain FROM c WHERE chain IS NOT NULL`,
      );
      return rows.map((r) => r.chain);
    },
    async read(chain) {
      const c = await conn();
      if (!(await tableExists(c, table))) return [];
      const out: StoredEntry[] = [];
      for await (const row of rowsOfChain(c, table, chain)) out.push({ where: whereOf(chain, row.seq), entry: parseEntry(row.entry) });
      return out;
    },
    async indexProblems(chain) {
      const c = await conn();
      if (!(await tableExists(c, table))) return [];
      const problems: VerifyProblem[] = [];
      for await (const row of rowsOfChain(c, table, chain)) {
        const e = parseEntry(row.entry);
        if ('unreadable' in e) continue;
        const bad = columnMismatches(row, e);
        if (bad.length > 0) problems.push({ where: whereOf(chain, row.seq), seq: Number(row.seq), problem: 'modified', message: `columns ${bad.join(', ')} do not match the entry text: the row was edited outside the gateway, queries on these columns are misled` });
      }
      return problems;
    },
    async close() {
      const c = await client?.catch(() => undefined);
      client = undefined;
      if (c) await endClient(c, 2000);
    },
  };
}

/** The filter applied to a parsed record: the query columns only narrow the search, the entry decides. */
function matches(e: RecordEntry, f: RecordFilter): boolean {
  const t = Date.parse(e.receivedAt);
  if (f.from !== undefined && !(t >= f.from.getTime())) return false;
  if (f.to !== undefined && !(t < f.to.getTime())) return false;
  return (
    (f.service === undefined || e.service === f.service) &&
    (f.operation === undefined || e.operation === f.operation) &&
    (f.principal === undefined || e.principal?.subject === f.principal) &&
    (f.application === undefined || e.principal?.application === f.application) &&
    (f.decision === undefined || e.decision === f.decision) &&
    (f.faultCode === undefined || e.fault?.code === f.faultCode) &&
    (f.chain === undefined || e.chain === f.chain)
  );
}

/**
 * Records matching a filter (every field optional, all must hold), by receivedAt. The SQL uses the
 * indexed columns; each row's `entry` is then checked against the filter itself, so a row whose
 * columns were edited to match is not reported as a match (`audit verify` reports the edit).
 */
export async function queryRecords(cfg: PostgresAuditConfig, password: string | undefined, f: RecordFilter): Promise<RecordEntry[]> {
  const params: unknown[] = [];
  const where = ["kind = 'record'"];
  const add = (sql: string, v: unknown): void => {
    params.push(v);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (f.from !== undefined) add('received_at >= ?', f.from.toISOString());
  if (f.to !== undefined) add('received_at < ?', f.to.toISOString());
  if (f.service !== undefined) add('service = ?', columnText(f.service));
  if (f.operation !== undefined) add('operation = ?', columnText(f.operation));
  if (f.principal !== undefined) add('principal_subject = ?', columnText(f.principal));
  if (f.application !== undefined) add('application = ?', columnText(f.application));
  if (f.decision !== undefined) add('decision = ?', f.decision);
  if (f.faultCode !== undefined) add('fault_code = ?', columnText(f.faultCode));
  if (f.chain !== undefined) add('chain = ?', f.chain);
  let sql = `SELECT entry FROM ${entriesTable(cfg.schema)} WHERE ${where.join(' AND ')} ORDER BY received_at, chain, seq`;
  if (f.limit !== undefined) {
    params.push(Math.max(0, Math.floor(f.limit)));
    sql += ` LIMIT $${params.length}`;
  }
  const client = await connect(cfg, password);
  try {
    if (!(await tableExists(client, entriesTable(cfg.schema)))) return [];
    const { rows } = await client.query<{ entry: string }>(sql, params);
    const out: RecordEntry[] = [];
    for (const r of rows) {
      const e = parseEntry(r.entry);
      if (!('unreadable' in e) && e.kind === 'record' && matches(e, f)) out.push(e);
    }
    return out;
  } finally {
    await endClient(client, 2000);
  }
}
