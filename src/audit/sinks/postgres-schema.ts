import pg from 'pg';
import type { AuditEntry } from '../entries.ts';

/*
 * The PostgreSQL store of the audit trail, in the configured schema:
 *
 *   audit_entries      one row per chained entry of every instance's chain, PRIMARY KEY (chain, seq).
 *                      `entry` is the entry exactly as the file sink writes a line (link() in chain.ts):
 *                      verification parses it and re-hashes its canonical form, so it is the evidence.
 *                      The other columns are copied out of it at insert for queries and indexes only;
 *                      they are not covered by the hash (postgres-read.ts checks them against `entry`).
 *   schema_migrations  the versions applied, so every gateway instance migrates the schema itself.
 *
 * The gateway only ever INSERTs and SELECTs: no UPDATE, no DELETE, no sequence, no trigger. Once a
 * first start (or an operator) created the tables, run the gateway as a role that can do no more:
 *
 *   GRANT USAGE ON SCHEMA <schema> TO wsgate;
 *   GRANT SELECT ON <schema>.schema_migrations TO wsgate;
 *   GRANT SELECT, INSERT ON <schema>.audit_entries TO wsgate;
 *
 * (an up-to-date schema is recognised with a SELECT, without taking locks or running DDL).
 */

export const ENTRIES_TABLE = 'audit_entries';
export const MIGRATIONS_TABLE = 'schema_migrations';

/** Insert order of the columns; `chain` is the same for every row of one write. */
export const ENTRY_COLUMNS = [
  { name: 'chain', type: 'text' },
  { name: 'seq', type: 'bigint' },
  { name: 'kind', type: 'text' },
  { name: 'time', type: 'timestamptz' },
  { name: 'entry', type: 'text' },
  { name: 'received_at', type: 'timestamptz' },
  { name: 'service', type: 'text' },
  { name: 'operation', type: 'text' },
  { name: 'decision', type: 'text' },
  { name: 'fault_code', type: 'text' },
  { name: 'principal_subject', type: 'text' },
  { name: 'application', type: 'text' },
  { name: 'correlation_id', type: 'text' },
] as const;

const MIGRATIONS: readonly { readonly version: number; readonly description: string; readonly sql: (s: string) => readonly string[] }[] = [
  {
    version: 1,
    description: 'audit_entries: one row per chained entry, with query columns',
    sql: (s) => [
      `CREATE TABLE ${s}.${ENTRIES_TABLE} (
         chain text NOT NULL,
         seq bigint NOT NULL CHECK (seq > 0),
         kind text NOT NULL,
         time timestamptz NOT NULL,
         entry text NOT NULL,
         received_at timestamptz,
         service text,
         operation text,
         decision text,
         fault_code text,
         principal_subject text,
         application text,
         correlation_id text,
         PRIMARY KEY (chain, seq)
       )`,
      // The head at start-up: the last checkpoint of a chain.
      `CREATE INDEX audit_entries_chain_kind ON ${s}.${ENTRIES_TABLE} (chain, kind, seq)`,
      `CREATE INDEX audit_entries_received_at ON ${s}.${ENTRIES_TABLE} (received_at) WHERE kind = 'record'`,
      `CREATE INDEX audit_entries_service ON ${s}.${ENTRIES_TABLE} (service, operation, received_at) WHERE kind = 'record'`,
      `CREATE INDEX audit_entries_decision ON ${s}.${ENTRIES_TABLE} (decision, received_at) WHERE kind = 'record'`,
      `CREATE INDEX audit_entries_fault_code ON ${s}.${ENTRIES_TABLE} (fault_code, received_at) WHERE fault_code IS NOT NULL`,
      `CREATE INDEX audit_entries_principal ON ${s}.${ENTRIES_TABLE} (principal_subject, received_at) WHERE principal_subject IS NOT NULL`,
      `CREATE INDEX audit_entries_application ON ${s}.${ENTRIES_TABLE} (application, received_at) WHERE application IS NOT NULL`,
      `CREATE INDEX audit_entries_correlation_id ON ${s}.${ENTRIES_TABLE} (correlation_id) WHERE correlation_id IS NOT NULL`,
    ],
  },
];

export const SCHEMA_VERSION = Math.max(...MIGRATIONS.map((m) => m.version));

export function entriesTable(schema: string): string {
  return `${pg.escapeIdentifier(schema)}.${ENTRIES_TABLE}`;
}

async function appliedVersion(client: pg.Client, s: string): Promise<number | undefined> {
  const { rows } = await client.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [`${s}.${MIGRATIONS_TABLE}`]);
  if (rows[0]?.t == null) return undefined;
  const v = await client.query<{ v: number | null }>(`SELECT max(version) AS v FROM ${s}.${MIGRATIONS_TABLE}`);
  return v.rows[0]?.v ?? 0;
}

/**
 * Creates or upgrades the schema. Instances starting together serialise on a transaction-level
 * advisory lock (CREATE ... IF NOT EXISTS alone races on the catalogue); each migration and its
 * version row commit together, so a failed start leaves the previous version intact.
 */
export async function migrate(client: pg.Client, schema: string, lockKey: bigint): Promise<void> {
  const s = pg.escapeIdentifier(schema);
  const current = await appliedVersion(client, s);
  const tooNew = (v: number): Error => new Error(`audit schema ${schema} is at version ${v}, newer than this gateway knows (${SCHEMA_VERSION}): upgrade the gateway`);
  if (current !== undefined && current > SCHEMA_VERSION) throw tooNew(current);
  if (current === SCHEMA_VERSION) return;
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [lockKey.toString()]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${s}.${MIGRATIONS_TABLE} (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = (await appliedVersion(client, s)) ?? 0;
    if (done > SCHEMA_VERSION) throw tooNew(done);
    for (const m of MIGRATIONS) {
      if (m.version <= done) continue;
      for (const sql of m.sql(s)) await client.query(sql);
      await client.query(`INSERT INTO ${s}.${MIGRATIONS_TABLE} (version, description) VALUES ($1, $2)`, [m.version, m.description]);
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw new Error(`audit schema ${schema}: migration failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

/**
 * Query columns hold at most this many UTF-16 units: a b-tree index entry must stay under ~2.7 kB,
 * and an over-long certificate subject must not make a write (and so every required request) fail.
 */
const MAX_COLUMN = 200;

/** A value as a query column stores it: no NUL (PostgreSQL text cannot hold one), no lone surrogate, bounded. */
export function columnText(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  const clean = v.replace(/\0/g, '').replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
  const cut = clean.slice(0, MAX_COLUMN);
  // Do not split a surrogate pair at the cut.
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}

/** An ISO time as a timestamptz column takes it, or null when it is not one. */
export function columnTime(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  const t = Date.parse(v);
  return Number.isFinite(t) ? new Date(t).toISOString() : null;
}

export interface QueryColumns {
  readonly receivedAt: string | null;
  readonly service: string | null;
  readonly operation: string | null;
  readonly decision: string | null;
  readonly faultCode: string | null;
  readonly principalSubject: string | null;
  readonly application: string | null;
  readonly correlationId: string | null;
}

const field = (o: unknown, key: string): unknown => (o !== null && typeof o === 'object' ? (o as Record<string, unknown>)[key] : undefined);

/** The query columns of an entry (all null but for records). Takes any parsed value: readers check edited rows with it. */
export function queryColumnsOf(entry: unknown): QueryColumns {
  const isRecord = field(entry, 'kind') === 'record';
  const principal = field(entry, 'principal');
  const text = (v: unknown): string | null => (isRecord ? columnText(v) : null);
  return {
    receivedAt: isRecord ? columnTime(field(entry, 'receivedAt')) : null,
    service: text(field(entry, 'service')),
    operation: text(field(entry, 'operation')),
    decision: text(field(entry, 'decision')),
    faultCode: text(field(field(entry, 'fault'), 'code')),
    principalSubject: text(field(principal, 'subject')),
    application: text(field(principal, 'application')),
    correlationId: text(field(entry, 'correlationId')),
  };
}

/** The column arrays (all but `chain`, in ENTRY_COLUMNS order) of one multi-row INSERT ... SELECT FROM unnest(...). */
export function rowsOf(entries: readonly AuditEntry[], texts: readonly string[]): unknown[][] {
  const cols: unknown[][] = ENTRY_COLUMNS.slice(1).map(() => []);
  entries.forEach((e, i) => {
    const time = columnTime(e.time);
    if (time === null) throw new Error(`entry seq ${e.seq} has no valid time`);
    const q = queryColumnsOf(e);
    const row = [e.seq, e.kind, time, texts[i], q.receivedAt, q.service, q.operation, q.decision, q.faultCode, q.principalSubject, q.application, q.correlationId];
    row.forEach((v, c) => (cols[c] as unknown[]).push(v));
  });
  return cols;
}
