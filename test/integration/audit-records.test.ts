/**
 * Every end of an exchange leaves exactly one audit record, whatever stage ended it, and the chain
 * verifies afterwards (issue 5: "one record per exchange, whatever its end").
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry, RecordEntry } from '../../src/audit/entries.ts';
import { publicKeyFromPem } from '../../src/audit/keys.ts';
import { fileChainIds, readFileChain } from '../../src/audit/sinks/file-read.ts';
import { verifyChain } from '../../src/audit/verify.ts';
import { S11_HEADERS, S12_HEADERS, samplesDir, startHarness, type Harness } from '../support/gateway.ts';

const P11 = '/PolicyAdministration/soap11';
const P12 = '/PolicyAdministration/soap12';
const sample = (f: string): string => readFileSync(join(samplesDir, f), 'utf8');

function records(auditDir: string): RecordEntry[] {
  const [chain] = fileChainIds(auditDir);
  if (chain === undefined) return [];
  return readFileChain(auditDir, chain)
    .map((s) => s.entry as AuditEntry)
    .filter((e): e is RecordEntry => e.kind === 'record');
}

function recordsOf(auditDir: string, correlationId: string): RecordEntry[] {
  return records(auditDir).filter((r) => r.correlationId === correlationId);
}

interface Case {
  readonly name: string;
  readonly path: string;
  readonly method?: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
  readonly status: number;
  readonly decision: RecordEntry['decision'];
  readonly code: string | null;
  readonly reachesBackend: boolean;
}

const envelope11 = (body: string): string => `<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`;

const cases: readonly Case[] = [
  { name: 'accepted (SOAP 1.1)', path: P11, headers: S11_HEADERS('GetPolicy'), body: sample('GetPolicy.soap11.xml'), status: 200, decision: 'accepted', code: null, reachesBackend: true },
  { name: 'accepted (SOAP 1.2)', path: P12, headers: S12_HEADERS('GetPolicy'), body: sample('GetPolicy.soap12.xml'), status: 200, decision: 'accepted', code: null, reachesBackend: true },
  { name: 'backend SOAP fault relayed', path: P11, headers: S11_HEADERS('GetPolicy'), body: sample('GetPolicy.unknown-policy.soap11.xml'), status: 500, decision: 'backend_fault', code: null, reachesBackend: true },
  { name: 'media type refused', path: P11, headers: { 'content-type': 'application/json' }, body: '{}', status: 415, decision: 'rejected', code: 'GW_ERR_HTTP_MEDIA_TYPE', reachesBackend: false },
  { name: 'malformed XML', path: P11, headers: S11_HEADERS('GetPolicy'), body: '<soapenv:Envelope', status: 500, decision: 'rejected', code: 'GW_ERR_XML_MALFORMED', reachesBackend: false },
  { name: 'DOCTYPE', path: P11, headers: S11_HEADERS('GetPolicy'), body: '<!DOCTYPE x [<!ENTITY a "b">]><x/>', status: 500, decision: 'rejected', code: 'GW_ERR_XML_DOCTYPE', reachesBackend: false },
  { name: 'envelope shape', path: P11, headers: S11_HEADERS('GetPolicy'), body: envelope11('').replace('</soapenv:Envelope>', '<soapenv:Body/></soapenv:Envelope>'), status: 500, decision: 'rejected', code: 'GW_ERR_SOAP_ENVELOPE_SHAPE', reachesBackend: false },
  { name: 'unknown operation', path: P11, headers: S11_HEADERS('NoSuchOperation'), body: envelope11('<x:NoSuch xmlns:x="urn:x"/>'), status: 500, decision: 'rejected', code: 'GW_ERR_SOAP_UNKNOWN_OPERATION', reachesBackend: false },
  { name: 'empty body', path: P11, headers: S11_HEADERS('GetPolicy'), body: '', status: 400, decision: 'rejected', code: 'GW_ERR_HTTP_EMPTY_BODY', reachesBackend: false },
  { name: 'body too large (transport)', path: P11, headers: S11_HEADERS('GetPolicy'), body: 'x'.repeat(1024 * 1024 + 10), status: 413, decision: 'rejected', code: 'GW_ERR_HTTP_BODY_TOO_LARGE', reachesBackend: false },
  { name: 'unknown path', path: '/nowhere', headers: S11_HEADERS('GetPolicy'), body: '<x/>', status: 404, decision: 'rejected', code: 'GW_ERR_HTTP_NOT_FOUND', reachesBackend: false },
  { name: 'wrong method', path: P11, method: 'PUT', headers: S11_HEADERS('GetPolicy'), body: '<x/>', status: 405, decision: 'rejected', code: 'GW_ERR_HTTP_METHOD', reachesBackend: false },
];

describe('one audit record per exchange, whatever its end', () => {
  let h: Harness;
  let audit: string;
  beforeAll(async () => {
    h = await startHarness();
    audit = join(h.dir, 'audit');
  });
  afterAll(async () => {
    await h.close();
  });

  it.each(cases)('$name → exactly one record: $decision $code', async (c) => {
    const before = h.backend.requests.length;
    const res = await request(`${h.gw.url}${c.path}`, { method: (c.method ?? 'POST') as 'POST', headers: c.headers, body: c.body ?? '' });
    await res.body.text();
    expect(res.statusCode).toBe(c.status);
    const id = res.headers['x-correlation-id'] as string;
    expect(id).toBeTruthy();
    // Required mode: the response was sent only after the record was durable, so it is on disk now.
    // Requests that match no service are audited best-effort (audit.unroutedMode): wait for the write.
    const unrouted = c.code === 'GW_ERR_HTTP_NOT_FOUND' || c.code === 'GW_ERR_HTTP_METHOD';
    for (let i = 0; unrouted && i < 100 && recordsOf(audit, id).length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    const mine = recordsOf(audit, id);
    expect(mine).toHaveLength(1);
    const r = mine[0] as RecordEntry;
    expect(r.decision).toBe(c.decision);
    expect(r.fault?.code ?? null).toBe(c.code);
    expect(r.status).toBe(c.status);
    expect(r.audit.mode).toBe(unrouted ? 'best-effort' : 'required');
    expect(r.requestSha256 === '' || /^[0-9a-f]{64}$/.test(r.requestSha256)).toBe(true);
    expect(r.responseSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(h.backend.requests.length - before).toBe(c.reachesBackend ? 1 : 0);
    if (c.reachesBackend) expect(r.backend).toMatchObject({ status: c.status });
  });

  it('a client that goes away mid-request still leaves one record (aborted)', async () => {
    const count = records(audit).length;
    const { port } = new URL(h.gw.url);
    await new Promise<void>((resolve) => {
      const s = connect(Number(port), '127.0.0.1', () => {
        s.write(`POST ${P11} HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\nSOAPAction: "x"\r\nContent-Length: 5000\r\n\r\n<soapenv:Envelope`);
        setTimeout(() => {
          s.destroy();
          resolve();
        }, 100);
      });
    });
    for (let i = 0; i < 50 && records(audit).length === count; i++) await new Promise((r) => setTimeout(r, 20));
    const added = records(audit).slice(count);
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({ decision: 'aborted', fault: { code: 'GW_ERR_HTTP_CLIENT_ABORTED' } });
  });
});

describe('backend failures and client aborts while forwarding are recorded', () => {
  let slow: Server;
  let slowUrl: string;
  beforeAll(async () => {
    slow = createServer(() => undefined); // never answers
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
    slowUrl = `http://127.0.0.1:${(slow.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    slow.closeAllConnections();
    await new Promise((r) => slow.close(r));
  });

  it('backend unreachable → one record, failed GW_ERR_BACKEND_UNAVAILABLE', async () => {
    const h = await startHarness({ backendBase: 'http://127.0.0.1:1' });
    try {
      const res = await request(`${h.gw.url}${P11}`, { method: 'POST', headers: S11_HEADERS('GetPolicy'), body: sample('GetPolicy.soap11.xml') });
      await res.body.text();
      expect(res.statusCode).toBe(502);
      const mine = recordsOf(join(h.dir, 'audit'), res.headers['x-correlation-id'] as string);
      expect(mine).toHaveLength(1);
      expect(mine[0]).toMatchObject({ decision: 'failed', fault: { code: 'GW_ERR_BACKEND_UNAVAILABLE' }, backend: { status: null } });
    } finally {
      await h.close();
    }
  });

  it('backend timeout → one record, failed GW_ERR_BACKEND_TIMEOUT', async () => {
    const h = await startHarness({ backendBase: slowUrl, backend: { responseTimeoutMs: 200 } });
    try {
      const res = await request(`${h.gw.url}${P11}`, { method: 'POST', headers: S11_HEADERS('GetPolicy'), body: sample('GetPolicy.soap11.xml') });
      await res.body.text();
      expect(res.statusCode).toBe(504);
      const mine = recordsOf(join(h.dir, 'audit'), res.headers['x-correlation-id'] as string);
      expect(mine).toHaveLength(1);
      expect(mine[0]).toMatchObject({ decision: 'failed', fault: { code: 'GW_ERR_BACKEND_TIMEOUT' } });
    } finally {
      await h.close();
    }
  });

  it('client gone while the backend works → one record, aborted', async () => {
    const h = await startHarness({ backendBase: slowUrl, backend: { responseTimeoutMs: 5000 } });
    const audit = join(h.dir, 'audit');
    try {
      const ac = new AbortController();
      const pending = request(`${h.gw.url}${P11}`, { method: 'POST', headers: S11_HEADERS('GetPolicy'), body: sample('GetPolicy.soap11.xml'), signal: ac.signal }).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 150));
      ac.abort();
      await pending;
      for (let i = 0; i < 100 && records(audit).length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      const all = records(audit);
      expect(all).toHaveLength(1);
      expect(all[0]).toMatchObject({ decision: 'aborted', operation: 'GetPolicy' });
    } finally {
      await h.close();
    }
  });

  it('after shutdown the chain ends with a final checkpoint and verifies with the published key', async () => {
    const h = await startHarness();
    const audit = join(h.dir, 'audit');
    const res = await request(`${h.gw.url}${P11}`, { method: 'POST', headers: S11_HEADERS('GetPolicy'), body: sample('GetPolicy.soap11.xml') });
    await res.body.text();
    await h.gw.close();
    const [chain] = fileChainIds(audit);
    const pub = publicKeyFromPem(readFileSync(join(audit, 'audit-signing.key.pub.pem')));
    const report = verifyChain(chain as string, readFileChain(audit, chain as string), { publicKeys: [pub] });
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ ok: true, records: 1 });
    await h.backend.close();
  });
});
