import { X509Certificate } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway } from '../../src/server.ts';
import { startClaimsBackend } from '../support/claims-backend.ts';
import { interopDir, manifest, requestBytes, writeClaimsConfig, type InteropCase } from '../support/interop.ts';
import { faultCode, memoryLogger } from '../support/logs.ts';

const clientSubject = new X509Certificate(readFileSync(join(interopDir, 'certs', 'client-rsa.pem'))).subject.split('\n').join(', ');
const caseOf = (id: string): InteropCase => {
  const c = manifest.cases.find((x) => x.id === id);
  if (!c) throw new Error(`no interop case ${id}`);
  return c;
};
const authorization = (subject: string): string => `authorization:
  operations:
    GetClaimStatus: {match: {field: x509.subject, equals: ${JSON.stringify(subject)}}}
`;

describe('authorization per operation, through the interop ClaimsService', () => {
  let backend: Awaited<ReturnType<typeof startClaimsBackend>>;
  const dirs: string[] = [];
  beforeAll(async () => {
    backend = await startClaimsBackend();
  });
  afterAll(async () => {
    await backend.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  /** Sends interop case `id` through a gateway with `extra` service.yaml text, at the case's clock. */
  async function send(id: string, extra: string): Promise<{ status: number; body: string; forwarded: number; log: ReturnType<ReturnType<typeof memoryLogger>['find']> }> {
    const c = caseOf(id);
    const dir = writeClaimsConfig(backend.url, extra);
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

  it('forwards A01 (GetClaimStatus) when the rule names the client-rsa signer subject', async () => {
    const r = await send('A01', authorization(clientSubject));
    expect(r.status, `${r.log?.errorCode ?? ''} ${r.log?.reason ?? ''}`).toBe(200);
    expect(r.forwarded).toBe(1);
    expect(r.log?.['authorization']).toMatchObject({ allowed: true });
  });

  it('refuses A01 with 403 GW_ERR_AUTHZ_DENIED (not masked) when the rule names another subject, and forwards nothing', async () => {
    const r = await send('A01', authorization('C=DE\nO=Someone Else\nCN=other-client'));
    expect(r.status).toBe(403);
    expect(r.forwarded).toBe(0);
    expect(faultCode(r.body)).toBe('GW_ERR_AUTHZ_DENIED');
    expect(r.body).toContain('Not authorized for this operation');
    expect(r.body).not.toContain('other-client');
    expect(r.log?.errorCode).toBe('GW_ERR_AUTHZ_DENIED');
    expect(r.log?.reason).toContain('x509.subject');
    expect(r.log?.reason).toContain('other-client');
  });

  it('refuses A02 (SOAP 1.2) with 403 as well', async () => {
    const r = await send('A02', authorization('CN=nobody'));
    expect(r.status).toBe(403);
    expect(r.forwarded).toBe(0);
    expect(faultCode(r.body)).toBe('GW_ERR_AUTHZ_DENIED');
  });

  it('denies an operation without a rule once rules exist (A17 SubmitClaim, valid otherwise)', async () => {
    const r = await send('A17', authorization(clientSubject));
    expect(r.status).toBe(403);
    expect(r.forwarded).toBe(0);
    expect(r.log?.errorCode).toBe('GW_ERR_AUTHZ_DENIED');
    expect(r.log?.reason).toContain('no authorization rule');
  });

  it('refuses to start with a rule for an operation the service does not offer', async () => {
    const dir = writeClaimsConfig(backend.url, 'authorization:\n  operations:\n    GetClaimStatuss: {match: {field: username, equals: u}}\n');
    dirs.push(dir);
    await expect(startGateway({ configFile: join(dir, 'gateway.yaml'), logger: memoryLogger().logger })).rejects.toThrow(/GetClaimStatuss/);
  });

  it('forwards A17 without an authorization section (no stage, as before)', async () => {
    const r = await send('A17', '');
    expect(r.status, `${r.log?.errorCode ?? ''} ${r.log?.reason ?? ''}`).toBe(200);
    expect(r.forwarded).toBe(1);
    expect(r.log?.['authorization']).toBeUndefined();
  });
});
