import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import pg from 'pg';
import type { PostgresAuditConfig } from '../../src/config/types.ts';
import type { AuditEntry } from '../../src/audit/entries.ts';

/**
 * The PostgreSQL the integration tests use: 127.0.0.1:5432, database `test`, trust auth, as
 * `$PGUSER`, `postgres` or the current user (the first that connects). In CI (`CI=true`) the tests
 * must run, so an unreachable server fails the importing test file; elsewhere those tests are
 * skipped with a warning that says why.
 */
export interface PgTarget {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
}

const HOST = '127.0.0.1';
const PORT = 5432;
const DATABASE = 'test';

async function detect(): Promise<{ readonly target: PgTarget } | { readonly reason: string }> {
  const users = [...new Set([process.env['PGUSER'], 'postgres', userInfo().username].filter((u): u is string => typeof u === 'string' && u !== ''))];
  const failures: string[] = [];
  for (const user of users) {
    const client = new pg.Client({ host: HOST, port: PORT, database: DATABASE, user, connectionTimeoutMillis: 2000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
      return { target: { host: HOST, port: PORT, database: DATABASE, user } };
    } catch (err) {
      failures.push(`${user}: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  return { reason: `PostgreSQL at ${HOST}:${PORT}/${DATABASE} is not reachable (${failures.join('; ')})` };
}

const found = await detect();

if ('reason' in found) {
  if (process.env['CI'] === 'true') throw new Error(`${found.reason}: CI must run the PostgreSQL tests`);
  console.warn(`skipping PostgreSQL tests: ${found.reason}`);
}

/** False (with a printed reason) when PostgreSQL is unreachable outside CI: `describe.skipIf(!pgAvailable)`. */
export const pgAvailable = 'target' in found;

function target(): PgTarget {
  if (!('target' in found)) throw new Error(found.reason);
  return found.target;
}

/** A sink configuration for a schema of the test database. */
export function pgConfig(schema: string, over: Partial<PostgresAuditConfig> = {}): PostgresAuditConfig {
  const t = target();
  return { host: t.host, port: t.port, database: t.database, user: t.user, schema, connectTimeoutMs: 2000, ssl: false, ...over };
}

/** A schema name no other test file (or parallel run) uses: drop it when done. */
export function freshSchema(label: string): string {
  return `wsgate_t_${label.replace(/[^a-z0-9_]/g, '_').slice(0, 20)}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

export interface StoredRow {
  readonly seq: number;
  readonly kind: string;
  readonly text: string;
  readonly entry: AuditEntry;
}

/** A superuser-ish connection for setting up and for playing the attacker who has database access. */
export class PgAdmin {
  readonly #client: pg.Client;

  private constructor(client: pg.Client) {
    this.#client = client;
  }

  static async connect(): Promise<PgAdmin> {
    const t = target();
    const client = new pg.Client({ ...t, connectionTimeoutMillis: 2000 });
    client.on('error', () => undefined);
    await client.connect();
    return new PgAdmin(client);
  }

  async query<R extends pg.QueryResultRow = Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
    return (await this.#client.query<R>(sql, [...params])).rows;
  }

  /** The rows of one chain in seq-column order, parsed. */
  async rows(schema: string, chain: string): Promise<StoredRow[]> {
    const rows = await this.query<{ seq: string; kind: string; entry: string }>(`SELECT seq, kind, entry FROM ${pg.escapeIdentifier(schema)}.audit_entries WHERE chain = $1 ORDER BY seq`, [chain]);
    return rows.map((r) => ({ seq: Number(r.seq), kind: r.kind, text: r.entry, entry: JSON.parse(r.entry) as AuditEntry }));
  }

  async dropSchema(schema: string): Promise<void> {
    await this.#client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
  }

  async close(): Promise<void> {
    await this.#client.end();
  }
}
