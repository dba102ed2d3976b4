import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway } from '../../src/server.ts';
import { startClaimsBackend } from '../support/claims-backend.ts';
import { interopDir, manifest, requestBytes, writeClaimsConfig, type InteropCase } from '../support/interop.ts';
import { faultCode, memoryLogger, type Logged } from '../support/logs.ts';

describe('schema validation behind WS-Security: the interop ClaimsService (inline wsdl:types schema)', () => {
  let backend: Awaited<ReturnType<typeof startClaimsBackend>>;
  const dirs: string[] = [];
  beforeAll(async () => {
    backend = await startClaimsBackend();
  });
  afterAll(async () => {
    await backend.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  async function send(c: InteropCase, extra: string, wsdl?: string): Promise<{ status: number; body: string; forwarded: number; log: Logged | undefined }> {
    const dir = writeClaimsConfig(backend.url, extra, wsdl !== undefined ? { wsdl } : {});
    dirs.push(dir);
    const mem = memoryLogger();
    const now = new Date(c.clock);
    const gw = await startGateway({ configFile: join(dir, 'gateway.yaml'), logger: mem.logger, clock: { now: () => new Date(now.getTime()) } });
    try {
      const before = backend.requests.length;
      const res = await gw.app.inject({ method: 'POST', url: c.endpoint, headers: { ...c.httpHeaders }, payload: requestBytes(c) });
      return { status: res.statusCode, body: res.body, forwarded: backend.requests.length - before, log: mem.find(String(res.headers['x-correlation-id'])) };
    } finally {
      await gw.close();
    }
  }

  const accepted = manifest.cases.filter((c) => c.expected === 'accept' && c.sequence === undefined);
  it.each(accepted.map((c) => ({ id: c.id, c })))('accepted case $id is still forwarded with validation: {request: on}', async ({ c }) => {
    const r = await send(c, 'validation: {request: on}');
    expect(r.status, `${r.log?.errorCode ?? ''} ${r.log?.reason ?? ''}`).toBe(200);
    expect(r.forwarded).toBe(1);
    expect(r.log?.['validation']).toMatchObject({ request: { mode: 'on', valid: true } });
  });

  it('validates the decrypted Body: A07 (SubmitClaim, Body encrypted to the gateway) against a stricter schema is refused naming an element that was inside the ciphertext', async () => {
    const c = manifest.cases.find((x) => x.id === 'A07');
    if (c === undefined) throw new Error('no interop case A07');
    const original = readFileSync(join(interopDir, 'wsdl', 'ClaimsService.wsdl'), 'utf8');
    const strict = original.replace(/(<xsd:simpleType name="ClientRequestIdType">[\s\S]*?<xsd:maxLength value=")64(")/, '$12$2');
    expect(strict).not.toBe(original);
    const file = join(writeDir(), 'ClaimsService.strict.wsdl');
    writeFileSync(file, strict);
    expect(requestBytes(c).toString()).not.toContain('ClientRequestId');
    const r = await send(c, 'validation: {request: on}', file);
    expect(r.status).toBe(500);
    expect(faultCode(r.body)).toBe('GW_ERR_SCHEMA_INVALID');
    expect(r.forwarded).toBe(0);
    expect(r.body).toMatch(/<gw:path>\/[\w-]+:SubmitClaimRequest\/[\w-]+:ClientRequestId<\/gw:path>/);
    expect(r.body).toContain('this exceeds the allowed maximum length');
    expect(r.log?.['security']).toBeDefined();
  });

  function writeDir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'wsgate-strict-wsdl-'));
    dirs.push(dir);
    return dir;
  }
});
