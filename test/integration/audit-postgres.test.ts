import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMPTY_HEAD, link } from '../../src/audit/chain.ts';
import type { CheckpointEntry, NoticeEntry, RecordEntry } from '../../src/audit/entries.ts';
import { PostgresAuditSink } from '../../src/audit/sinks/postgres.ts';
import { postgresSource, queryRecords } from '../../src/audit/sinks/postgres-read.ts';
import { auditKey, sampleRecord, startPgTrail, TEST_TIME, verifyStored, waitFor } from '../support/postgres-trail.ts';
import { freshSchema, PgAdmin, pgAvailable, pgConfig } from '../support/postgres.ts';

describe.skipIf(!pgAvailable)('PostgreSQL audit sink under the audit trail', () => {
  const schema = freshSchema('sink');
  const cfg = (): ReturnType<typeof pgConfig> => pgConfig(schema);
  let db: PgAdmin;
  const key = auditKey();

  beforeAll(async () => {
    db = await PgAdmin.connect();
  });
  afterAll(async () => {
    await db.dropSchema(schema);
    await db.close();
  });

  const checkpoints = async (chain: string): Promise<CheckpointEntry[]> => (await db.rows(schema, chain)).map((r) => r.entry).filter((e): e is CheckpointEntry => e.kind === 'checkpoint');

  it('writes every record, seals every 5 records and at close, and the stored chain verifies', async () => {
    const { trail } = await startPgTrail({ cfg: cfg(), chain: 'gw-a', key, trail: { checkpoint: { everyRecords: 5, everySeconds: 3600 } } });
    for (let i = 1; i <= 12; i++) await trail.submit(sampleRecord(i), 'required');
    await trail.close();

    const rows = await db.rows(schema, 'gw-a');
    const R = 'record';
    expect(rows.map((r) => r.kind)).toEqual(['notice', R, R, R, R, R, 'checkpoint', R, R, R, R, R, 'checkpoint', R, R, 'checkpoint']);
    expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
    expect((await checkpoints('gw-a')).map((c) => [c.reason, c.records, c.final])).toEqual([['count', 5, false], ['count', 10, false], ['shutdown', 12, true]]);
    // The stored text is the entry exactly as the file sink writes a line.
    for (const r of rows) expect(r.text).toBe(JSON.stringify(r.entry));
    const [cols] = await db.query(`SELECT service, operation, decision, fault_code, principal_subject, application, correlation_id, received_at FROM ${schema}.audit_entries WHERE chain = 'gw-a' AND seq = 2`);
    expect(cols).toEqual({ service: 'claims', operation: 'GetClaimStatus', decision: 'accepted', fault_code: null, principal_subject: 'CN=claims-client', application: 'claims-portal', correlation_id: 'corr-1', received_at: new Date('2025-03-03T10:00:00.001Z') });

    const report = await verifyStored(cfg(), 'gw-a', [key]);
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ ok: true, records: 12, checkpoints: 3, sealedThrough: 16, lastSeq: 16 });
  });

  it('continues a cleanly closed chain after a restart: the first new entry links to the final checkpoint', async () => {
    const before = await db.rows(schema, 'gw-a');
    const last = before.at(-1)?.entry;
    const { trail } = await startPgTrail({ cfg: cfg(), chain: 'gw-a', key });
    expect(trail.head.seq).toBe(17);
    await trail.submit(sampleRecord(13), 'required');
    await trail.close();

    const after = (await db.rows(schema, 'gw-a')).slice(before.length);
    expect(after.map((r) => r.entry.kind)).toEqual(['notice', 'record', 'checkpoint']);
    expect(after[0]?.entry).toMatchObject({ event: 'started', seq: 17, prev: last?.hash });
    expect((await checkpoints('gw-a')).at(-1)).toMatchObject({ records: 13, final: true });
    expect(await verifyStored(cfg(), 'gw-a', [key])).toMatchObject({ ok: true, records: 13 });
  });

  it('seals a chain left open by a crash with a recovery notice and checkpoint on restart', async () => {
    const first = await startPgTrail({ cfg: cfg(), chain: 'gw-crash', key });
    for (let i = 1; i <= 3; i++) await first.trail.submit(sampleRecord(i), 'required');
    // The process dies: its session ends without a final checkpoint.
    await first.sink.close();

    const { trail } = await startPgTrail({ cfg: cfg(), chain: 'gw-crash', key });
    await trail.close();
    const entries = (await db.rows(schema, 'gw-crash')).map((r) => r.entry);
    expect(entries.map((e) => `${e.kind}:${'event' in e ? e.event : 'reason' in e ? e.reason : ''}`)).toEqual([
      'notice:started',
      'record:',
      'record:',
      'record:',
      'notice:recovered',
      'checkpoint:recovery',
      'notice:started',
      'checkpoint:shutdown',
    ]);
    expect((entries[4] as NoticeEntry).detail).toContain('after seq 4 (3 records since the last checkpoint)');
    expect(entries[5]).toMatchObject({ records: 3, final: false });
    expect(await verifyStored(cfg(), 'gw-crash', [key])).toMatchObject({ ok: true, records: 3, checkpoints: 2 });
  });

  it('commits concurrent required records in a few group writes, each record exactly once', async () => {
    const writes: number[] = [];
    const { trail } = await startPgTrail({ cfg: cfg(), chain: 'gw-group', key, trail: { onWrite: (n) => writes.push(n) } });
    await Promise.all(Array.from({ length: 300 }, (_, i) => trail.submit(sampleRecord(i), 'required')));
    await trail.close();
    expect(writes.length).toBeLessThanOrEqual(5);
    const records = (await db.rows(schema, 'gw-group')).map((r) => r.entry).filter((e): e is RecordEntry => e.kind === 'record');
    expect(new Set(records.map((r) => r.correlationId)).size).toBe(300);
    expect(records).toHaveLength(300);
    expect(await verifyStored(cfg(), 'gw-group', [key])).toMatchObject({ ok: true, records: 300 });
  });

  it('writes a batch beyond one INSERT (2500 entries) in one transaction, and a failing chunk leaves nothing of the earlier ones', async () => {
    const sink = new PostgresAuditSink(cfg(), undefined);
    const { head } = await sink.open('gw-chunks');
    expect(head).toEqual(EMPTY_HEAD);
    const records = Array.from({ length: 2500 }, (_, i) => sampleRecord(i));
    const { linked, lines } = link(head, 'gw-chunks', records, () => TEST_TIME, key);
    // Someone else's row where the third chunk goes: that INSERT fails on the primary key.
    await db.query(`INSERT INTO ${schema}.audit_entries (chain, seq, kind, time, entry) VALUES ('gw-chunks', 2200, 'record', now(), '{}')`);
    await expect(sink.write(linked, lines)).rejects.toThrow(/duplicate key/);
    expect(await db.query(`SELECT count(*)::int AS n FROM ${schema}.audit_entries WHERE chain = 'gw-chunks'`)).toEqual([{ n: 1 }]);

    await db.query(`DELETE FROM ${schema}.audit_entries WHERE chain = 'gw-chunks'`);
    await sink.write(linked, lines);
    await sink.close();
    expect(await db.query(`SELECT count(*)::int AS n, max(seq)::int AS last FROM ${schema}.audit_entries WHERE chain = 'gw-chunks'`)).toEqual([{ n: 2500, last: 2500 }]);
  });

  it('keeps two instances in one schema apart: each chain verifies on its own', async () => {
    const a = await startPgTrail({ cfg: cfg(), chain: 'gw-one', key });
    const other = auditKey();
    const b = await startPgTrail({ cfg: cfg(), chain: 'gw-two', key: other });
    await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? a : b).trail.submit(sampleRecord(i), 'required')));
    await Promise.all([a.trail.close(), b.trail.close()]);

    const source = postgresSource(cfg(), undefined);
    expect(await source.chains()).toEqual(expect.arrayContaining(['gw-one', 'gw-two']));
    await source.close();
    for (const r of await db.rows(schema, 'gw-one')) expect(r.entry.chain).toBe('gw-one');
    expect(await verifyStored(cfg(), 'gw-one', [key])).toMatchObject({ ok: true, records: 20 });
    expect(await verifyStored(cfg(), 'gw-two', [other])).toMatchObject({ ok: true, records: 20 });
    // Each chain is sealed by its own instance's key only.
    expect((await verifyStored(cfg(), 'gw-two', [key])).problems.map((p) => p.problem)).toEqual(['unknown-key']);
  });

  it('refuses a second process on a chain that another session is writing (advisory lock), and frees it at close', async () => {
    const holder = new PostgresAuditSink(cfg(), undefined);
    await holder.open('gw-lock');
    const intruder = new PostgresAuditSink(cfg(), undefined, { lockWaitMs: 200 });
    await expect(intruder.open('gw-lock')).rejects.toThrow(/audit chain gw-lock .* is being written by another session \(held by server process \d+, wsgate-audit gw-lock/);
    const trail = startPgTrail({ cfg: cfg(), chain: 'gw-lock', key, sinkOptions: { lockWaitMs: 200 } });
    await expect(trail).rejects.toThrow(/being written by another session/);

    await holder.close();
    const next = new PostgresAuditSink(cfg(), undefined, { lockWaitMs: 200 });
    await expect(next.open('gw-lock')).resolves.toMatchObject({ head: { seq: 0 } });
    await next.close();
  });

  it('replaces a connection the server killed before the next write, without an outage', async () => {
    // The session is found by its application name: unique, as parallel runs use the same database.
    const chain = `gw-kill-${randomBytes(4).toString('hex')}`;
    const { trail } = await startPgTrail({ cfg: cfg(), chain, key });
    await trail.submit(sampleRecord(1), 'required');
    const killed = await db.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE application_name = $1`, [`wsgate-audit ${chain}`]);
    expect(killed).toHaveLength(1);
    await db.query('SELECT pg_terminate_backend($1)', [killed[0]?.pid]);
    await waitFor('the killed session to end', async () => (await db.query(`SELECT 1 FROM pg_stat_activity WHERE pid = $1`, [killed[0]?.pid])).length === 0);

    await trail.submit(sampleRecord(2), 'required');
    expect(trail.available).toBe(true);
    await trail.close();
    const entries = (await db.rows(schema, chain)).map((r) => r.entry);
    expect(entries.filter((e) => e.kind === 'notice').map((e) => (e as NoticeEntry).event)).toEqual(['started']);
    expect(await verifyStored(cfg(), chain, [key])).toMatchObject({ ok: true, records: 2 });
  });

  it('refuses to continue a chain whose last stored entry was edited', async () => {
    const { trail } = await startPgTrail({ cfg: cfg(), chain: 'gw-edited-tail', key });
    await trail.close();
    await db.query(`UPDATE ${schema}.audit_entries SET entry = replace(entry, '"final":true', '"final":false') WHERE chain = 'gw-edited-tail' AND kind = 'checkpoint'`);
    await expect(startPgTrail({ cfg: cfg(), chain: 'gw-edited-tail', key })).rejects.toThrow(/does not match its hash: refusing to continue/);
  });

  it('finds records by the indexed columns, and trusts only the entry text', async () => {
    const { trail } = await startPgTrail({ cfg: cfg(), chain: 'gw-query', key });
    await trail.submit(sampleRecord(1), 'required');
    await trail.submit(sampleRecord(2, { operation: 'SubmitClaim', decision: 'rejected', fault: { code: 'GW_ERR_AUTHZ_DENIED', reason: 'no rule', detail: null }, principal: { kind: 'username', subject: 'alice', issuer: null, application: 'back-office' } }), 'required');
    await trail.submit(sampleRecord(3, { service: 'policies', operation: 'ListPolicies', principal: null }), 'required');
    await trail.close();
    const ids = async (f: Parameters<typeof queryRecords>[2]): Promise<string[]> => (await queryRecords(cfg(), undefined, { chain: 'gw-query', ...f })).map((r) => r.correlationId);

    expect(await ids({})).toEqual(['corr-1', 'corr-2', 'corr-3']);
    expect(await ids({ service: 'claims' })).toEqual(['corr-1', 'corr-2']);
    expect(await ids({ service: 'claims', operation: 'SubmitClaim' })).toEqual(['corr-2']);
    expect(await ids({ decision: 'rejected' })).toEqual(['corr-2']);
    expect(await ids({ faultCode: 'GW_ERR_AUTHZ_DENIED' })).toEqual(['corr-2']);
    expect(await ids({ principal: 'alice' })).toEqual(['corr-2']);
    expect(await ids({ application: 'claims-portal' })).toEqual(['corr-1']);
    expect(await ids({ from: new Date('2025-03-03T10:00:00.002Z') })).toEqual(['corr-2', 'corr-3']);
    expect(await ids({ to: new Date('2025-03-03T10:00:00.002Z') })).toEqual(['corr-1']);
    expect(await ids({ limit: 2 })).toEqual(['corr-1', 'corr-2']);
    expect(await ids({ service: "claims' OR '1'='1" })).toEqual([]);

    // An edited column can hide a rejection from queries, but cannot make a record match: verify names the row.
    await db.query(`UPDATE ${schema}.audit_entries SET decision = 'accepted' WHERE chain = 'gw-query' AND correlation_id = 'corr-2'`);
    expect(await ids({ decision: 'accepted' })).toEqual(['corr-1', 'corr-3']);
    const source = postgresSource(cfg(), undefined);
    expect(await source.indexProblems('gw-query')).toEqual([expect.objectContaining({ where: `postgres ${schema} chain=gw-query seq=3`, seq: 3, problem: 'modified', message: expect.stringContaining('columns decision do not match the entry text') })]);
    await source.close();
  });

  it('stores values a client controls (NUL, lone surrogate, a 5000-character subject) without failing the write', async () => {
    const { trail } = await startPgTrail({ cfg: cfg(), chain: 'gw-odd', key });
    const subject = `CN=${'x'.repeat(5000)}`;
    await trail.submit(sampleRecord(1, { correlationId: 'a\u0000b\uD800c', principal: { kind: 'x509', subject, issuer: null, application: null } }), 'required');
    await trail.close();
    const [row] = await db.query<{ correlation_id: string; principal_subject: string }>(`SELECT correlation_id, principal_subject FROM ${schema}.audit_entries WHERE chain = 'gw-odd' AND kind = 'record'`);
    expect(row).toEqual({ correlation_id: 'ab\uFFFDc', principal_subject: subject.slice(0, 200) });
    expect((await queryRecords(cfg(), undefined, { principal: subject })).map((r) => r.principal?.subject)).toEqual([subject]);
    expect(await verifyStored(cfg(), 'gw-odd', [key])).toMatchObject({ ok: true, records: 1 });
  });
});

describe.skipIf(!pgAvailable)('PostgreSQL audit schema migration', () => {
  let db: PgAdmin;
  beforeAll(async () => {
    db = await PgAdmin.connect();
  });
  afterAll(async () => {
    await db.close();
  });

  it('migrates a fresh schema exactly once when five instances start at the same time', async () => {
    const schema = freshSchema('migrate');
    try {
      const sinks = Array.from({ length: 5 }, () => new PostgresAuditSink(pgConfig(schema), undefined));
      await Promise.all(sinks.map((s, i) => s.open(`gw-${i}`)));
      await Promise.all(sinks.map((s) => s.close()));
      expect(await db.query(`SELECT version FROM ${schema}.schema_migrations`)).toEqual([{ version: 1 }]);

      const again = new PostgresAuditSink(pgConfig(schema), undefined);
      await again.open('gw-0');
      await again.close();
      expect(await db.query(`SELECT version FROM ${schema}.schema_migrations`)).toEqual([{ version: 1 }]);
    } finally {
      await db.dropSchema(schema);
    }
  });

  it('refuses a schema that a newer gateway migrated', async () => {
    const schema = freshSchema('newer');
    try {
      const sink = new PostgresAuditSink(pgConfig(schema), undefined);
      await sink.open('gw');
      await sink.close();
      await db.query(`INSERT INTO ${schema}.schema_migrations (version, description) VALUES (2, 'from the future')`);
      await expect(new PostgresAuditSink(pgConfig(schema), undefined).open('gw')).rejects.toThrow(/at version 2, newer than this gateway knows \(1\)/);
    } finally {
      await db.dropSchema(schema);
    }
  });

  it('runs as a role granted SELECT and INSERT only, which cannot change or remove a row', async () => {
    const schema = freshSchema('grants');
    const role = `wsgate_t_role_${randomBytes(4).toString('hex')}`;
    const key = auditKey();
    try {
      const setup = new PostgresAuditSink(pgConfig(schema), undefined);
      await setup.open('gw-setup');
      await setup.close();
      await db.query(`CREATE ROLE ${role} LOGIN`);
      await db.query(`GRANT USAGE ON SCHEMA ${schema} TO ${role}`);
      await db.query(`GRANT SELECT ON ${schema}.schema_migrations TO ${role}`);
      await db.query(`GRANT SELECT, INSERT ON ${schema}.audit_entries TO ${role}`);

      const { trail } = await startPgTrail({ cfg: pgConfig(schema, { user: role }), chain: 'gw-limited', key });
      await trail.submit(sampleRecord(1), 'required');
      await trail.close();
      expect(await verifyStored(pgConfig(schema), 'gw-limited', [key])).toMatchObject({ ok: true, records: 1 });

      await db.query(`SET ROLE ${role}`);
      try {
        await expect(db.query(`UPDATE ${schema}.audit_entries SET entry = '{}'`)).rejects.toThrow(/permission denied/);
        await expect(db.query(`DELETE FROM ${schema}.audit_entries`)).rejects.toThrow(/permission denied/);
      } finally {
        await db.query('RESET ROLE');
      }
    } finally {
      await db.dropSchema(schema);
      await db.query(`DROP OWNED BY ${role}`).catch(() => undefined);
      await db.query(`DROP ROLE IF EXISTS ${role}`);
    }
  });
});
