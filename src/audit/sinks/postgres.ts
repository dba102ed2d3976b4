import { createHash } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';
import type { PostgresAuditConfig } from '../../config/types.ts';
import { EMPTY_HEAD, entryHash, type ChainHead } from '../chain.ts';
import { GENESIS, type AuditEntry } from '../entries.ts';
import type { AuditSink, SinkOpenResult } from '../sink.ts';
import { CHAIN_ID } from './file-names.ts';
import { ENTRY_COLUMNS, entriesTable, migrate, rowsOf } from './postgres-schema.ts';

/** Where a chain ends: its last entry. */
interface Tip {
  readonly seq: number;
  readonly hash: string;
}

export interface PostgresSinkOptions {
  /** Longest one statement may run: the server cancels it, the client gives up a second later (a dead link). Default 5000. */
  readonly queryTimeoutMs?: number;
  /** How long opening waits for the chain lock, which a session of a process that just died may hold a moment longer. Default: connectTimeoutMs. */
  readonly lockWaitMs?: number;
}

/** `postgres://host:port/database (schema)`: for logs and messages, never credentials. */
export function pgLocation(cfg: PostgresAuditConfig): string {
  const host = cfg.host.includes(':') ? `[${cfg.host}]` : cfg.host;
  return `postgres://${host}:${cfg.port}/${cfg.database} (${cfg.schema})`;
}

export function pgClientConfig(cfg: PostgresAuditConfig, password: string | undefined, queryTimeoutMs: number, application: string): pg.ClientConfig {
  return {
    host: cfg.host,
    port: cfg.port,
    database: cfg.database,
    user: cfg.user,
    ...(password !== undefined ? { password } : {}),
    ssl: cfg.ssl ? { rejectUnauthorized: true } : false,
    connectionTimeoutMillis: cfg.connectTimeoutMs,
    // The server cancels a slow statement (a clean error, the session survives); the client-side
    // timeout is only for a link that went silent, where no answer would ever come.
    statement_timeout: queryTimeoutMs,
    lock_timeout: queryTimeoutMs,
    query_timeout: queryTimeoutMs + 1000,
    // A client that vanished inside a transaction must not keep it (and the chain lock) open.
    idle_in_transaction_session_timeout: 2 * queryTimeoutMs + 1000,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    application_name: application.slice(0, 63),
  };
}

/** A signed 64-bit advisory lock key (decimal, for `$1::bigint`) from a SHA-256 of the parts. */
export function advisoryKey(...parts: readonly string[]): bigint {
  const digest = createHash('sha256').update(['wsgate-audit', ...parts].join('\0')).digest();
  return digest.readBigInt64BE(0);
}

/** A session that died under us (or a statement that never answered): the connection is of no further use. */
export function connectionLost(err: unknown): boolean {
  if (!(err instanceof pg.DatabaseError)) return true;
  return err.severity === 'FATAL' || err.severity === 'PANIC' || (err.code ?? '').startsWith('08');
}

/** Ends a client without waiting on a link that may never answer. */
export async function endClient(client: pg.Client, waitMs: number): Promise<void> {
  await Promise.race([client.end().catch(() => undefined), delay(waitMs, undefined, { ref: false })]);
}

class ConnectionLost extends Error {
  /** The statement that commits was sent: the entries may be stored although no answer came. */
  readonly inDoubt: boolean;
  constructor(cause: unknown, inDoubt: boolean) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.inDoubt = inDoubt;
  }
}

const MAX_ROWS = 1000;
const MAX_TEXT = 16 * 1024 * 1024;

function chunksOf(entries: readonly AuditEntry[], lines: readonly string[]): { entries: AuditEntry[]; texts: string[] }[] {
  const chunks: { entries: AuditEntry[]; texts: string[] }[] = [];
  let cur = { entries: [] as AuditEntry[], texts: [] as string[] };
  let size = 0;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i] as AuditEntry;
    const text = lines[i] as string;
    if (cur.entries.length > 0 && (cur.entries.length >= MAX_ROWS || size + text.length > MAX_TEXT)) {
      chunks.push(cur);
      cur = { entries: [], texts: [] };
      size = 0;
    }
    cur.entries.push(e);
    cur.texts.push(text);
    size += text.length;
  }
  if (cur.entries.length > 0) chunks.push(cur);
  return chunks;
}

function tipOf(e: AuditEntry): Tip {
  return { seq: e.seq, hash: e.hash };
}

/**
 * The PostgreSQL sink: one chain per gateway instance in a table shared by every instance (see
 * postgres-schema.ts). A session-level advisory lock per chain keeps a second process off the chain;
 * every write() is one transaction committed with synchronous_commit on, so a resolved write is
 * durable and a rejected one left nothing behind — including when the connection died during the
 * commit: the next session holding the lock finds out which it was before the chain goes on.
 * The lock is held by the session, so the sink needs a real session: not a transaction-pooling proxy
 * (PgBouncer in transaction mode) between it and the server.
 */
export class PostgresAuditSink implements AuditSink {
  readonly kind = 'postgres' as const;
  readonly location: string;
  readonly #cfg: PostgresAuditConfig;
  readonly #password: string | undefined;
  readonly #queryTimeoutMs: number;
  readonly #lockWaitMs: number;
  readonly #table: string;
  #chain = '';
  #lockKey = 0n;
  #client: pg.Client | undefined;
  #connecting: Promise<pg.Client> | undefined;
  /** The last entry this process knows to be stored. */
  #tail: Tip = { seq: 0, hash: GENESIS };
  /** The last entry of a write whose commit was sent but never confirmed. */
  #inDoubt: Tip | undefined;
  /** Set once the stored chain moved where this process cannot follow: every later call fails with it. */
  #stale: string | undefined;
  #closed = false;

  constructor(cfg: PostgresAuditConfig, password: string | undefined, opts: PostgresSinkOptions = {}) {
    this.#cfg = cfg;
    this.#password = password;
    this.#queryTimeoutMs = opts.queryTimeoutMs ?? 5000;
    this.#lockWaitMs = opts.lockWaitMs ?? cfg.connectTimeoutMs;
    this.#table = entriesTable(cfg.schema);
    this.location = pgLocation(cfg);
  }

  async open(chain: string): Promise<SinkOpenResult> {
    if (!CHAIN_ID.test(chain)) throw new Error(`audit chain id ${JSON.stringify(chain)} must match ${CHAIN_ID.source}`);
    if (this.#chain !== '') throw new Error(`audit postgres sink is already open for chain ${this.#chain}`);
    this.#chain = chain;
    this.#lockKey = advisoryKey('chain', this.#cfg.schema, chain);
    let client: pg.Client | undefined;
    try {
      client = await this.#connect();
      const head = await this.#readHead(client);
      this.#tail = { seq: head.seq, hash: head.hash };
      this.#client = client;
      // PostgreSQL commits whole transactions: there is never a torn tail to repair.
      return { head, repaired: undefined };
    } catch (err) {
      if (client) void endClient(client, 0);
      this.#chain = '';
      throw this.#error(err);
    }
  }

  async write(entries: readonly AuditEntry[], lines: readonly string[]): Promise<void> {
    const last = entries.at(-1);
    if (last === undefined) return;
    if (lines.length !== entries.length) throw new Error('audit postgres sink: one line per entry expected');
    try {
      await this.#attempt(entries, lines);
      return;
    } catch (err) {
      if (!(err instanceof ConnectionLost)) throw this.#error(err);
      if (err.inDoubt) this.#inDoubt = tipOf(last);
      // A new session can only take the chain lock once the old one ended, and with it its
      // transaction: what is stored now is the outcome. Stored: the write succeeded. Not stored:
      // it is tried once more on the new connection (a server restart between two writes).
      try {
        await this.#ready(true);
      } catch {
        throw this.#error(err.cause);
      }
      if (this.#tail.seq === last.seq && this.#tail.hash === last.hash) return;
    }
    try {
      await this.#attempt(entries, lines);
    } catch (err) {
      if (err instanceof ConnectionLost && err.inDoubt) this.#inDoubt = tipOf(last);
      throw this.#error(err instanceof ConnectionLost ? err.cause : err);
    }
  }

  /** The head as stored: after a failed write whose commit reply was lost, the store may be ahead of the trail. */
  async head(): Promise<ChainHead> {
    return this.#readHead(await this.#ready(true));
  }

  /** Reconnects if needed; a write reported failed whose commit did land is accepted here (the trail re-reads head()). */
  async probe(): Promise<void> {
    const client = await this.#ready(true).catch((err: unknown) => {
      throw this.#error(err);
    });
    try {
      await client.query('SELECT 1');
    } catch (err) {
      if (connectionLost(err)) this.#drop(client);
      throw this.#error(err);
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    const client = this.#client ?? (await this.#connecting?.catch(() => undefined));
    this.#client = undefined;
    // Ending the session releases the chain lock.
    if (client) await endClient(client, 2000);
  }

  async #attempt(entries: readonly AuditEntry[], lines: readonly string[]): Promise<void> {
    const client = await this.#ready(false);
    const first = entries[0] as AuditEntry;
    if (first.seq !== this.#tail.seq + 1 || first.prev !== this.#tail.hash) {
      throw new Error(`entries start at seq ${first.seq} but the stored chain ${this.#chain} ends at seq ${this.#tail.seq}`);
    }
    const chunks = chunksOf(entries, lines);
    const single = chunks.length === 1;
    let committing = false;
    try {
      // One chunk is one INSERT, a transaction of its own; more chunks share one explicit transaction.
      if (!single) await client.query('BEGIN');
      for (const c of chunks) {
        committing = single;
        await client.query(this.#insertSql(), [this.#chain, ...rowsOf(c.entries, c.texts)]);
      }
      if (!single) {
        committing = true;
        await client.query('COMMIT');
      }
    } catch (err) {
      if (connectionLost(err)) {
        this.#drop(client);
        throw new ConnectionLost(err, committing);
      }
      if (!single) await client.query('ROLLBACK').catch(() => this.#drop(client));
      throw err;
    }
    this.#tail = tipOf(entries.at(-1) as AuditEntry);
  }

  #insertSql(): string {
    const casts = ENTRY_COLUMNS.slice(1).map((c, i) => `$${i + 2}::${c.type}[]`);
    return `INSERT INTO ${this.#table} (${ENTRY_COLUMNS.map((c) => c.name).join(', ')}) SELECT $1::text, u.* FROM unnest(${casts.join(', ')}) AS u`;
  }

  /** The live connection, or a new one that holds the chain lock and found the chain where this process left it. */
  #ready(acceptDoubt: boolean): Promise<pg.Client> {
    if (this.#closed) return Promise.reject(new Error('the sink is closed'));
    if (this.#stale !== undefined) return Promise.reject(new Error(this.#stale));
    if (this.#client !== undefined) return Promise.resolve(this.#client);
    this.#connecting ??= (async () => {
      const client = await this.#connect();
      try {
        await this.#reconcile(client, acceptDoubt);
      } catch (err) {
        void endClient(client, 0);
        throw err;
      }
      this.#client = client;
      return client;
    })().finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  async #reconcile(client: pg.Client, acceptDoubt: boolean): Promise<void> {
    const tip = (await this.#lastStored(client)) ?? { seq: 0, hash: GENESIS };
    const doubt = this.#inDoubt;
    this.#inDoubt = undefined;
    if (tip.seq === this.#tail.seq && tip.hash === this.#tail.hash) return;
    if (doubt !== undefined && tip.seq === doubt.seq && tip.hash === doubt.hash) {
      if (acceptDoubt) {
        this.#tail = doubt;
        return;
      }
      this.#stale = `chain ${this.#chain}: a write up to seq ${doubt.seq} was reported as failed but was committed (its confirmation was lost with the connection); the chain head of this process is behind the store, restart the gateway to continue the chain`;
    } else {
      this.#stale = `chain ${this.#chain} in the store ends at seq ${tip.seq}, this process wrote up to seq ${this.#tail.seq}: entries were written or removed by someone else while the connection was lost; refusing to continue (run wsgate audit verify, then restart)`;
    }
    throw new Error(this.#stale);
  }

  async #connect(): Promise<pg.Client> {
    const client = new pg.Client(pgClientConfig(this.#cfg, this.#password, this.#queryTimeoutMs, `wsgate-audit ${this.#chain}`));
    const forget = (): void => {
      if (this.#client === client) this.#client = undefined;
    };
    // Without a listener a dropped connection would be an uncaught 'error' event.
    client.on('error', forget);
    client.on('end', forget);
    try {
      await client.connect();
      // Explicit, whatever the server or role default: a resolved write must survive a server crash.
      await client.query('SET synchronous_commit = on');
      await migrate(client, this.#cfg.schema, advisoryKey('migrate', this.#cfg.schema));
      await this.#lock(client);
      return client;
    } catch (err) {
      void endClient(client, 0);
      throw err;
    }
  }

  async #lock(client: pg.Client): Promise<void> {
    const until = performance.now() + this.#lockWaitMs;
    for (;;) {
      const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS ok', [this.#lockKey.toString()]);
      if (rows[0]?.ok === true) return;
      if (performance.now() >= until) break;
      await delay(100);
    }
    const unsigned = BigInt.asUintN(64, this.#lockKey);
    const { rows } = await client.query<{ pid: number; app: string | null; addr: string | null }>(
      `SELECT l.pid, a.application_name AS app, a.client_addr::text AS addr FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
       WHERE l.locktype = 'advisory' AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
         AND l.classid = $1::bigint::oid AND l.objid = $2::bigint::oid AND l.objsubid = 1`,
      [(unsigned >> 32n).toString(), (unsigned & 0xffffffffn).toString()],
    );
    const holder = rows[0] ? ` (held by server process ${rows[0].pid}${rows[0].app ? `, ${rows[0].app}` : ''}${rows[0].addr ? ` from ${rows[0].addr}` : ''})` : '';
    throw new Error(`audit chain ${this.#chain} in ${this.location} is being written by another session${holder}: two gateway instances must not share an instance id`);
  }

  async #lastStored(client: pg.Client): Promise<(Tip & { readonly entry: AuditEntry }) | undefined> {
    const { rows } = await client.query<{ seq: string; entry: string }>(`SELECT seq, entry FROM ${this.#table} WHERE chain = $1 ORDER BY seq DESC LIMIT 1`, [this.#chain]);
    const row = rows[0];
    if (row === undefined) return undefined;
    const e = this.#parse(row.seq, row.entry);
    // The chain continues from this entry's hash: continuing from an edited one would bury the edit.
    if (!/^[0-9a-f]{64}$/.test(e.hash) || entryHash(e) !== e.hash) throw new Error(`the last entry of audit chain ${this.#chain} (seq ${row.seq}) does not match its hash: refusing to continue this chain (run wsgate audit verify)`);
    return { seq: e.seq, hash: e.hash, entry: e };
  }

  /** The head from the last checkpoint's record count plus the records after it. */
  async #readHead(client: pg.Client): Promise<ChainHead> {
    const last = await this.#lastStored(client);
    if (last === undefined) return EMPTY_HEAD;
    const cp = await client.query<{ seq: string; entry: string }>(`SELECT seq, entry FROM ${this.#table} WHERE chain = $1 AND kind = 'checkpoint' ORDER BY seq DESC LIMIT 1`, [this.#chain]);
    const cpRow = cp.rows[0];
    const checkpoint = cpRow ? this.#parse(cpRow.seq, cpRow.entry) : undefined;
    if (checkpoint !== undefined && (checkpoint.kind !== 'checkpoint' || !Number.isSafeInteger(checkpoint.records) || checkpoint.records < 0)) {
      throw new Error(`checkpoint seq ${checkpoint.seq} of audit chain ${this.#chain} is malformed: refusing to continue this chain (run wsgate audit verify)`);
    }
    const after = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${this.#table} WHERE chain = $1 AND kind = 'record' AND seq > $2`, [this.#chain, checkpoint?.seq ?? 0]);
    const since = Number(after.rows[0]?.n ?? 0);
    const base = checkpoint?.kind === 'checkpoint' ? checkpoint.records : 0;
    const e = last.entry;
    return { seq: e.seq, hash: e.hash, records: base + since, closed: e.kind === 'checkpoint' && e.final === true, sinceCheckpoint: since };
  }

  #parse(seq: string, text: string): AuditEntry {
    let e: AuditEntry | undefined;
    try {
      e = JSON.parse(text) as AuditEntry;
    } catch {
      e = undefined;
    }
    if (e === undefined || e === null || typeof e !== 'object' || e.chain !== this.#chain || String(e.seq) !== seq) {
      throw new Error(`entry seq ${seq} of audit chain ${this.#chain} is not a readable entry of this chain: refusing to continue it (run wsgate audit verify)`);
    }
    return e;
  }

  #drop(client: pg.Client): void {
    if (this.#client === client) this.#client = undefined;
    void endClient(client, 0);
  }

  #error(err: unknown): Error {
    const msg = err instanceof Error ? err.message : String(err);
    return new Error(`audit postgres sink ${this.location}: ${msg}`, { cause: err });
  }
}
