import { appendFileSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../src/audit/entries.ts';
import { FileAuditSink } from '../../../src/audit/sinks/file.ts';
import { readFileChain } from '../../../src/audit/sinks/file-read.ts';
import { verifyChain } from '../../../src/audit/verify.ts';
import { fileTrail, newAuditKey, sampleRecord, tempAuditDir } from '../../support/audit.ts';

const entriesOf = (dir: string): AuditEntry[] => readFileChain(dir, 'gw1').map((s) => s.entry as AuditEntry);

describe('audit trail over the file sink', () => {
  it('chains every record, seals every N records and at shutdown, and verifies', async () => {
    const dir = tempAuditDir();
    const key = newAuditKey();
    const trail = fileTrail(dir, key);
    await trail.start();
    for (let i = 1; i <= 25; i++) await trail.submit(sampleRecord(i), 'required');
    await trail.close();
    const entries = entriesOf(dir);
    expect(entries.filter((e) => e.kind === 'record')).toHaveLength(25);
    const cps = entries.filter((e) => e.kind === 'checkpoint');
    expect(cps.at(-1)).toMatchObject({ final: true, reason: 'shutdown', records: 25 });
    expect(cps.filter((c) => c.kind === 'checkpoint' && c.reason === 'count').map((c) => c.kind === 'checkpoint' && c.records)).toEqual([10, 20]);
    expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));
    const report = verifyChain('gw1', readFileChain(dir, 'gw1'), { publicKeys: [{ key: key.publicKey, keyId: key.keyId }] });
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ ok: true, records: 25 });
  });

  it('writes files 0600 in a 0700 directory', async () => {
    const dir = join(tempAuditDir(), 'nested');
    const trail = fileTrail(dir, newAuditKey());
    await trail.start();
    await trail.submit(sampleRecord(1), 'required');
    await trail.close();
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.jsonl'))) expect(statSync(join(dir, f)).mode & 0o777).toBe(0o600);
  });

  it('continues the chain across a restart in a new file chained to the previous one', async () => {
    const dir = tempAuditDir();
    const key = newAuditKey();
    for (let run = 0; run < 2; run++) {
      const trail = fileTrail(dir, key);
      await trail.start();
      await trail.submit(sampleRecord(run), 'required');
      await trail.close();
    }
    const files = readdirSync(dir).filter((n) => n.endsWith('.jsonl')).sort();
    expect(files).toHaveLength(2);
    const second = JSON.parse(readFileSync(join(dir, files[1] as string), 'utf8').split('\n')[0] as string) as AuditEntry;
    expect(second).toMatchObject({ kind: 'file', file: files[1], previousFile: files[0], records: 1 });
    expect(verifyChain('gw1', readFileChain(dir, 'gw1'), { publicKeys: [{ key: key.publicKey, keyId: key.keyId }] }).ok).toBe(true);
  });

  it('seals a tail left open by a crash with a recovery checkpoint and removes a torn last line', async () => {
    const dir = tempAuditDir();
    const key = newAuditKey();
    const crashed = fileTrail(dir, key);
    await crashed.start();
    await Promise.all([1, 2, 3].map((n) => crashed.submit(sampleRecord(n), 'required')));
    // The process dies: no shutdown checkpoint, half a line at the end, its lock left behind with a dead pid.
    const file = readdirSync(dir).find((n) => n.endsWith('.jsonl')) as string;
    appendFileSync(join(dir, file), '{"kind":"record","chain":"gw1","seq":');
    writeFileSync(join(dir, '.lock-gw1'), '4194999\n');
    const restarted = fileTrail(dir, key);
    await restarted.start();
    await restarted.submit(sampleRecord(4), 'required');
    await restarted.close();
    const entries = entriesOf(dir);
    expect(entries.find((e) => e.kind === 'notice' && e.event === 'recovered')).toMatchObject({ detail: expect.stringContaining('incomplete last line') });
    expect(entries.find((e) => e.kind === 'checkpoint' && e.reason === 'recovery')).toMatchObject({ records: 3 });
    const report = verifyChain('gw1', readFileChain(dir, 'gw1'), { publicKeys: [{ key: key.publicKey, keyId: key.keyId }] });
    expect(report.problems).toEqual([]);
    expect(report.records).toBe(4);
  });

  it('refuses a second writer on the same chain (two instances with one instanceId)', async () => {
    const dir = tempAuditDir();
    const key = newAuditKey();
    const first = fileTrail(dir, key);
    await first.start();
    await expect(fileTrail(dir, key).start()).rejects.toThrow(/being written by process/);
    await first.close();
  });

  it('drops best-effort records beyond the queue bound and says how many in the next checkpoint', async () => {
    const dir = tempAuditDir();
    const key = newAuditKey();
    const drops: string[] = [];
    const trail = fileTrail(dir, key, { maxQueue: 3, onDrop: (_m, why) => drops.push(why) });
    await trail.start();
    for (let i = 0; i < 10; i++) void trail.submit(sampleRecord(i), 'best-effort');
    await trail.close();
    expect(drops).toEqual(Array(7).fill('queue-full'));
    const entries = entriesOf(dir);
    expect(entries.filter((e) => e.kind === 'record')).toHaveLength(3);
    expect(entries.filter((e) => e.kind === 'checkpoint').reduce((n, e) => n + (e.kind === 'checkpoint' ? e.dropped : 0), 0)).toBe(7);
  });
});

describe('file sink rotation', () => {
  it('by size: each file opens with a file entry naming the previous one, each full file ends with a rotation checkpoint, and the chain verifies across files', async () => {
    const dir = tempAuditDir();
    const key = newAuditKey();
    const trail = fileTrail(dir, key, { sink: new FileAuditSink({ dir, maxBytes: 4000, daily: false }) });
    await trail.start();
    for (let i = 0; i < 20; i++) await trail.submit(sampleRecord(i), 'required');
    await trail.close();
    const files = readdirSync(dir).filter((n) => n.endsWith('.jsonl')).sort();
    expect(files.length).toBeGreaterThan(3);
    files.forEach((name, i) => {
      const lines = readFileSync(join(dir, name), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as AuditEntry);
      expect(lines[0]).toMatchObject({ kind: 'file', file: name, previousFile: i === 0 ? null : files[i - 1] });
      if (i < files.length - 1) expect(lines.at(-1)).toMatchObject({ kind: 'checkpoint', reason: 'rotation' });
      if (i < files.length - 1) expect(statSync(join(dir, name)).size).toBeLessThan(4000 + 3000);
    });
    const report = verifyChain('gw1', readFileChain(dir, 'gw1'), { publicKeys: [{ key: key.publicKey, keyId: key.keyId }] });
    expect(report.problems).toEqual([]);
    expect(report.records).toBe(20);
  });

  it('by day: the first write after UTC midnight starts a file named for the new day', async () => {
    const dir = tempAuditDir();
    const key = newAuditKey();
    let now = new Date('2026-11-28T23:59:58Z');
    const trail = fileTrail(dir, key, { clock: { now: () => now } });
    await trail.start();
    await trail.submit(sampleRecord(1), 'required');
    now = new Date('2026-11-29T00:00:01Z');
    await trail.submit(sampleRecord(2), 'required');
    await trail.close();
    const files = readdirSync(dir).filter((n) => n.endsWith('.jsonl')).sort();
    expect(files).toEqual(['audit-gw1-000001-20261128.jsonl', 'audit-gw1-000002-20261129.jsonl']);
    expect(verifyChain('gw1', readFileChain(dir, 'gw1'), { publicKeys: [{ key: key.publicKey, keyId: key.keyId }] }).ok).toBe(true);
  });
});
