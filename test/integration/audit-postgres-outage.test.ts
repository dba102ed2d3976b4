import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { NoticeEntry, RecordEntry } from '../../src/audit/entries.ts';
import type { PostgresSinkOptions } from '../../src/audit/sinks/postgres.ts';
import { AuditUnavailableError } from '../../src/audit/trail.ts';
import { auditKey, sampleRecord, startPgTrail, verifyStored, waitFor } from '../support/postgres-trail.ts';
import { freshSchema, PgAdmin, pgAvailable, pgConfig } from '../support/postgres.ts';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts';

/** The sink reaches PostgreSQL through a TCP proxy the tests break; short timeouts keep the failures quick. */
describe.skipIf(!pgAvailable)('PostgreSQL audit sink outage and recovery', () => {
  const schema = freshSchema('outage');
  const key = auditKey();
  const sinkOptions: PostgresSinkOptions = { queryTimeoutMs: 500, lockWaitMs: 1000 };
  let db: PgAdmin;
  let proxy: TcpProxy;
  let n = 0;
  let chain = '';
  const viaProxy = (): ReturnType<typeof pgConfig> => pgConfig(schema, { port: proxy.port, connectTimeoutMs: 500 });
  const direct = (): ReturnType<typeof pgConfig> => pgConfig(schema);
  const storedIds = async (): Promise<string[]> => (await db.rows(schema, chain)).map((r) => r.entry).filter((e): e is RecordEntry => e.kind === 'record').map((e) => e.correlationId);
  const notices = async (): Promise<NoticeEntry[]> => (await db.rows(schema, chain)).map((r) => r.entry).filter((e): e is NoticeEntry => e.kind === 'notice');

  beforeAll(async () => {
    db = await PgAdmin.connect();
  });
  afterAll(async () => {
    await db.dropSchema(schema);
    await db.close();
  });
  beforeEach(async () => {
    chain = `gw-${++n}`;
    const { host, port } = pgConfig(schema);
    proxy = await startTcpProxy(host, port);
  });
  afterEach(async () => {
    await proxy.close();
  });

  it('PostgreSQL down: required records are refused with AuditUnavailableError, best-effort ones queue to the bound and the rest count as drops; back up: the trail recovers and chains a sink-outage notice', async () => {
    const drops: string[] = [];
    const { trail } = await startPgTrail({ cfg: viaProxy(), chain, key, sinkOptions, trail: { maxQueue: 3, onDrop: (mode, why) => drops.push(`${mode}:${why}`) } });
    await trail.submit(sampleRecord(1), 'required');

    proxy.cut();
    await expect(trail.submit(sampleRecord(2), 'required')).rejects.toBeInstanceOf(AuditUnavailableError);
    expect(trail.available).toBe(false);
    await expect(trail.submit(sampleRecord(3), 'required')).rejects.toBeInstanceOf(AuditUnavailableError);
    for (let i = 4; i <= 8; i++) await expect(trail.submit(sampleRecord(i), 'best-effort')).resolves.toBeUndefined();
    expect(drops).toEqual(['required:sink-failed', 'required:sink-failed', 'best-effort:queue-full', 'best-effort:queue-full']);
    expect(await storedIds()).toEqual(['corr-1']);

    proxy.restore();
    await waitFor('the trail to probe the sink successfully', () => trail.available);
    await trail.submit(sampleRecord(9), 'required');
    await trail.close();

    // The queued best-effort records made it; the refused and dropped ones did not.
    expect(await storedIds()).toEqual(['corr-1', 'corr-4', 'corr-5', 'corr-6', 'corr-9']);
    const outage = (await notices()).filter((e) => e.event === 'sink-outage');
    expect(outage).toHaveLength(1);
    expect(outage[0]?.detail).toContain('4 records could not be written');
    const report = await verifyStored(direct(), chain, [key]);
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ ok: true, records: 5, dropped: 4 });
  });

  it('a silent link (nothing passes, nothing is reset) fails the write within the timeouts instead of hanging it', async () => {
    const { trail } = await startPgTrail({ cfg: viaProxy(), chain, key, sinkOptions });
    await trail.submit(sampleRecord(1), 'required');

    proxy.freeze();
    const t0 = performance.now();
    await expect(trail.submit(sampleRecord(2), 'required')).rejects.toBeInstanceOf(AuditUnavailableError);
    // 1.5 s query timeout + 0.5 s to find the reconnect going nowhere.
    expect(performance.now() - t0).toBeLessThan(4000);

    proxy.restore();
    await waitFor('the trail to recover', () => trail.available);
    await trail.submit(sampleRecord(3), 'required');
    await trail.close();
    expect(await storedIds()).toEqual(['corr-1', 'corr-3']);
    expect(await verifyStored(direct(), chain, [key])).toMatchObject({ ok: true, records: 2, dropped: 1 });
  });

  it('a write whose answer was lost is settled on a new connection: stored, so the required record is not refused', async () => {
    const { trail } = await startPgTrail({ cfg: viaProxy(), chain, key, sinkOptions });
    proxy.swallowRepliesAfter('INSERT INTO', 'up');
    await expect(trail.submit(sampleRecord(1), 'required')).resolves.toBeUndefined();
    expect(trail.available).toBe(true);
    await trail.submit(sampleRecord(2), 'required');
    await trail.close();
    expect(await storedIds()).toEqual(['corr-1', 'corr-2']);
    expect(await verifyStored(direct(), chain, [key])).toMatchObject({ ok: true, records: 2, dropped: 0 });
  });

  it('a write whose answer was lost while PostgreSQL stays away is refused; found stored later, the trail continues from the store after recovery', async () => {
    const first = await startPgTrail({ cfg: viaProxy(), chain, key, sinkOptions });
    proxy.swallowRepliesAfter('INSERT INTO', 'cut');
    await expect(first.trail.submit(sampleRecord(1), 'required')).rejects.toBeInstanceOf(AuditUnavailableError);
    // The INSERT reached the server and committed; only its answer was lost.
    await waitFor('the record to be visible', async () => (await storedIds()).includes('corr-1'));

    proxy.restore();
    // The trail's probe finds the store ahead of it and continues from the store's head.
    await waitFor("the trail to recover", () => first.trail.available);
    await first.trail.submit(sampleRecord(2), 'required');
    await first.trail.close();
    expect(await storedIds()).toEqual(['corr-1', 'corr-2']);
    expect(await verifyStored(direct(), chain, [key])).toMatchObject({ ok: true, records: 2 });
  });
});
