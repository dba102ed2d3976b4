/**
 * The record builder writes every object in canonical key order, with slots for the chain members,
 * so that link() serialises each record once with the native JSON.stringify (canonical.ts, fast
 * path 1) instead of sorting a copy. These tests pin that order for every shape of exchange the
 * builder handles, and that the stored line is exactly the canonical form plus the hash.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJsonReference, inCanonicalOrder, vouchedCanonicalOrder, type Json } from '../../../src/audit/canonical.ts';
import { EMPTY_HEAD, entryHash, link } from '../../../src/audit/chain.ts';
import type { AuditEntry } from '../../../src/audit/entries.ts';
import { buildRecord } from '../../../src/audit/record.ts';
import { startTrace, type ExchangeTrace } from '../../../src/pipeline/exchange.ts';
import { newAuditKey, sampleRecord } from '../../support/audit.ts';

const key = newAuditKey();
const TIME = '2026-11-29T10:00:00.000Z';

function bareTrace(): ExchangeTrace {
  return startTrace({
    correlationId: 'corr-1',
    receivedAt: TIME,
    service: 'orders',
    endpoint: '/orders/soap11',
    version: '1.1',
    bytesIn: 4744,
    requestSha256: 'ab'.repeat(32),
    tlsClient: undefined,
    clientIp: '127.0.0.1',
  });
}

/** Every optional part of a record filled in, free-form members with keys in no particular order. */
function fullTrace(): ExchangeTrace {
  const t = bareTrace();
  Object.assign(t, {
    operation: 'SubmitOrder',
    action: 'urn:example:orders:v1/SubmitOrder',
    outcome: 'rejected',
    errorCode: 'GW_ERR_POLICY_VIOLATION',
    reason: 'Body is not signed',
    errorDetail: { zeta: 1, alpha: 'x', '10': true, '2': null, Mid: 'upper case sorts first' },
    stages: [{ stage: 'parse', ms: 0.1234567 }, { stage: 'security', ms: 2 }],
    backend: { url: 'http://127.0.0.1:1/backend', status: 502, ms: 1.5 },
    bytesOut: 300,
    security: {
      signers: [{ subject: 'CN=a', issuer: 'CN=ca', fingerprint256: 'AA:BB', reference: 'bst-direct' }],
      signatureMethods: ['http://www.w3.org/2001/04/xmldsig-more#rsa-sha256'],
      digestMethods: ['http://www.w3.org/2001/04/xmlenc#sha256'],
      signedElements: ['{http://schemas.xmlsoap.org/soap/envelope/}Body', '{urn:x}Other'],
      encryption: [{ keyTransport: 'http://www.w3.org/2009/xmlenc11#rsa-oaep', data: 'http://www.w3.org/2009/xmlenc11#aes256-gcm', target: 'Body' }],
      timestamp: { created: TIME, expires: undefined },
      usernames: ['alice'],
      saml: [{ issuer: 'https://idp', version: '2.0', nameId: undefined, confirmation: 'bearer', signed: true }],
      legacyUsed: ['http://www.w3.org/2000/09/xmldsig#sha1'],
    },
    droppedHeaders: ['{urn:x}Security'],
    authorization: { allowed: false, reason: 'no rule' },
    tlsClient: { fingerprint256: 'CC:DD', subject: 'CN=client', issuer: 'CN=ca' },
    principal: { kind: 'saml', subject: 'alice', issuer: 'https://idp', application: 'portal' },
    policy: { id: 'orders#SubmitOrder', hash: 'cd'.repeat(32), mode: 'report-only' },
    policyViolation: { code: 'GW_ERR_POLICY_VIOLATION', reason: 'r', detail: { z: 1, a: 2 } },
    validation: { request: { mode: 'enforce', valid: false, total: 1, violations: [{ path: '/a', message: 'm' }] } },
  });
  return t;
}

const SHAPES: readonly { name: string; trace: () => ExchangeTrace; payload?: boolean }[] = [
  { name: 'a request rejected before dispatch (nothing but the start of the trace)', trace: bareTrace },
  { name: 'every optional part present, free-form detail with integer-like and upper-case keys', trace: fullTrace, payload: true },
  {
    name: 'an accepted signed exchange',
    trace: () => {
      const t = fullTrace();
      Object.assign(t, { outcome: 'forwarded', errorCode: undefined, reason: undefined, errorDetail: undefined, policyViolation: undefined, validation: undefined, authorization: undefined });
      return t;
    },
  },
];

describe('audit records are built in canonical order', () => {
  for (const shape of SHAPES) {
    it(`${shape.name}: the record enumerates in canonical order, and its stored line is the canonical form plus the hash`, () => {
      const record = buildRecord(shape.trace(), {
        instance: 'gw1',
        mode: 'required',
        status: 500,
        totalMs: 3.25,
        response: '<r/>',
        legacyOptIns: ['sha1'],
        ...(shape.payload ? { payload: { request: '<redacted/>', response: null } } : {}),
      });
      // Integer-like keys enumerate first in JavaScript: a detail holding some keeps the slow path (still correct).
      const fastPath = shape.trace().errorDetail === undefined || !Object.keys(shape.trace().errorDetail ?? {}).some((k) => /^\d+$/.test(k));
      expect(inCanonicalOrder(record)).toBe(fastPath);
      // The builder vouches for the order exactly when it holds: link() then skips the check.
      expect(vouchedCanonicalOrder(record)).toBe(fastPath);

      const { linked, lines } = link(EMPTY_HEAD, 'gw1', [record], () => TIME, key);
      const entry = linked[0] as AuditEntry;
      const line = lines[0] as string;
      const { hash, ...rest } = JSON.parse(line) as AuditEntry & Record<string, Json>;
      const canonical = canonicalJsonReference(rest as unknown as Json);
      expect(line).toBe(`${canonical.slice(0, -1)},"hash":"${hash}"}`);
      expect(hash).toBe(createHash('sha256').update(canonical).digest('hex'));
      expect(entryHash(entry)).toBe(hash);
      expect(entry.hash).toBe(hash);
      expect(rest).toMatchObject({ chain: 'gw1', seq: 1, prev: '0'.repeat(64), time: TIME, kind: 'record' });
    });
  }

  it('an entry built in any other order (a hand-made record, a checkpoint) is sorted by the slow path and hashes the same', () => {
    const { linked, lines } = link(EMPTY_HEAD, 'gw1', [sampleRecord(1), { kind: 'checkpoint', reason: 'count', final: false, dropped: 0 }], () => TIME, key);
    for (const [i, e] of linked.entries()) {
      expect(entryHash(e)).toBe(e.hash);
      expect(JSON.parse(lines[i] as string)).toEqual(JSON.parse(JSON.stringify(e)));
    }
    expect(lines[1]).toMatch(/,"hash":"[0-9a-f]{64}","sig":"[A-Za-z0-9+/=]+"\}$/);
  });

  it('a hash or signature carried in by an entry is not hashed over (the hash covers the entry without them)', () => {
    const forged = { ...sampleRecord(2), hash: 'f'.repeat(64), sig: 'forged' } as unknown as ReturnType<typeof sampleRecord>;
    const { linked } = link(EMPTY_HEAD, 'gw1', [forged], () => TIME, key);
    const e = linked[0] as AuditEntry;
    expect(e.hash).not.toBe('f'.repeat(64));
    expect(entryHash(e)).toBe(e.hash);
  });
});
