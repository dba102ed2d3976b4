import { readFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import { request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { faultCode } from '../support/logs.ts';
import { ACTION, S11_HEADERS, S12_HEADERS, samplesDir, startHarness, type Harness } from '../support/gateway.ts';

const P11 = '/PolicyAdministration/soap11';
const P12 = '/PolicyAdministration/soap12';
const sample = (f: string) => readFileSync(join(samplesDir, f), 'utf8');
const ops = ['GetPolicy', 'SearchPolicies', 'EndorsePolicy', 'CancelPolicy'] as const;


/** A stand-in backend whose behaviour a test chooses (slow, huge, not SOAP). */
async function customBackend(handler: (body: string, res: ServerResponse) => void): Promise<{ url: string; server: Server; hits: number[] }> {
  const hits: number[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      hits.push(Date.now());
      handler(body, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, hits };
}

describe('SOAP pass-through to the example backend', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });
  beforeEach(() => {
    h.backend.requests.length = 0;
  });

  it.each(ops.flatMap((op) => [{ op, v: '1.1' as const }, { op, v: '1.2' as const }]))('$op over SOAP $v reaches the backend and returns its answer', async ({ op, v }) => {
    const res = await request(`${h.gw.url}${v === '1.1' ? P11 : P12}`, {
      method: 'POST',
      headers: { ...(v === '1.1' ? S11_HEADERS(op) : S12_HEADERS(op)), authorization: 'Basic c2VjcmV0OnNlY3JldA==', 'x-forwarded-for': '203.0.113.9' },
      body: sample(`${op}.soap${v === '1.1' ? '11' : '12'}.xml`),
    });
    const text = await res.body.text();
    expect(res.statusCode).toBe(200);
    expect(text).toContain(`${op}Response`);
    expect(res.headers['content-type']).toMatch(v === '1.1' ? /^text\/xml/ : /^application\/soap\+xml/);
    expect(h.backend.requests).toHaveLength(1);
    const got = h.backend.requests[0]!;
    expect(got.path).toBe(`/backend/PolicyAdministration/soap${v === '1.1' ? '11' : '12'}`);
    expect(got.body).toBe(sample(`${op}.soap${v === '1.1' ? '11' : '12'}.xml`));
    if (v === '1.1') expect(got.headers['soapaction']).toBe(`"${ACTION(op)}"`);
    else expect(got.headers['content-type']).toBe(`application/soap+xml; charset=utf-8; action="${ACTION(op)}"`);
    expect(got.headers['x-correlation-id']).toBe(res.headers['x-correlation-id']);
    expect(got.headers['x-forwarded-for']).toBe('203.0.113.9, 127.0.0.1');
    expect(got.headers['x-forwarded-proto']).toBe('http');
    expect(got.headers['authorization']).toBeUndefined();
  });

  it('a backend SOAP 1.1 fault is passed through as a fault', async () => {
    const res = await request(`${h.gw.url}${P11}`, { method: 'POST', headers: S11_HEADERS('GetPolicy'), body: sample('GetPolicy.unknown-policy.soap11.xml') });
    const text = await res.body.text();
    expect(res.statusCode).toBe(500);
    expect(text).toContain('faultcode');
    expect(text).toContain('PolicyFault');
    expect(h.backend.requests).toHaveLength(1);
  });

  it('a backend SOAP 1.2 fault is passed through as a fault', async () => {
    const res = await request(`${h.gw.url}${P12}`, { method: 'POST', headers: S12_HEADERS('GetPolicy'), body: sample('GetPolicy.unknown-policy.soap12.xml') });
    const text = await res.body.text();
    expect([400, 500]).toContain(res.statusCode);
    expect(text).toMatch(/Fault/);
    expect(res.headers['content-type']).toMatch(/^application\/soap\+xml/);
  });

  it('a UTF-16 request is forwarded as UTF-8 with the same content', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(sample('GetPolicy.soap11.xml').replace('encoding="UTF-8"', 'encoding="UTF-16"'), 'utf16le')]);
    const res = await request(`${h.gw.url}${P11}`, { method: 'POST', headers: { ...S11_HEADERS('GetPolicy'), 'content-type': 'text/xml; charset=utf-16' }, body: utf16 });
    expect(res.statusCode).toBe(200);
    await res.body.text();
    const got = h.backend.requests[0]!;
    expect(got.headers['content-type']).toBe('text/xml; charset=utf-8');
    expect(got.body).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?>/);
    expect(got.body).toContain('MTR-2026-000118');
  });

  it('?wsdl republishes the WSDL with the gateway address and no backend address', async () => {
    const res = await request(`${h.gw.url}${P11}?wsdl`);
    const text = await res.body.text();
    expect(res.statusCode).toBe(200);
    expect(text).not.toContain('/backend/');
    const doc = new DOMParser().parseFromString(text, 'text/xml');
    const addresses = [...Array.from(doc.getElementsByTagNameNS('http://schemas.xmlsoap.org/wsdl/soap/', 'address')), ...Array.from(doc.getElementsByTagNameNS('http://schemas.xmlsoap.org/wsdl/soap12/', 'address'))].map((a) => a.getAttribute('location'));
    // The bound address (listen.port 0 picked one), never the backend's.
    expect(addresses.sort()).toEqual([`${h.gw.url}${P11}`, `${h.gw.url}${P12}`].sort());
    const imports = Array.from(doc.getElementsByTagNameNS('http://www.w3.org/2001/XMLSchema', 'import')).map((i) => i.getAttribute('schemaLocation'));
    expect(imports.length).toBeGreaterThan(0);
    for (const loc of imports) expect(loc).toMatch(/\?xsd=\d+$/);
    expect(imports[0]).toMatch(new RegExp(`^${h.gw.url}${P11}\\?xsd=`));
    const xsd = await request(imports[0]!);
    expect(xsd.statusCode).toBe(200);
    expect(await xsd.body.text()).toContain('schema');
  });

  it('an unknown path is a 404 fault and a wrong method a 405 fault', async () => {
    const notFound = await h.gw.app.inject({ method: 'POST', url: '/nothing-here', headers: S11_HEADERS('GetPolicy'), payload: sample('GetPolicy.soap11.xml') });
    expect(notFound.statusCode).toBe(404);
    expect(faultCode(notFound.body)).toBe('GW_ERR_HTTP_NOT_FOUND');
    const put = await h.gw.app.inject({ method: 'PUT', url: P11, headers: S11_HEADERS('GetPolicy'), payload: sample('GetPolicy.soap11.xml') });
    expect(put.statusCode).toBe(405);
    expect(faultCode(put.body)).toBe('GW_ERR_HTTP_METHOD');
    expect(h.backend.requests).toHaveLength(0);
  });

  it('the admin listener answers health, readiness and Prometheus metrics', async () => {
    await request(`${h.gw.url}${P11}`, { method: 'POST', headers: S11_HEADERS('GetPolicy'), body: sample('GetPolicy.soap11.xml') }).then((r) => r.body.text());
    expect((await request(`${h.gw.adminUrl}/healthz`)).statusCode).toBe(200);
    expect((await request(`${h.gw.adminUrl}/readyz`)).statusCode).toBe(200);
    const metrics = await (await request(`${h.gw.adminUrl}/metrics`)).body.text();
    expect(metrics).toMatch(/wsgate_requests_total\{service="policy-admin",operation="GetPolicy",outcome="forwarded",code=""\} \d+/);
    expect(metrics).toContain('wsgate_request_duration_seconds_bucket');
    expect(metrics).toContain('wsgate_backend_duration_seconds_bucket');
  });
});

describe('backend failures become Receiver faults', () => {
  const send = (h: Harness) => request(`${h.gw.url}${P12}`, { method: 'POST', headers: S12_HEADERS('GetPolicy'), body: sample('GetPolicy.soap12.xml') });

  it('connection refused → 502 GW_ERR_BACKEND_UNAVAILABLE', async () => {
    const h = await startHarness({ backendBase: 'http://127.0.0.1:9' });
    try {
      const res = await send(h);
      expect(res.statusCode).toBe(502);
      expect(faultCode(await res.body.text())).toBe('GW_ERR_BACKEND_UNAVAILABLE');
    } finally {
      await h.close();
    }
  });

  it('no answer in time → 504 GW_ERR_BACKEND_TIMEOUT', async () => {
    const slow = await customBackend(() => undefined);
    const h = await startHarness({ backendBase: slow.url, backend: { responseTimeoutMs: 300 } });
    try {
      const res = await send(h);
      expect(res.statusCode).toBe(504);
      expect(faultCode(await res.body.text())).toBe('GW_ERR_BACKEND_TIMEOUT');
      expect(slow.hits).toHaveLength(1);
    } finally {
      await h.close();
      slow.server.closeAllConnections();
      slow.server.close();
    }
  });

  it('an oversized backend response → 502 GW_ERR_BACKEND_RESPONSE_TOO_LARGE', async () => {
    const huge = await customBackend((_b, res) => {
      res.writeHead(200, { 'content-type': 'application/soap+xml' });
      res.end(Buffer.alloc(200_000, 0x20));
    });
    const h = await startHarness({ backendBase: huge.url, backend: { maxResponseBytes: 65_536 } });
    try {
      const res = await send(h);
      expect(res.statusCode).toBe(502);
      expect(faultCode(await res.body.text())).toBe('GW_ERR_BACKEND_RESPONSE_TOO_LARGE');
    } finally {
      await h.close();
      huge.server.close();
    }
  });

  it('an HTML error page from the backend → 502 GW_ERR_BACKEND_BAD_RESPONSE', async () => {
    const html = await customBackend((_b, res) => {
      res.writeHead(404, { 'content-type': 'text/html' });
      res.end('<html><body>Not Found: /internal/path/of/backend</body></html>');
    });
    const h = await startHarness({ backendBase: html.url });
    try {
      const res = await send(h);
      const text = await res.body.text();
      expect(res.statusCode).toBe(502);
      expect(faultCode(text)).toBe('GW_ERR_BACKEND_BAD_RESPONSE');
      expect(text).not.toContain('/internal/path');
    } finally {
      await h.close();
      html.server.close();
    }
  });

  it('shutdown lets an in-flight exchange finish, then stops accepting', async () => {
    const delayed = await customBackend((_b, res) => {
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/soap+xml' });
        res.end('<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body><ok xmlns="urn:x"/></env:Body></env:Envelope>');
      }, 400);
    });
    const h = await startHarness({ backendBase: delayed.url });
    try {
      const inflight = send(h);
      while (delayed.hits.length === 0) await new Promise((r) => setTimeout(r, 10));
      const closing = h.gw.close();
      const res = await inflight;
      expect(res.statusCode).toBe(200);
      expect(await res.body.text()).toContain('<ok');
      await closing;
      await expect(send(h)).rejects.toThrow();
    } finally {
      await h.close();
      delayed.server.close();
    }
  });
});
