import { readFileSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FAULT_NS } from '../../src/soap/fault.ts';
import { S11_HEADERS, S12_HEADERS, samplesDir, startHarness, type Harness } from '../support/gateway.ts';
import { faultCode, memoryLogger, type Logged } from '../support/logs.ts';

const P11 = '/PolicyAdministration/soap11';
const P12 = '/PolicyAdministration/soap12';
const PA = 'http://insurer.example/schemas/policyadmin/2021/03';
const sample = (f: string): string => readFileSync(join(samplesDir, f), 'utf8');

/** A SOAP 1.1 / 1.2 request whose Body is `body` (the pa prefix is declared on the Envelope, not on the Body child). */
function envelope(version: '1.1' | '1.2', body: string, extraNs = ''): string {
  const env = version === '1.1' ? 'http://schemas.xmlsoap.org/soap/envelope/' : 'http://www.w3.org/2003/05/soap-envelope';
  return `<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="${env}" xmlns:pa="${PA}"${extraNs}><s:Header/><s:Body>${body}</s:Body></s:Envelope>`;
}

interface Sent {
  readonly status: number;
  readonly body: string;
  readonly forwarded: readonly string[];
  readonly log: Logged | undefined;
}

function violationsOf(body: string): { path: string; message: string }[] {
  const doc = new DOMParser().parseFromString(body, 'text/xml');
  const list = doc.getElementsByTagNameNS(FAULT_NS, 'violation');
  const out: { path: string; message: string }[] = [];
  for (let i = 0; i < list.length; i++) {
    const v = list.item(i);
    out.push({ path: v?.getElementsByTagNameNS(FAULT_NS, 'path')[0]?.textContent ?? '', message: v?.getElementsByTagNameNS(FAULT_NS, 'message')[0]?.textContent ?? '' });
  }
  return out;
}

describe('schema validation of requests against the WSDL\'s XSD (validation.request)', () => {
  const harnesses: Harness[] = [];
  afterAll(async () => {
    for (const h of harnesses) await h.close();
  });

  async function gateway(serviceYaml: string): Promise<{ send: (version: '1.1' | '1.2', op: string, payload: string) => Promise<Sent>; auditDir: string }> {
    const mem = memoryLogger();
    const h = await startHarness({ serviceYaml, start: { logger: mem.logger } });
    harnesses.push(h);
    return {
      auditDir: join(h.dir, 'audit'),
      async send(version, op, payload) {
        const before = h.backend.requests.length;
        const res = await h.gw.app.inject({ method: 'POST', url: version === '1.1' ? P11 : P12, headers: version === '1.1' ? S11_HEADERS(op) : S12_HEADERS(op), payload });
        return { status: res.statusCode, body: res.body, forwarded: h.backend.requests.slice(before).map((r) => r.body), log: mem.find(String(res.headers['x-correlation-id'])) };
      },
    };
  }

  describe('validation: {request: on}', () => {
    let gw: Awaited<ReturnType<typeof gateway>>;
    beforeAll(async () => {
      gw = await gateway('validation: {request: on}');
    });

    const samples = readdirSync(samplesDir).filter((f) => f.endsWith('.xml'));
    it.each(samples)('valid sample %s reaches the backend unchanged', async (file) => {
      const op = file.split('.')[0] ?? '';
      const r = await gw.send(file.includes('soap12') ? '1.2' : '1.1', op, sample(file));
      expect(faultCode(r.body), `${r.log?.errorCode ?? ''} ${r.log?.reason ?? ''}`).not.toBe('GW_ERR_SCHEMA_INVALID');
      expect(r.forwarded).toEqual([sample(file)]);
      expect(r.log?.['validation']).toMatchObject({ request: { mode: 'on', valid: true, total: 0 } });
    });

    it('letters in an xsd:int (SearchPolicies MaxResults) → SOAP 1.1 500 GW_ERR_SCHEMA_INVALID naming the element, nothing forwarded', async () => {
      const r = await gw.send('1.1', 'SearchPolicies', envelope('1.1', '<pa:SearchPolicies><pa:Status>Active</pa:Status><pa:MaxResults>ten</pa:MaxResults></pa:SearchPolicies>'));
      expect(r.status).toBe(500);
      expect(faultCode(r.body)).toBe('GW_ERR_SCHEMA_INVALID');
      expect(r.body).toContain('<faultcode>soap:Client</faultcode>');
      expect(r.body).toContain('Request does not match the service schema');
      expect(r.forwarded).toEqual([]);
      const v = violationsOf(r.body);
      expect(v).toHaveLength(1);
      expect(v[0]?.path).toBe('/pa:SearchPolicies/pa:MaxResults');
      expect(v[0]?.message).toContain("'ten' is not a valid value");
      expect(r.log?.errorCode).toBe('GW_ERR_SCHEMA_INVALID');
      expect(r.log?.reason).toContain('/pa:SearchPolicies/pa:MaxResults');
      expect(r.log?.['errorDetail']).toMatchObject({ operation: 'SearchPolicies', direction: 'request', violations: 1 });
    });

    it('letters in an xsd:date (CancelPolicy EffectiveDate) over SOAP 1.2 → 400 Sender with the violation in the Detail', async () => {
      const r = await gw.send('1.2', 'CancelPolicy', envelope('1.2', '<pa:CancelPolicy><pa:PolicyNumber>TRV-2026-000031</pa:PolicyNumber><pa:Reason>CustomerRequest</pa:Reason><pa:EffectiveDate>end of month</pa:EffectiveDate></pa:CancelPolicy>'));
      expect(r.status).toBe(400);
      expect(r.body).toContain('<env:Value>env:Sender</env:Value>');
      expect(faultCode(r.body)).toBe('GW_ERR_SCHEMA_INVALID');
      expect(violationsOf(r.body)).toEqual([{ path: '/pa:CancelPolicy/pa:EffectiveDate', message: expect.stringContaining("'end of month' is not a valid value of the atomic type 'xs:date'") as string }]);
      expect(r.forwarded).toEqual([]);
    });

    it('a missing required element (GetPolicy without PolicyNumber) is refused, the violation names the missing child', async () => {
      const r = await gw.send('1.1', 'GetPolicy', envelope('1.1', '<pa:GetPolicy/>'));
      expect(faultCode(r.body)).toBe('GW_ERR_SCHEMA_INVALID');
      const v = violationsOf(r.body);
      expect(v[0]?.path).toBe('/pa:GetPolicy');
      expect(v[0]?.message).toContain('Missing child element(s)');
      expect(v[0]?.message).toContain('PolicyNumber');
      expect(r.forwarded).toEqual([]);
    });

    it('a missing element in the middle (CancelPolicy without Reason) is refused at the element that came instead', async () => {
      const r = await gw.send('1.1', 'CancelPolicy', envelope('1.1', '<pa:CancelPolicy><pa:PolicyNumber>TRV-2026-000031</pa:PolicyNumber><pa:EffectiveDate>2026-09-30</pa:EffectiveDate></pa:CancelPolicy>'));
      expect(faultCode(r.body)).toBe('GW_ERR_SCHEMA_INVALID');
      expect(violationsOf(r.body)[0]).toEqual({ path: '/pa:CancelPolicy/pa:EffectiveDate', message: expect.stringContaining(`Expected is ( {${PA}}Reason )`) as string });
    });

    it('an extra element (GetPolicy with an unknown child) is refused and named', async () => {
      const r = await gw.send('1.1', 'GetPolicy', envelope('1.1', '<pa:GetPolicy><pa:PolicyNumber>MTR-2026-000118</pa:PolicyNumber><pa:Discount>50</pa:Discount></pa:GetPolicy>'));
      expect(faultCode(r.body)).toBe('GW_ERR_SCHEMA_INVALID');
      expect(violationsOf(r.body)[0]).toEqual({ path: '/pa:GetPolicy/pa:Discount', message: expect.stringContaining('This element is not expected') as string });
      expect(r.forwarded).toEqual([]);
    });

    it('a child in the wrong namespace is refused, the message names both namespaces', async () => {
      const r = await gw.send('1.1', 'GetPolicy', envelope('1.1', '<pa:GetPolicy><PolicyNumber xmlns="urn:not-the-schema">MTR-2026-000118</PolicyNumber></pa:GetPolicy>'));
      expect(faultCode(r.body)).toBe('GW_ERR_SCHEMA_INVALID');
      const v = violationsOf(r.body)[0];
      expect(v?.path).toBe('/pa:GetPolicy/PolicyNumber');
      expect(v?.message).toContain('{urn:not-the-schema}PolicyNumber');
      expect(v?.message).toContain(`{${PA}}PolicyNumber`);
    });

    it('types from the xsd:include\'d Common.xsd are enforced (PolicyNumber pattern, Channel enumeration), in a default namespace too', async () => {
      const body = `<GetPolicy xmlns="${PA}"><PolicyNumber>12345</PolicyNumber><Context><Channel>Fax</Channel></Context></GetPolicy>`;
      const r = await gw.send('1.1', 'GetPolicy', envelope('1.1', body));
      expect(faultCode(r.body)).toBe('GW_ERR_SCHEMA_INVALID');
      const v = violationsOf(r.body);
      expect(v.map((x) => x.path)).toEqual(['/GetPolicy/PolicyNumber', '/GetPolicy/Context/Channel']);
      expect(v[0]?.message).toContain("[facet 'pattern']");
      expect(v[1]?.message).toContain("[facet 'enumeration']");
    });

    it('an xsi:type prefix declared only on the Envelope resolves (the Body child is validated with its in-scope namespace declarations)', async () => {
      const xsi = ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xs="http://www.w3.org/2001/XMLSchema"';
      const r = await gw.send('1.1', 'GetPolicy', envelope('1.1', '<pa:GetPolicy><pa:PolicyNumber xsi:type="xs:string">MTR-2026-000118</pa:PolicyNumber></pa:GetPolicy>', xsi));
      expect(r.log?.['validation']).toMatchObject({ request: { valid: false } });
      // xs:string is not derived from PolicyNumberType: refused for that reason, not for an undeclared prefix.
      expect(violationsOf(r.body)[0]?.message).not.toContain('no corresponding namespace declaration');
      const ok = await gw.send('1.1', 'GetPolicy', envelope('1.1', '<pa:GetPolicy><pa:PolicyNumber xsi:type="pa:PolicyNumberType">MTR-2026-000118</pa:PolicyNumber></pa:GetPolicy>', xsi));
      expect(ok.forwarded).toHaveLength(1);
    });

    it('an xsi:schemaLocation pointing at a server is never fetched', async () => {
      let hits = 0;
      const server: Server = createServer((_req, res) => {
        hits++;
        res.end('<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema"/>');
      });
      await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
      try {
        const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/evil.xsd`;
        const r = await gw.send('1.1', 'GetPolicy', envelope('1.1', `<pa:GetPolicy xsi:schemaLocation="${PA} ${url}"><pa:PolicyNumber>MTR-2026-000118</pa:PolicyNumber></pa:GetPolicy>`, ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'));
        expect(r.forwarded).toHaveLength(1);
        expect(hits).toBe(0);
      } finally {
        server.close();
      }
    });
  });

  it('maxViolations bounds what the fault lists; the log keeps the total', async () => {
    const gw = await gateway('validation: {request: on, maxViolations: 2}');
    const r = await gw.send('1.1', 'SearchPolicies', envelope('1.1', '<pa:SearchPolicies><pa:Status>Asleep</pa:Status><pa:Product>Boat</pa:Product><pa:InceptionFrom>soon</pa:InceptionFrom></pa:SearchPolicies>'));
    expect(faultCode(r.body)).toBe('GW_ERR_SCHEMA_INVALID');
    expect(violationsOf(r.body).map((v) => v.path)).toEqual(['/pa:SearchPolicies/pa:Status', '/pa:SearchPolicies/pa:Product']);
    expect(r.log?.['validation']).toMatchObject({ request: { total: 3 } });
    expect(r.log?.['errorDetail']).toMatchObject({ violations: 3 });
  });

  it('report-only forwards an invalid request unchanged and records its violations in the log line', async () => {
    const gw = await gateway('validation: {request: report-only}');
    const payload = envelope('1.1', '<pa:GetPolicy><pa:PolicyNumber>MTR-2026-000118</pa:PolicyNumber><pa:Discount>50</pa:Discount></pa:GetPolicy>');
    const r = await gw.send('1.1', 'GetPolicy', payload);
    expect(faultCode(r.body)).toBeUndefined();
    expect(r.forwarded).toEqual([payload]);
    expect(r.log?.errorCode).toBeUndefined();
    expect(r.log?.['validation']).toEqual({
      request: { mode: 'report-only', valid: false, total: 1, violations: [{ path: '/pa:GetPolicy/pa:Discount', message: expect.stringContaining('This element is not expected') as string }] },
    });
    // The audit record of the forwarded exchange carries the same findings.
    const records = readdirSync(gw.auditDir)
      .filter((f) => f.endsWith('.jsonl'))
      .flatMap((f) => readFileSync(join(gw.auditDir, f), 'utf8').split('\n').filter(Boolean))
      .map((l) => JSON.parse(l) as { kind: string; correlationId?: string; decision?: string; validation?: unknown });
    const record = records.find((e) => e.kind === 'record' && e.correlationId === r.log?.correlationId);
    expect(record).toMatchObject({ decision: 'accepted', validation: { request: { mode: 'report-only', valid: false, total: 1 } } });
  });

  it('a per-operation override wins: SearchPolicies report-only while GetPolicy is on', async () => {
    const gw = await gateway('validation: {request: on, operations: {SearchPolicies: {request: report-only}}}');
    const search = await gw.send('1.1', 'SearchPolicies', envelope('1.1', '<pa:SearchPolicies><pa:MaxResults>ten</pa:MaxResults></pa:SearchPolicies>'));
    expect(search.forwarded).toHaveLength(1);
    expect(search.log?.['validation']).toMatchObject({ request: { mode: 'report-only', valid: false } });
    const get = await gw.send('1.1', 'GetPolicy', envelope('1.1', '<pa:GetPolicy><pa:Discount>50</pa:Discount></pa:GetPolicy>'));
    expect(faultCode(get.body)).toBe('GW_ERR_SCHEMA_INVALID');
    expect(get.forwarded).toEqual([]);
  });

  it('validation off (the default) forwards an invalid request without a validation record', async () => {
    const gw = await gateway('');
    const r = await gw.send('1.1', 'GetPolicy', envelope('1.1', '<pa:GetPolicy><pa:Discount>50</pa:Discount></pa:GetPolicy>'));
    expect(r.forwarded).toHaveLength(1);
    expect(r.log?.['validation']).toBeUndefined();
  });
});

describe('schema validation of backend responses (validation.response)', () => {
  let server: Server;
  let url = '';
  let reply = '';
  const harnesses: Harness[] = [];
  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' });
      res.end(reply);
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(() => {
    reply = '';
  });
  afterAll(async () => {
    for (const h of harnesses) await h.close();
    server.close();
  });

  async function send(serviceYaml: string, backendBase?: string): Promise<{ status: number; body: string; log: Logged | undefined }> {
    const mem = memoryLogger();
    const h = await startHarness({ serviceYaml, start: { logger: mem.logger }, ...(backendBase !== undefined ? { backendBase } : {}) });
    harnesses.push(h);
    const res = await h.gw.app.inject({ method: 'POST', url: P11, headers: S11_HEADERS('GetPolicy'), payload: sample('GetPolicy.soap11.xml') });
    return { status: res.statusCode, body: res.body, log: mem.find(String(res.headers['x-correlation-id'])) };
  }

  it('the example backend\'s GetPolicy response is valid with response: on', async () => {
    const r = await send('validation: {request: on, response: on}');
    expect(r.status, `${r.log?.errorCode ?? ''} ${r.log?.reason ?? ''}`).toBe(200);
    expect(r.body).toContain('GetPolicyResponse');
    expect(r.log?.['validation']).toMatchObject({ request: { valid: true }, response: { mode: 'on', valid: true } });
  });

  it('an invalid backend response with response: on → 502 Receiver GW_ERR_BACKEND_RESPONSE_INVALID, violations only in the log', async () => {
    reply = envelope('1.1', '<pa:GetPolicyResponse><pa:Policy><pa:PolicyNumber>secret-internal-id</pa:PolicyNumber></pa:Policy></pa:GetPolicyResponse>');
    const r = await send('validation: {response: on}', url);
    expect(r.status).toBe(502);
    expect(faultCode(r.body)).toBe('GW_ERR_BACKEND_RESPONSE_INVALID');
    expect(r.body).toContain('<faultcode>soap:Server</faultcode>');
    expect(r.body).not.toContain('secret-internal-id');
    expect(violationsOf(r.body)).toEqual([]);
    expect(r.log?.errorCode).toBe('GW_ERR_BACKEND_RESPONSE_INVALID');
    expect(r.log?.['backend']).toMatchObject({ status: 200 });
    expect(r.log?.['validation']).toMatchObject({ response: { mode: 'on', valid: false } });
  });

  it('a backend response that is not XML with response: on → 502 GW_ERR_BACKEND_RESPONSE_INVALID', async () => {
    reply = 'all good';
    const r = await send('validation: {response: on}', url);
    expect(faultCode(r.body)).toBe('GW_ERR_BACKEND_RESPONSE_INVALID');
    expect(r.log?.reason).toContain('not a SOAP 1.1 envelope');
  });

  it('report-only passes an invalid response through and records it', async () => {
    reply = envelope('1.1', '<pa:GetPolicyResponse><pa:Policy/></pa:GetPolicyResponse>');
    const r = await send('validation: {response: report-only}', url);
    expect(r.status).toBe(200);
    expect(r.body).toBe(reply);
    expect(r.log?.['validation']).toMatchObject({ response: { mode: 'report-only', valid: false } });
  });

  it('a SOAP fault from the backend is passed through, not validated', async () => {
    reply = envelope('1.1', '<s:Fault><faultcode>s:Client</faultcode><faultstring>no</faultstring></s:Fault>');
    const r = await send('validation: {response: on}', url);
    expect(r.status).toBe(200);
    expect(r.body).toBe(reply);
    expect(r.log?.['validation']).toBeUndefined();
  });
});
