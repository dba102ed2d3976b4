import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entryHash, signCheckpointHash } from '../../src/audit/chain.ts';
import type { AuditEntry } from '../../src/audit/entries.ts';
import type { AuditSigningKey } from '../../src/audit/keys.ts';
import { postgresSource } from '../../src/audit/sinks/postgres-read.ts';
import type { VerifyProblem } from '../../src/audit/verify.ts';
import { auditKey, sampleRecord, startPgTrail, verifyStored, whereOf } from '../support/postgres-trail.ts';
import { freshSchema, PgAdmin, pgAvailable, pgConfig } from '../support/postgres.ts';

/*
 * Every case starts from the same closed chain of 16 entries:
 *   seq 1 notice(started) · 2–6 records r1–r5 · 7 checkpoint · 8–12 r6–r10 · 13 checkpoint ·
 *   14–15 r11–r12 · 16 final checkpoint
 * and changes the store with SQL, as someone with access to the database could.
 */
describe.skipIf(!pgAvailable)('PostgreSQL audit store: tampering is detected with its position', () => {
  const schema = freshSchema('tamper');
  const key = auditKey();
  const forger = auditKey();
  const table = `${schema}.audit_entries`;
  let db: PgAdmin;
  let n = 0;

  beforeAll(async () => {
    db = await PgAdmin.connect();
  });
  afterAll(async () => {
    await db.dropSchema(schema);
    await db.close();
  });

  async function closedChain(): Promise<string> {
    const chain = `t-${++n}`;
    const { trail } = await startPgTrail({ cfg: pgConfig(schema), chain, key, trail: { checkpoint: { everyRecords: 5, everySeconds: 3600 } } });
    for (let i = 1; i <= 12; i++) await trail.submit(sampleRecord(i), 'required');
    await trail.close();
    return chain;
  }

  const entryAt = async (chain: string, seq: number): Promise<AuditEntry> => {
    const row = (await db.rows(schema, chain)).find((r) => r.seq === seq);
    if (!row) throw new Error(`no row ${seq}`);
    return row.entry;
  };
  const setEntry = (chain: string, seq: number, e: unknown): Promise<unknown> => db.query(`UPDATE ${table} SET entry = $3 WHERE chain = $1 AND seq = $2`, [chain, seq, JSON.stringify(e)]);
  const rehash = <T extends AuditEntry>(e: T): T => ({ ...e, hash: entryHash(e) });

  /** Edits r3 (seq 4), then recomputes every later prev/hash and signs every checkpoint with `signer`. */
  async function forgeFrom(chain: string, signer: AuditSigningKey, keyId: string): Promise<void> {
    const rows = await db.rows(schema, chain);
    let prev = (rows[2] as { entry: AuditEntry }).entry.hash;
    for (const r of rows.slice(3)) {
      let e = { ...r.entry, prev } as AuditEntry;
      if (e.kind === 'record' && e.seq === 4) e = { ...e, decision: 'rejected' };
      if (e.kind === 'checkpoint') {
        const unsigned = { ...e, keyId };
        const hash = entryHash(unsigned);
        e = { ...unsigned, hash, sig: signCheckpointHash(hash, signer) };
      } else e = rehash(e);
      await setEntry(chain, r.seq, e);
      prev = e.hash;
    }
  }

  it('passes verification while untouched', async () => {
    const chain = await closedChain();
    const report = await verifyStored(pgConfig(schema), chain, [key]);
    expect(report).toMatchObject({ ok: true, entries: 16, records: 12, checkpoints: 3, sealedThrough: 16, problems: [] });
  });

  type Expect = readonly (readonly [VerifyProblem['problem'], number])[];
  const cases: readonly { readonly name: string; readonly tamper: (chain: string) => Promise<unknown>; readonly expect: Expect; readonly index?: readonly number[] }[] = [
    {
      name: 'a field of a record edited in its entry text → modified at that row',
      tamper: (c) => db.query(`UPDATE ${table} SET entry = replace(entry, '"decision":"accepted"', '"decision":"rejected"') WHERE chain = $1 AND seq = 4`, [c]),
      expect: [['modified', 4]],
      index: [4],
    },
    {
      name: 'a field edited and that entry re-hashed → the next row no longer links to it',
      tamper: async (c) => setEntry(c, 4, rehash({ ...(await entryAt(c, 4)), decision: 'rejected' } as AuditEntry)),
      expect: [['chain-broken', 5]],
      index: [4],
    },
    {
      name: 'a record deleted → a gap before the next row',
      tamper: (c) => db.query(`DELETE FROM ${table} WHERE chain = $1 AND seq = 5`, [c]),
      expect: [['missing-or-reordered', 6], ['chain-broken', 6], ['wrong-count', 7]],
    },
    {
      name: 'the entry texts of two records swapped → out of order at both rows and the one after',
      tamper: (c) => db.query(`UPDATE ${table} t SET entry = o.entry FROM ${table} o WHERE t.chain = $1 AND o.chain = $1 AND ((t.seq = 4 AND o.seq = 5) OR (t.seq = 5 AND o.seq = 4))`, [c]),
      expect: [['missing-or-reordered', 4], ['chain-broken', 4], ['missing-or-reordered', 5], ['chain-broken', 5], ['missing-or-reordered', 6], ['chain-broken', 6]],
      index: [4, 5],
    },
    {
      name: 'a forged record inserted in the middle (later rows renumbered) → the row after it is out of order',
      tamper: async (c) => {
        const before = await entryAt(c, 4);
        await db.query(`UPDATE ${table} SET seq = seq + 1000 WHERE chain = $1 AND seq >= 5`, [c]);
        await db.query(`UPDATE ${table} SET seq = seq - 999 WHERE chain = $1 AND seq > 1000`, [c]);
        const forged = rehash({ ...before, seq: 5, prev: before.hash, correlationId: 'forged' } as AuditEntry);
        await db.query(`INSERT INTO ${table} (chain, seq, kind, time, entry) VALUES ($1, 5, 'record', now(), $2)`, [c, JSON.stringify(forged)]);
      },
      expect: [['missing-or-reordered', 6], ['chain-broken', 6], ['wrong-count', 8]],
      index: [5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17],
    },
    {
      name: 'a forged record appended after the final checkpoint → the chain no longer ends sealed',
      tamper: async (c) => {
        const last = await entryAt(c, 16);
        const forged = rehash({ ...sampleRecord(99), chain: c, seq: 17, prev: last.hash, time: last.time, hash: '' });
        await db.query(`INSERT INTO ${table} (chain, seq, kind, time, entry) VALUES ($1, 17, 'record', now(), $2)`, [c, JSON.stringify(forged)]);
      },
      expect: [['not-closed', 17]],
      index: [17],
    },
    {
      name: 'the tail deleted (last two records and the final checkpoint) → not closed after the last checkpoint',
      tamper: (c) => db.query(`DELETE FROM ${table} WHERE chain = $1 AND seq >= 14`, [c]),
      expect: [['not-closed', 13]],
    },
    {
      name: 'a checkpoint deleted → a gap before the next row',
      tamper: (c) => db.query(`DELETE FROM ${table} WHERE chain = $1 AND seq = 7`, [c]),
      expect: [['missing-or-reordered', 8], ['chain-broken', 8]],
    },
    {
      name: 'a record edited, the chain re-hashed and every later checkpoint re-signed with another Ed25519 key → unknown key at each',
      tamper: (c) => forgeFrom(c, forger, forger.keyId),
      expect: [['unknown-key', 7], ['unknown-key', 13], ['unknown-key', 16]],
      index: [4],
    },
    {
      name: 'the same forgery claiming the trusted key id → bad signature at each checkpoint',
      tamper: (c) => forgeFrom(c, forger, key.keyId),
      expect: [['bad-signature', 7], ['bad-signature', 13], ['bad-signature', 16]],
      index: [4],
    },
    {
      name: 'an entry text replaced by something that is not JSON → unreadable there, a gap after it',
      tamper: (c) => db.query(`UPDATE ${table} SET entry = '{"kind":"record",' WHERE chain = $1 AND seq = 4`, [c]),
      expect: [['unreadable', 4], ['missing-or-reordered', 5], ['chain-broken', 5], ['wrong-count', 7]],
    },
    {
      name: 'a row moved to another chain → a gap in this one',
      tamper: (c) => db.query(`UPDATE ${table} SET chain = 'elsewhere' WHERE chain = $1 AND seq = 4`, [c]),
      expect: [['missing-or-reordered', 5], ['chain-broken', 5], ['wrong-count', 7]],
    },
  ];

  it.each(cases)('$name', async ({ tamper, expect: expected, index }) => {
    const chain = await closedChain();
    await tamper(chain);
    const report = await verifyStored(pgConfig(schema), chain, [key]);
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => [p.problem, p.where])).toEqual(expected.map(([problem, seq]) => [problem, whereOf(schema, chain, seq)]));

    // The query columns are not under the hash: rows whose columns no longer match their entry are named too.
    const source = postgresSource(pgConfig(schema), undefined);
    try {
      expect((await source.indexProblems(chain)).map((p) => p.where)).toEqual((index ?? []).map((seq) => whereOf(schema, chain, seq)));
    } finally {
      await source.close();
    }
  });
});
