/**
 * The file sink's tampering matrix through `wsgate audit verify`: every edit an insider could make
 * to the JSON Lines files is found, with the file:line where the chain breaks.
 */
import { appendFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entryHash, signCheckpointHash } from '../../../src/audit/chain.ts';
import type { AuditEntry } from '../../../src/audit/entries.ts';
import { audit, type ChainFixture, copyDir, entryAt, jsonlFiles, linesOf, mixedSpecs, newKey, removeTempDirs, writeChain, writeLines } from './fixture.ts';

afterAll(removeTempDirs);

let f: ChainFixture;
let files: string[];
/** The second file: line 1 file entry (seq 10), lines 2-6 records (seq 11-15), 7 count checkpoint (16), 8 rotation checkpoint (17). */
let middle: string;

beforeAll(async () => {
  f = await writeChain(mixedSpecs(23), { maxBytes: 6000, everyRecords: 5 });
  files = jsonlFiles(f.dir);
  middle = files[1] as string;
});

const verify = (dir: string, ...extra: string[]) => audit(['verify', '--dir', dir, '--key', f.pinnedKey, ...extra]);

/** A copy of the trail with one file's lines changed. */
function tampered(file: string, change: (lines: string[]) => string[]): string {
  const dir = copyDir(f.dir);
  writeLines(join(dir, file), change(linesOf(join(dir, file))));
  return dir;
}

describe('wsgate audit verify on a file sink', () => {
  it('an untouched chain verifies: exit 0, the counts, OK', async () => {
    expect(files.length).toBeGreaterThanOrEqual(4);
    const r = await verify(f.dir);
    expect(r.code).toBe(0);
    expect(r.out).toContain('chain gw1: OK');
    expect(r.out).toMatch(/entries 38, records 23, checkpoints \d+, sealed through seq 38, dropped 0/);
    expect(r.out).toContain('result: OK, 1 chain verified');
  });

  it('edited field of a record line: modified, at that file:line', async () => {
    const seq = entryAt(join(f.dir, middle), 3).seq;
    const dir = tampered(middle, (lines) => lines.map((l, i) => (i === 2 ? l.replace('"status":200', '"status":201') : l)));
    const r = await verify(dir);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`${middle}:3  seq ${seq}  modified:`);
    expect(r.out).toContain('chain gw1: FAILED (1 problem)');
  });

  it('deleted record line: the next entry is reported missing-or-reordered and chain-broken at the gap', async () => {
    const dir = tampered(middle, (lines) => lines.filter((_, i) => i !== 2));
    const r = await verify(dir);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`${middle}:3  seq 13  missing-or-reordered: expected seq 12, found 13: 1 entry is missing before it`);
    expect(r.out).toContain(`${middle}:3  seq 13  chain-broken:`);
  });

  it('two lines swapped: out of order at the first of them', async () => {
    const dir = tampered(middle, (lines) => [lines[0], lines[2], lines[1], ...lines.slice(3)] as string[]);
    const r = await verify(dir);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`${middle}:2  seq 12  missing-or-reordered: expected seq 11, found 12`);
    expect(r.out).toContain(`${middle}:3  seq 11  missing-or-reordered: expected seq 13, found 11: entry out of order or inserted`);
  });

  it('a forged record inserted with a correct hash: the chain breaks right after it', async () => {
    const dir = tampered(middle, (lines) => {
      const before = JSON.parse(lines[2] as string) as AuditEntry;
      const forged = { ...(JSON.parse(lines[2] as string) as Record<string, unknown>), correlationId: 'forged', seq: before.seq + 1, prev: before.hash };
      const withHash = { ...forged, hash: entryHash(forged as unknown as AuditEntry) };
      return [...lines.slice(0, 3), JSON.stringify(withHash), ...lines.slice(3)];
    });
    const r = await verify(dir);
    expect(r.code).toBe(1);
    expect(r.out).not.toContain(`${middle}:4 `);
    expect(r.out).toContain(`${middle}:5  seq 13  missing-or-reordered: expected seq 14, found 13: entry out of order or inserted`);
    expect(r.out).toContain(`${middle}:5  seq 13  chain-broken:`);
  });

  it('truncated tail (final checkpoint gone): not-closed at the last line left', async () => {
    const last = files.at(-1) as string;
    const dir = tampered(last, (lines) => lines.slice(0, -2));
    const r = await verify(dir);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(new RegExp(`${last}:3  seq 36  not-closed: the chain does not end with a final checkpoint`));
    expect(r.out).toContain('sealed through seq 33');
  });

  it('deleted checkpoint line: missing-or-reordered where it was', async () => {
    expect(entryAt(join(f.dir, middle), 7).kind).toBe('checkpoint');
    const dir = tampered(middle, (lines) => lines.filter((_, i) => i !== 6));
    const r = await verify(dir);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`${middle}:7  seq 17  missing-or-reordered: expected seq 16, found 17: 1 entry is missing before it`);
  });

  it('key replaced (every checkpoint re-signed, chain re-linked, .pub.pem swapped): unknown-key at each checkpoint with the pinned key', async () => {
    const dir = copyDir(f.dir);
    const forger = newKey();
    let prev = '0'.repeat(64);
    for (const file of jsonlFiles(dir)) {
      const out = linesOf(join(dir, file)).map((line) => {
        const e = JSON.parse(line) as Record<string, unknown>;
        const { hash: _h, sig: _s, ...rest } = e;
        const body = { ...rest, prev, ...(e['kind'] === 'checkpoint' ? { keyId: forger.keyId } : {}) };
        const hash = entryHash(body as unknown as AuditEntry);
        prev = hash;
        return JSON.stringify(e['kind'] === 'checkpoint' ? { ...body, hash, sig: signCheckpointHash(hash, forger) } : { ...body, hash });
      });
      writeLines(join(dir, file), out);
    }
    writeFileSync(join(dir, 'audit-signing.key.pub.pem'), forger.publicPem);
    const r = await verify(dir);
    expect(r.code).toBe(1);
    const first = files[0] as string;
    expect(r.out).toContain(`${first}:8  seq 8  unknown-key: checkpoint signed by key ${forger.keyId}, which is not a trusted audit key`);
    expect(r.out).toContain(`${middle}:7  seq 16  unknown-key`);
    expect(r.out).toContain('sealed through seq none');
    // The forgery is only consistent with the key the forger put beside it, which is never trusted by itself.
    const withDataKey = await audit(['verify', '--dir', dir, '--key', join(dir, 'audit-signing.key.pub.pem')]);
    expect(withDataKey.code).toBe(0);
  });

  it('torn last line: unreadable at its position', async () => {
    const dir = copyDir(f.dir);
    const last = files.at(-1) as string;
    const n = linesOf(join(dir, last)).length;
    appendFileSync(join(dir, last), '{"kind":"record","chain":"gw1","se');
    const r = await verify(dir);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`${last}:${n + 1}  unreadable: not valid JSON (truncated or edited line)`);
  });

  it('a whole rotated file deleted in the middle: the next file does not link, at its first line', async () => {
    const dir = copyDir(f.dir);
    rmSync(join(dir, files[2] as string));
    const r = await verify(dir);
    expect(r.code).toBe(1);
    const next = files[3] as string;
    expect(r.out).toContain(`${next}:1  seq 26  missing-or-reordered: expected seq 18, found 26: 8 entries are missing before it`);
    expect(r.out).toContain(`${next}:1  seq 26  chain-broken:`);
    expect(r.out).toContain(`${next}:1  seq 26  bad-file-link: file entry names ${files[2]} as the previous file, the chain came from ${middle}`);
  });

  it('the first file deleted: the chain does not start at seq 1', async () => {
    const dir = copyDir(f.dir);
    rmSync(join(dir, files[0] as string));
    const r = await verify(dir);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`${middle}:1  seq 10  missing-or-reordered: expected seq 1, found 10: 9 entries are missing before it`);
    expect(r.out).toContain(`${middle}:1  seq 10  chain-broken:`);
  });

  it('--json reports the same problems with their positions', async () => {
    const dir = tampered(middle, (lines) => lines.map((l, i) => (i === 2 ? l.replace('"status":200', '"status":201') : l)));
    const r = await verify(dir, '--json');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.out) as { ok: boolean; chains: { chain: string; ok: boolean; problems: { where: string; problem: string }[] }[] };
    expect(report.ok).toBe(false);
    expect(report.chains[0]?.problems).toEqual([expect.objectContaining({ where: `${middle}:3`, problem: 'modified' })]);
  });
});
