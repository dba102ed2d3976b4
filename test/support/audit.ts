import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { systemClock, type Clock } from '../../src/clock.ts';
import type { RecordEntry, Unchained } from '../../src/audit/entries.ts';
import { signingKeyFromPem, type AuditSigningKey } from '../../src/audit/keys.ts';
import type { AuditSink } from '../../src/audit/sink.ts';
import { FileAuditSink } from '../../src/audit/sinks/file.ts';
import { AuditTrail, type AuditTrailOptions } from '../../src/audit/trail.ts';

export function newAuditKey(): AuditSigningKey {
  const { privateKey } = generateKeyPairSync('ed25519');
  return signingKeyFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }));
}

export function tempAuditDir(): string {
  return mkdtempSync(join(tmpdir(), 'wsgate-audit-'));
}

/** A plausible record body for trail tests (what buildRecord makes from a trace). */
export function sampleRecord(n: number, over: Partial<Unchained<RecordEntry>> = {}): Unchained<RecordEntry> {
  return {
    kind: 'record',
    v: 1,
    correlationId: `corr-${n}`,
    receivedAt: new Date(Date.UTC(2026, 10, 1, 12, 0, n % 60)).toISOString(),
    instance: 'test',
    service: 'claims',
    operation: n % 3 === 0 ? 'ListPolicies' : 'GetClaimStatus',
    endpoint: '/ClaimsService/soap11',
    soapVersion: '1.1',
    action: null,
    client: { ip: '127.0.0.1', tls: null },
    principal: { kind: 'x509', subject: 'CN=client', issuer: 'CN=issuing-ca', application: null },
    tokens: { signers: [], usernames: [], saml: [], timestamp: null },
    algorithms: { signature: [], digest: [], encryption: [], legacy: [] },
    signedParts: ['Body'],
    encryptedParts: [],
    policy: null,
    decision: n % 4 === 0 ? 'rejected' : 'accepted',
    fault: n % 4 === 0 ? { code: 'GW_ERR_SEC_SIGNATURE_INVALID', reason: 'digest mismatch', detail: null } : null,
    authorization: null,
    backend: null,
    status: n % 4 === 0 ? 500 : 200,
    stages: [{ stage: 'parse', ms: 0.1 }],
    totalMs: 1.5,
    bytesIn: 100,
    bytesOut: 200,
    requestSha256: 'a'.repeat(64),
    responseSha256: 'b'.repeat(64),
    droppedHeaders: [],
    audit: { mode: 'required' },
    legacyOptIns: [],
    ...over,
  };
}

export function fileTrail(dir: string, key: AuditSigningKey, over: Partial<AuditTrailOptions> & { sink?: AuditSink; clock?: Clock } = {}): AuditTrail {
  return new AuditTrail({
    sink: new FileAuditSink({ dir, maxBytes: 64 * 1024 * 1024, daily: true }),
    key,
    chain: 'gw1',
    clock: systemClock,
    logger: pino({ level: 'silent' }),
    checkpoint: { everyRecords: 10, everySeconds: 3600 },
    maxQueue: 1000,
    maxBatch: 100,
    ...over,
  });
}
