import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { auditWritesBetween, measureDurableAppends, scrapeAuditWrites, shareSlowerThan, sumAuditWrites } from '../../../bench/latency-floor.ts';
import { GatewayMetrics } from '../../../src/plugins/metrics.ts';

/** Serves a GatewayMetrics registry at /metrics, as the admin listener does. */
async function serve(metrics: GatewayMetrics): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((_req, res) => {
    metrics.registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('bench latency floor: the audit writes read from a gateway /metrics', () => {
  const open: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of open.splice(0)) await close();
  });

  it('counts writes, entries and the writes slower than a bucket bound, as deltas between two scrapes', async () => {
    const metrics = new GatewayMetrics({ defaultMetrics: false });
    const admin = await serve(metrics);
    open.push(admin.close);
    metrics.audit.onWrite(1, 0.3); // before the run: not counted
    const before = await scrapeAuditWrites(admin.url);
    metrics.audit.onWrite(1, 0.4);
    metrics.audit.onWrite(2, 3);
    metrics.audit.onWrite(3, 7); // > 5 ms
    metrics.audit.onWrite(2, 30); // > 5 ms and > 10 ms
    const run = auditWritesBetween(before, await scrapeAuditWrites(admin.url));
    expect(run.writes).toBe(4);
    expect(run.entries).toBe(8);
    expect(shareSlowerThan(run, 0.0025)).toBeCloseTo(3 / 4);
    expect(shareSlowerThan(run, 0.005)).toBeCloseTo(2 / 4);
    expect(shareSlowerThan(run, 0.01)).toBeCloseTo(1 / 4);
    expect(shareSlowerThan(run, 0.003), 'not a bucket bound').toBeNaN();
    const both = sumAuditWrites([run, run]);
    expect(both.writes).toBe(8);
    expect(shareSlowerThan(both, 0.005)).toBeCloseTo(2 / 4);
  });

  it('reads zero writes from a gateway without an audit trail', async () => {
    const admin = await serve(new GatewayMetrics({ defaultMetrics: false }));
    open.push(admin.close);
    const w = await scrapeAuditWrites(admin.url);
    expect(w.writes).toBe(0);
    expect(shareSlowerThan(w, 0.005)).toBeNaN();
  });

  it('times durable appends in a directory of its own and leaves nothing behind', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'wsgate-floor-test-'));
    open.push(async () => rmSync(parent, { recursive: true, force: true }));
    const a = await measureDurableAppends(parent, 20, 200);
    expect(readdirSync(parent)).toEqual([]);
    expect(a.appends).toBe(20);
    expect(a.p50).toBeGreaterThan(0);
    expect(a.p99).toBeGreaterThanOrEqual(a.p50);
    expect(a.max).toBeGreaterThanOrEqual(a.p99);
  });
});
