/** `wsgate audit export` and `wsgate audit verify --bundle`: what the bundle holds and what breaks it. */
import { appendFileSync, cpSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifestDigest, type BundleManifest } from '../../../src/audit/bundle.ts';
import { entryHash } from '../../../src/audit/chain.ts';
import type { AuditEntry } from '../../../src/audit/entries.ts';
import { audit, type ChainFixture, copyDir, jsonlFiles, linesOf, mixedSpecs, newKey, removeTempDirs, tempDir, writeChain, writeLines } from './fixture.ts';

afterAll(removeTempDirs);

let f: ChainFixture;

beforeAll(async () => {
  // 48 records, one every 30 minutes from 2026-03-02 08:00: a day's worth, rotated into several files.
  f = await writeChain(mixedSpecs(48), { maxBytes: 9000, everyRecords: 5 });
});

async function exportTo(...args: string[]): Promise<string> {
  const out = join(tempDir('wsgate-bundle-'), 'bundle');
  const r = await audit(['export', '--dir', f.dir, '--key', f.pinnedKey, '--out', out, ...args]);
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  return out;
}

/** The bundle moved to another place, as an auditor receives it. */
function elsewhere(bundle: string): string {
  const to = join(tempDir('wsgate-received-'), 'evidence');
  cpSync(bundle, to, { recursive: true });
  return to;
}

const manifestOf = (dir: string): BundleManifest => JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as BundleManifest;
const verifyBundle = (dir: string, ...args: string[]) => audit(['verify', '--bundle', dir, ...args]);

function rewriteManifest(dir: string, change: (m: BundleManifest) => Omit<BundleManifest, 'digest'>): void {
  const m = change(manifestOf(dir));
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...m, digest: manifestDigest(m) }, null, 2));
}

const sha256 = async (file: string): Promise<string> => (await import('node:crypto')).createHash('sha256').update(readFileSync(file)).digest('hex');

describe('wsgate audit export / verify --bundle', () => {
  let whole: string;
  beforeAll(async () => {
    whole = await exportTo();
  });

  it('holds the segments as stored, the public key, manifest.json and summary.txt; 0600 files in a 0700 directory', () => {
    expect(statSync(whole).mode & 0o777).toBe(0o700);
    const names = readdirSync(whole).sort();
    expect(names).toEqual([...jsonlFiles(f.dir), 'manifest.json', 'public-key.pem', 'summary.txt'].sort());
    for (const n of names) expect(statSync(join(whole, n)).mode & 0o777).toBe(0o600);
    for (const n of jsonlFiles(f.dir)) expect(readFileSync(join(whole, n), 'utf8')).toBe(readFileSync(join(f.dir, n), 'utf8'));
    expect(readFileSync(join(whole, 'public-key.pem'), 'utf8')).toBe(f.key.publicPem);
    const m = manifestOf(whole);
    expect(m).toMatchObject({ format: 'wsgate-audit-bundle', version: 1, createdAt: '2026-04-01T09:00:00.000Z', keys: [{ file: 'public-key.pem', keyId: f.key.keyId }] });
    expect(m.chains).toEqual([expect.objectContaining({ chain: 'gw1', firstSeq: 1, prev: '0'.repeat(64), records: 48, recordsInPeriod: 48 })]);
    expect(Object.keys(m.files).sort()).toEqual(names.filter((n) => n !== 'manifest.json'));
  });

  it('summary.txt: period, counts by decision, operation, application, principal, fault codes, status at export', () => {
    const s = readFileSync(join(whole, 'summary.txt'), 'utf8');
    expect(s).toContain('Period:   the start of the trail (inclusive) to the end of the trail (exclusive)');
    expect(s).toContain('Records in the period: 48');
    expect(s).toMatch(/By decision\n {2}36 {2}accepted\n {2}12 {2}rejected\n/);
    expect(s).toMatch(/By operation\n {2}12 {2}CancelPolicy\n {2}12 {2}GetPolicy\n/);
    expect(s).toMatch(/By application\n {2}32 {2}claims-batch\n {2}16 {2}broker-portal\n/);
    expect(s).toContain('CN=broker-portal,O=Insurer');
    expect(s).toMatch(/Rejection reasons \(fault codes\)\n {2}6 {2}GW_ERR_AUTHZ_DENIED {2}\(rejected\)\n {2}6 {2}GW_ERR_SEC_REJECTED {2}\(rejected\)/);
    expect(s).toContain('verification at export time: OK');
  });

  it('a copy in another directory verifies on its own, printing the key id to compare out of band', async () => {
    const copy = elsewhere(whole);
    const r = await verifyBundle(copy);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`key in the bundle: ${f.key.keyId} (public-key.pem)`);
    expect(r.out).toContain('Compare the key id above, out of band');
    expect(r.out).toContain('result: OK, the bundle verifies');
  });

  it('--key pins the published key: matches, exit 0', async () => {
    const r = await verifyBundle(elsewhere(whole), '--key', f.pinnedKey);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`key pinned with --key: ${f.key.keyId} (matches the bundle)`);
  });

  it('--key with another key: KEY MISMATCH, checkpoints untrusted, exit 1', async () => {
    const other = join(tempDir(), 'other.pub.pem');
    const key = newKey();
    writeFileSync(other, key.publicPem);
    const r = await verifyBundle(elsewhere(whole), '--key', other);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`KEY MISMATCH: the bundle's key ${f.key.keyId} is NOT the key you gave (${key.keyId})`);
    expect(r.out).toContain('unknown-key');
  });

  it('editing any file of the bundle fails, naming the file', async () => {
    for (const name of readdirSync(whole)) {
      const copy = elsewhere(whole);
      const path = join(copy, name);
      if (name === 'manifest.json') rewriteEdit(path, (m) => ({ ...m, createdAt: '2026-01-01T00:00:00.000Z' }));
      else if (name.endsWith('.jsonl')) writeFileSync(path, readFileSync(path, 'utf8').replace('"status":200', '"status":201'));
      else appendFileSync(path, name.endsWith('.pem') ? '\n' : 'one more line\n');
      const r = await verifyBundle(copy, '--key', f.pinnedKey);
      expect(r.code, name).toBe(1);
      expect(r.out, name).toMatch(new RegExp(`^ {2}${name.replaceAll('.', '\\.')}(:\\d+)? .*(file-modified|modified)`, 'm'));
      expect(r.out, name).toContain('result: FAILED, the bundle does not verify');
    }
  });

  it('a record edited and every hash recomputed (file hashes, manifest digest) is still found by the chain', async () => {
    const copy = elsewhere(whole);
    const file = jsonlFiles(copy)[1] as string;
    writeLines(
      join(copy, file),
      linesOf(join(copy, file)).map((l, i) => {
        if (i !== 2) return l;
        const e = JSON.parse(l) as Record<string, unknown>;
        const edited = { ...e, status: 299 };
        return JSON.stringify({ ...edited, hash: entryHash(edited as unknown as AuditEntry) });
      }),
    );
    const hash = await sha256(join(copy, file));
    rewriteManifest(copy, (m) => ({ ...m, files: { ...m.files, [file]: hash } }));
    const r = await verifyBundle(copy, '--key', f.pinnedKey);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`${file}:4  seq `);
    expect(r.out).toMatch(new RegExp(`${file.replaceAll('.', '\\.')}:4 {2}seq \\d+ {2}chain-broken`));
  });

  it('a summary that lies about the counts (hashes recomputed) is found: summary.txt does not match the records', async () => {
    const copy = elsewhere(whole);
    const path = join(copy, 'summary.txt');
    writeFileSync(path, readFileSync(path, 'utf8').replace('12  rejected', ' 2  rejected'));
    const hash = await sha256(path);
    rewriteManifest(copy, (m) => ({ ...m, files: { ...m.files, 'summary.txt': hash } }));
    const r = await verifyBundle(copy, '--key', f.pinnedKey);
    expect(r.code).toBe(1);
    expect(r.out).toContain('summary.txt  summary: summary.txt does not match the records in the bundle');
  });

  it('a file added to the bundle, or one removed, is named', async () => {
    const added = elsewhere(whole);
    writeFileSync(join(added, 'notes.txt'), 'hello');
    expect((await verifyBundle(added)).out).toContain('notes.txt  file-unlisted');
    const removed = elsewhere(whole);
    const file = jsonlFiles(removed)[0] as string;
    rmSync(join(removed, file));
    const r = await verifyBundle(removed);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`${file}  file-missing`);
  });

  it('a middle period: the segment starts at the last checkpoint at or before --from, ends at the first after --to, and verifies', async () => {
    const out = await exportTo('--from', '2026-03-02T14:00:00Z', '--to', '2026-03-02T20:00:00Z');
    const m = manifestOf(out);
    const c = m.chains[0];
    expect(c).toBeDefined();
    if (c === undefined) return;
    expect(c.firstSeq).toBeGreaterThan(1);
    expect(c.recordsInPeriod).toBe(12);
    expect(c.records).toBeGreaterThan(12);
    const first = JSON.parse(linesOf(join(out, c.files[0] as string))[0] as string) as AuditEntry;
    expect(first).toMatchObject({ kind: 'checkpoint', seq: c.firstSeq, prev: c.prev });
    expect(Date.parse(first.time)).toBeLessThanOrEqual(Date.parse('2026-03-02T14:00:00Z'));
    const lastFile = c.files.at(-1) as string;
    const last = JSON.parse(linesOf(join(out, lastFile)).at(-1) as string) as AuditEntry;
    expect(last).toMatchObject({ kind: 'checkpoint', seq: c.lastSeq });
    expect(Date.parse(last.time)).toBeGreaterThanOrEqual(Date.parse('2026-03-02T20:00:00Z'));
    const r = await verifyBundle(elsewhere(out), '--key', f.pinnedKey);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`seq ${c.firstSeq} to ${c.lastSeq}: entries ${c.entries}, records ${c.records} (12 in the period), sealed through seq ${c.lastSeq}`);
    expect(readFileSync(join(out, 'summary.txt'), 'utf8')).toContain('Records in the period: 12');
  });

  it('a bundle cut short at an earlier checkpoint (manifest recomputed) no longer covers its period: coverage', async () => {
    const out = elsewhere(await exportTo('--from', '2026-03-02T14:00:00Z', '--to', '2026-03-02T20:00:00Z'));
    const m = manifestOf(out);
    const c = m.chains[0] as BundleManifest['chains'][number];
    const entries = c.files.flatMap((file) => linesOf(join(out, file)).map((line) => ({ file, e: JSON.parse(line) as AuditEntry })));
    const cps = entries.filter((x) => x.e.kind === 'checkpoint');
    const cut = cps.at(-3) as { file: string; e: AuditEntry };
    const kept = entries.filter((x) => x.e.seq <= cut.e.seq);
    const files: Record<string, string> = { ...m.files };
    for (const file of c.files) {
      const lines = kept.filter((x) => x.file === file).map((x) => JSON.stringify(x.e));
      if (lines.length === 0) {
        rmSync(join(out, file));
        delete files[file];
      } else {
        writeLines(join(out, file), lines);
        files[file] = await sha256(join(out, file));
      }
    }
    const records = kept.filter((x) => x.e.kind === 'record').map((x) => x.e as AuditEntry & { receivedAt: string });
    const inPeriod = records.filter((r) => r.receivedAt >= '2026-03-02T14:00:00.000Z' && r.receivedAt < '2026-03-02T20:00:00.000Z').length;
    const chain = { ...c, files: c.files.filter((f) => files[f] !== undefined), lastSeq: cut.e.seq, entries: kept.length, records: records.length, recordsInPeriod: inPeriod, checkpoints: kept.filter((x) => x.e.kind === 'checkpoint').length, lastTime: cut.e.time };
    rewriteManifest(out, (x) => ({ ...x, chains: [chain], files }));
    const r = await verifyBundle(out, '--key', f.pinnedKey);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(new RegExp(`seq ${cut.e.seq} {2}coverage: the segment ends at seq ${cut.e.seq} \\(${cut.e.time.replaceAll('.', '\\.')}\\), before the end of the period`));
  });

  it('a chain still being written: with --open the unsealed tail is left out and said so; the bundle verifies', async () => {
    const open = await writeChain(mixedSpecs(8), { everyRecords: 5, open: true });
    const out = join(tempDir('wsgate-bundle-'), 'bundle');
    const r = await audit(['export', '--dir', open.dir, '--key', open.pinnedKey, '--open', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('NOTE: 3 entries after seq');
    expect(r.out).toContain('(3 records in the period) are not sealed by a checkpoint yet and were left out');
    expect(readFileSync(join(out, 'summary.txt'), 'utf8')).toContain('NOTE: 3 entries after seq');
    expect((await verifyBundle(out, '--key', open.pinnedKey)).code).toBe(0);
  });

  it('exporting a damaged chain writes the bundle, reports the problems in summary.txt, exits 1; the bundle fails too', async () => {
    const damaged = copyDir(f.dir);
    const file = jsonlFiles(damaged)[0] as string;
    writeLines(join(damaged, file), linesOf(join(damaged, file)).filter((_, i) => i !== 3));
    const out = join(tempDir('wsgate-bundle-'), 'bundle');
    const r = await audit(['export', '--dir', damaged, '--key', f.pinnedKey, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('chain gw1 did not verify at export time');
    expect(readFileSync(join(out, 'summary.txt'), 'utf8')).toMatch(new RegExp(`FAILED: \\d+ problem\\(s\\) in the whole chain\\n {6}${file.replaceAll('.', '\\.')}:4 {2}missing-or-reordered`));
    expect((await verifyBundle(out, '--key', f.pinnedKey)).code).toBe(1);
  });

  it('refuses to write into a directory that is not empty (exit 2), and needs --out', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'x'), 'x');
    const r = await audit(['export', '--dir', f.dir, '--key', f.pinnedKey, '--out', dir]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('exists and is not empty');
    expect((await audit(['export', '--dir', f.dir, '--key', f.pinnedKey])).err).toContain('export needs --out DIR');
  });

  it('verify --bundle on a directory without a manifest: exit 1, says so; a missing directory: exit 2', async () => {
    const r = await verifyBundle(tempDir());
    expect(r.code).toBe(1);
    expect(r.out).toContain('manifest.json is missing');
    expect((await verifyBundle(join(tempDir(), 'nope'))).code).toBe(2);
    expect((await audit(['verify', '--bundle', whole, '--dir', f.dir])).code).toBe(2);
  });
});

function rewriteEdit(path: string, change: (m: BundleManifest) => BundleManifest): void {
  writeFileSync(path, JSON.stringify(change(JSON.parse(readFileSync(path, 'utf8')) as BundleManifest), null, 2));
}
