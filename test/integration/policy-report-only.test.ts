/**
 * `security.policyMode: report-only` (issue 4, point 4): policy violations are recorded (log and
 * audit record) and the message is forwarded; processing failures are still rejected; the mode is
 * visible in `check` and in every record.
 */
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry, RecordEntry } from '../../src/audit/entries.ts';
import { renderCheckReport } from '../../src/cli/check.ts';
import { collectWarnings } from '../../src/config/warnings.ts';
import { loadConfig } from '../../src/config/load.ts';
import { prepareGateway } from '../../src/bootstrap.ts';
import { startGateway } from '../../src/server.ts';
import { startClaimsBackend } from '../support/claims-backend.ts';
import { manifest, requestBytes, writeClaimsConfig, type InteropCase } from '../support/interop.ts';
import { faultCode, memoryLogger } from '../support/logs.ts';

const byId = (id: string): InteropCase => manifest.cases.find((c) => c.id === id) as InteropCase;

function recordOf(dir: string, correlationId: string): RecordEntry | undefined {
  const audit = join(dir, 'audit');
  return readdirSync(audit)
    .filter((f) => f.endsWith('.jsonl'))
    .flatMap((f) => readFileSync(join(audit, f), 'utf8').split('\n').filter(Boolean))
    .map((l) => JSON.parse(l) as AuditEntry)
    .find((e): e is RecordEntry => e.kind === 'record' && e.correlationId === correlationId);
}

describe('policy report-only mode', () => {
  let backend: Awaited<ReturnType<typeof startClaimsBackend>>;
  const dirs: string[] = [];
  beforeAll(async () => {
    backend = await startClaimsBackend();
  });
  afterAll(async () => {
    await backend.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  async function send(securityYaml: string, id: string): Promise<{ status: number; body: string; forwarded: number; log: ReturnType<ReturnType<typeof memoryLogger>['find']>; record: RecordEntry | undefined }> {
    const dir = writeClaimsConfig(backend.url, '', { securityYaml });
    dirs.push(dir);
    const c = byId(id);
    const mem = memoryLogger();
    const gw = await startGateway({ configFile: join(dir, 'gateway.yaml'), logger: mem.logger, clock: { now: () => new Date(c.clock) } });
    try {
      const before = backend.requests.length;
      const res = await gw.app.inject({ method: 'POST', url: c.endpoint, headers: { ...c.httpHeaders }, payload: requestBytes(c) });
      const id = String(res.headers['x-correlation-id']);
      return { status: res.statusCode, body: res.body, forwarded: backend.requests.length - before, log: mem.find(id), record: recordOf(dir, id) };
    } finally {
      await gw.close();
    }
  }

  it('enforce (the default) rejects R10, whose signature does not cover the Body', async () => {
    const r = await send('', 'R10');
    expect(r.status).toBe(500);
    expect(faultCode(r.body)).toBe('GW_ERR_SEC_REJECTED');
    expect(r.forwarded).toBe(0);
    expect(r.record).toMatchObject({ decision: 'rejected', policy: { mode: 'enforce' }, fault: { code: 'GW_ERR_POLICY_SIGNED_PARTS' } });
  });

  it('report-only forwards R10 and records the violated assertion in the log and the audit record', async () => {
    const r = await send('  policyMode: report-only', 'R10');
    expect(r.status).toBe(200);
    expect(r.forwarded).toBe(1);
    expect(r.log?.['policyViolation']).toMatchObject({ code: 'GW_ERR_POLICY_SIGNED_PARTS' });
    expect(r.record).toMatchObject({ decision: 'accepted', fault: null, policy: { id: 'claims#GetClaimStatus', mode: 'report-only' }, policyViolation: { code: 'GW_ERR_POLICY_SIGNED_PARTS', detail: { assertion: expect.stringContaining('SignedParts') as string } } });
  });

  it('report-only for one operation: SubmitClaim without its encrypted Body (R11) is forwarded, GetClaimStatus (R10) still rejected', async () => {
    const yaml = '  policyModes: {SubmitClaim: report-only}';
    const r11 = await send(yaml, 'R11');
    expect(r11.status).toBe(200);
    expect(r11.record).toMatchObject({ operation: 'SubmitClaim', policy: { mode: 'report-only' }, policyViolation: { code: 'GW_ERR_POLICY_ENCRYPTED_PARTS' } });
    const r10 = await send(yaml, 'R10');
    expect(r10.status).toBe(500);
    expect(r10.forwarded).toBe(0);
    expect(r10.record).toMatchObject({ policy: { mode: 'enforce' }, fault: { code: 'GW_ERR_POLICY_SIGNED_PARTS' } });
  });

  it('report-only still rejects processing failures: a broken Body digest (R01), an untrusted signer (R03), an expired Timestamp (R07)', async () => {
    for (const [id, code] of [
      ['R01', 'GW_ERR_SEC_SIGNATURE_INVALID'],
      ['R03', 'GW_ERR_SEC_CERT_UNTRUSTED'],
      ['R07', 'GW_ERR_SEC_TIMESTAMP_EXPIRED'],
    ] as const) {
      const r = await send('  policyMode: report-only', id);
      expect(r.status, id).toBe(500);
      expect(r.forwarded, id).toBe(0);
      expect(r.record?.fault?.code, id).toBe(code);
    }
  });

  it('a valid message in report-only mode has no violation recorded', async () => {
    const r = await send('  policyMode: report-only', 'A01');
    expect(r.status).toBe(200);
    expect(r.record).toMatchObject({ decision: 'accepted', policy: { mode: 'report-only' } });
    expect(r.record && 'policyViolation' in r.record).toBe(false);
  });

  it('check prints the mode and start-up warns about it; an unknown operation in policyModes stops start-up', () => {
    const dir = writeClaimsConfig(backend.url, '', { securityYaml: '  policyModes: {SubmitClaim: report-only}' });
    dirs.push(dir);
    const file = join(dir, 'gateway.yaml');
    expect(renderCheckReport(prepareGateway(file), { workers: 1 })).toContain('REPORT-ONLY for SubmitClaim');
    expect(collectWarnings(loadConfig(file)).map((w) => w.code)).toContain('policy-report-only');
    const bad = writeClaimsConfig(backend.url, '', { securityYaml: '  policyModes: {SubmitClaims: report-only}' });
    dirs.push(bad);
    expect(() => prepareGateway(join(bad, 'gateway.yaml'))).toThrow(/policyModes\/SubmitClaims.*no exposed port offers/s);
  });
});
