import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway } from '../../src/server.ts';
import { startClaimsBackend } from '../support/claims-backend.ts';
import { manifest, requestBytes, writeClaimsConfig } from '../support/interop.ts';
import { faultCode, memoryLogger } from '../support/logs.ts';

const A01 = manifest.cases.find((c) => c.id === 'A01');
const WSSE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
const S11 = 'http://schemas.xmlsoap.org/soap/envelope/';

/** A01 with one more Security header, addressed to `actor`, inserted first in the Header. */
function withExtraSecurity(actor: string, mustUnderstand: boolean): Buffer {
  const xml = requestBytes(A01!).toString('utf8');
  const extra = `<wsse:Security xmlns:wsse="${WSSE}" xmlns:s11="${S11}" s11:actor="${actor}"${mustUnderstand ? ' s11:mustUnderstand="1"' : ''}><wsse:Foreign/></wsse:Security>`;
  return Buffer.from(xml.replace(/(<[A-Za-z0-9_-]+:Header[^>]*>)/, `$1${extra}`));
}

describe('Security headers for other actors', () => {
  let backend: Awaited<ReturnType<typeof startClaimsBackend>>;
  let dir: string;
  beforeAll(async () => {
    backend = await startClaimsBackend();
    dir = writeClaimsConfig(backend.url);
  });
  afterAll(async () => {
    await backend.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function send(body: Buffer) {
    const mem = memoryLogger();
    const gw = await startGateway({ configFile: join(dir, 'gateway.yaml'), logger: mem.logger, clock: { now: () => new Date(A01!.clock) } });
    try {
      const before = backend.requests.length;
      const res = await gw.app.inject({ method: 'POST', url: A01!.endpoint, headers: { ...A01!.httpHeaders }, payload: body });
      return { res, forwarded: backend.requests.length - before, log: mem.find(String(res.headers['x-correlation-id'])) };
    } finally {
      await gw.close();
    }
  }

  it('a mandatory Security header for actor "next" that the gateway does not process is a MustUnderstand fault, not a silent drop', async () => {
    const { res, forwarded } = await send(withExtraSecurity('http://schemas.xmlsoap.org/soap/actor/next', true));
    expect(res.statusCode).toBe(500);
    expect(faultCode(res.body)).toBe('GW_ERR_SOAP_MUST_UNDERSTAND');
    expect(forwarded).toBe(0);
  });

  it('an optional Security header for another actor is neither processed nor forwarded', async () => {
    const { res, forwarded } = await send(withExtraSecurity('urn:downstream:auditor', false));
    expect(res.statusCode).toBe(200);
    expect(forwarded).toBe(1);
    expect(backend.requests.at(-1)?.body).not.toContain('urn:downstream:auditor');
  });
});
