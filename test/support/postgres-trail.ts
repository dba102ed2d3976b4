import { generateKeyPairSync } from 'node:crypto';
import pino from 'pino';
import { fixedClock } from '../../src/clock.ts';
import type { PostgresAuditConfig } from '../../src/config/types.ts';
import type { AuditRecordBody } from '../../src/audit/entries.ts';
import { signingKeyFromPem, type AuditSigningKey } from '../../src/audit/keys.ts';
import { PostgresAuditSink, type PostgresSinkOptions } from '../../src/audit/sinks/postgres.ts';
import { postgresSource } from '../../src/audit/sinks/postgres-read.ts';
import { AuditTrail, type AuditTrailOptions } from '../../src/audit/trail.ts';
import { verifyChain, type ChainReport, type VerifyOptions } from '../../src/audit/verify.ts';

/** A fresh Ed25519 checkpoint key, as an operator's key file would give it. */
export function auditKey(): AuditSigningKey {
  const { privateKey } = generateKeyPairSync('ed25519');
  return signingKeyFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }));
}

/** The record of exchange `i`: every field filled, as record.ts builds it. */
export function sampleRecord(i: number, over: Partial<AuditRecordBody> = {}): AuditRecordBody {
  return {
    kind: 'record',
    v: 1,
    correlationId: `corr-${i}`,
    receivedAt: new Date(Date.UTC(2025, 2, 3, 10, 0, 0, i)).toISOString(),
    instance: 'test',
    service: 'claims',
    operation: 'GetClaimStatus',
    endpoint: '/ClaimsService/soap11',
    soapVersion: '1.1',
    action: null,
    client: { ip: '127.0.0.1', tls: null },
    principal: { kind: 'x509', subject: 'CN=claims-client', issuer: 'CN=issuing-ca', application: 'claims-portal' },
    tokens: { signers: [], usernames: [], saml: [], timestamp: null },
    algorithms: { signature: [], digest: [], encryption: [], legacy: [] },
    signedParts: ['Body'],
    encryptedParts: [],
    policy: null,
    decision: 'accepted',
    fault: null,
    authorization: null,
    backend: { url: 'http://127.0.0.1:1/backend', status: 200, ms: 1.5 },
    status: 200,
    stages: [{ stage: 'parse', ms: 0.1 }],
    totalMs: 2,
    bytesIn: 100,
    bytesOut: 200,
    requestSha256: '0'.repeat(64),
    responseSha256: '1'.repeat(64),
    droppedHeaders: [],
    audit: { mode: 'required' },
    legacyOptIns: [],
    ...over,
  };
}

export const TEST_TIME = '2025-03-03T10:00:00.000Z';

export interface TrailSetup {
  readonly cfg: PostgresAuditConfig;
  readonly chain: string;
  readonly key: AuditSigningKey;
  readonly sinkOptions?: PostgresSinkOptions;
  readonly trail?: Partial<Omit<AuditTrailOptions, 'sink' | 'key' | 'chain'>>;
}

/** An AuditTrail over a PostgresAuditSink, started (sink open, chain head read, start notice written). */
export async function startPgTrail(s: TrailSetup): Promise<{ trail: AuditTrail; sink: PostgresAuditSink }> {
  const sink = new PostgresAuditSink(s.cfg, undefined, s.sinkOptions);
  const trail = new AuditTrail({
    sink,
    key: s.key,
    chain: s.chain,
    clock: fixedClock(TEST_TIME),
    logger: pino({ level: 'silent' }),
    checkpoint: { everyRecords: 1000, everySeconds: 3600 },
    maxQueue: 1000,
    maxBatch: 1000,
    ...s.trail,
  });
  await trail.start();
  return { trail, sink };
}

/** `wsgate audit verify` over the store: every stored entry of the chain, trusted keys only. */
export async function verifyStored(cfg: PostgresAuditConfig, chain: string, keys: readonly AuditSigningKey[], opts: Omit<VerifyOptions, 'publicKeys'> = {}): Promise<ChainReport> {
  const source = postgresSource(cfg, undefined);
  try {
    return verifyChain(chain, await source.read(chain), { publicKeys: keys.map((k) => ({ key: k.publicKey, keyId: k.keyId })), ...opts });
  } finally {
    await source.close();
  }
}

/** `where` of a row, as postgresSource names it. */
export const whereOf = (schema: string, chain: string, seq: number): string => `postgres ${schema} chain=${chain} seq=${seq}`;

export async function waitFor(what: string, cond: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
