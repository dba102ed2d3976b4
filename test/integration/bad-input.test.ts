import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../src/errors.ts';
import { faultCode } from '../support/logs.ts';
import { S11_HEADERS, S12_HEADERS, samplesDir, startHarness, type Harness } from '../support/gateway.ts';

const S11 = 'http://schemas.xmlsoap.org/soap/envelope/';
const S12 = 'http://www.w3.org/2003/05/soap-envelope';
const PA = 'http://insurer.example/schemas/policyadmin/2021/03';
const P11 = '/PolicyAdministration/soap11';
const P12 = '/PolicyAdministration/soap12';

const good11 = readFileSync(join(samplesDir, 'GetPolicy.soap11.xml'), 'utf8');
const good12 = readFileSync(join(samplesDir, 'GetPolicy.soap12.xml'), 'utf8');
const getPolicy = (inner = 'MTR-2026-000118') => `<pa:GetPolicy><pa:PolicyNumber>${inner}</pa:PolicyNumber></pa:GetPolicy>`;
const env11 = (body: string, header = '') => `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="${S11}" xmlns:pa="${PA}">${header}<s:Body>${body}</s:Body></s:Envelope>`;
const env12 = (body: string, header = '') => `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="${S12}" xmlns:pa="${PA}">${header}<s:Body>${body}</s:Body></s:Envelope>`;

interface BadCase {
  readonly name: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string | Buffer;
  readonly code: ErrorCode;
  readonly status: number;
}

const deep = (n: number) => env11(`${'<pa:n>'.repeat(n)}${'</pa:n>'.repeat(n)}`);
const manyAttributes = (n: number) => env11(`<pa:GetPolicy ${Array.from({ length: n }, (_, i) => `a${i}=""`).join(' ')}/>`);
const billionLaughs =
  '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">' +
  '<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>' +
  env11(getPolicy('&lol3;')).replace('<?xml version="1.0" encoding="utf-8"?>', '');

const cases: BadCase[] = [
  { name: 'harmless DOCTYPE', path: P11, headers: S11_HEADERS('GetPolicy'), body: `<?xml version="1.0"?><!DOCTYPE s:Envelope>${env11(getPolicy()).slice(38)}`, code: 'GW_ERR_XML_DOCTYPE', status: 500 },
  { name: 'XXE file entity', path: P11, headers: S11_HEADERS('GetPolicy'), body: `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${env11(getPolicy('&xxe;')).slice(38)}`, code: 'GW_ERR_XML_DOCTYPE', status: 500 },
  { name: 'billion laughs', path: P11, headers: S11_HEADERS('GetPolicy'), body: billionLaughs, code: 'GW_ERR_XML_DOCTYPE', status: 500 },
  { name: 'processing instruction inside the Body', path: P11, headers: S11_HEADERS('GetPolicy'), body: env11(getPolicy('MTR<?x 0?>-1')), code: 'GW_ERR_XML_PROCESSING_INSTRUCTION', status: 500 },
  { name: 'U+2028 line separator in text', path: P11, headers: S11_HEADERS('GetPolicy'), body: env11(getPolicy('MTR\u2028-1')), code: 'GW_ERR_XML_FORBIDDEN_CHARACTER', status: 500 },
  { name: 'U+0085 next line in SOAP 1.2', path: P12, headers: S12_HEADERS('GetPolicy'), body: env12(getPolicy('MTR\u0085-1')), code: 'GW_ERR_XML_FORBIDDEN_CHARACTER', status: 400 },
  { name: 'comment in the Body', path: P11, headers: S11_HEADERS('GetPolicy'), body: env11(getPolicy('MTR<!-- x -->-1')), code: 'GW_ERR_XML_COMMENT', status: 500 },
  { name: 'depth 10,000', path: P11, headers: S11_HEADERS('GetPolicy'), body: deep(10_000), code: 'GW_ERR_XML_LIMIT_DEPTH', status: 500 },
  { name: '100,000 attributes on one element', path: P11, headers: S11_HEADERS('GetPolicy'), body: manyAttributes(100_000), code: 'GW_ERR_XML_LIMIT_ATTRIBUTES', status: 500 },
  { name: 'malformed XML', path: P11, headers: S11_HEADERS('GetPolicy'), body: env11('<pa:GetPolicy><pa:PolicyNumber>x</pa:GetPolicy>'), code: 'GW_ERR_XML_MALFORMED', status: 500 },
  { name: 'not XML at all', path: P12, headers: S12_HEADERS('GetPolicy'), body: 'hello', code: 'GW_ERR_XML_MALFORMED', status: 400 },
  { name: 'two Bodies', path: P11, headers: S11_HEADERS('GetPolicy'), body: env11(getPolicy()).replace('</s:Envelope>', `<s:Body>${getPolicy()}</s:Body></s:Envelope>`), code: 'GW_ERR_SOAP_ENVELOPE_SHAPE', status: 500 },
  { name: 'element after the Body', path: P12, headers: S12_HEADERS('GetPolicy'), body: env12(getPolicy()).replace('</s:Envelope>', '<pa:Extra/></s:Envelope>'), code: 'GW_ERR_SOAP_ENVELOPE_SHAPE', status: 400 },
  { name: 'SOAP 1.2 envelope sent as text/xml to the SOAP 1.1 endpoint', path: P11, headers: S11_HEADERS('GetPolicy'), body: good12, code: 'GW_ERR_SOAP_VERSION_MISMATCH', status: 500 },
  { name: 'SOAP 1.2 envelope sent as text/xml to the SOAP 1.2 endpoint', path: P12, headers: S11_HEADERS('GetPolicy'), body: good12, code: 'GW_ERR_HTTP_MEDIA_TYPE', status: 415 },
  { name: 'SOAP 1.1 envelope sent as application/soap+xml', path: P11, headers: S12_HEADERS('GetPolicy'), body: good11, code: 'GW_ERR_HTTP_MEDIA_TYPE', status: 415 },
  { name: 'JSON content type', path: P11, headers: { 'content-type': 'application/json' }, body: '{"a":1}', code: 'GW_ERR_HTTP_MEDIA_TYPE', status: 415 },
  { name: '2001/12 draft SOAP namespace', path: P12, headers: S12_HEADERS('GetPolicy'), body: good12.replace(S12, 'http://www.w3.org/2001/12/soap-envelope'), code: 'GW_ERR_SOAP_VERSION_MISMATCH', status: 500 },
  { name: 'unknown operation', path: P11, headers: { 'content-type': 'text/xml; charset=utf-8' }, body: env11('<pa:DropAllPolicies/>'), code: 'GW_ERR_SOAP_UNKNOWN_OPERATION', status: 500 },
  { name: 'SOAPAction names another operation than the Body', path: P11, headers: S11_HEADERS('CancelPolicy'), body: good11, code: 'GW_ERR_SOAP_ACTION_MISMATCH', status: 500 },
  { name: 'SOAP 1.2 action parameter names another operation', path: P12, headers: S12_HEADERS('CancelPolicy'), body: good12, code: 'GW_ERR_SOAP_ACTION_MISMATCH', status: 400 },
  { name: 'unknown mustUnderstand header', path: P11, headers: S11_HEADERS('GetPolicy'), body: env11(getPolicy(), '<s:Header><t:Trace xmlns:t="urn:trace" s:mustUnderstand="1"/></s:Header>'), code: 'GW_ERR_SOAP_MUST_UNDERSTAND', status: 500 },
  { name: 'unknown mustUnderstand header in SOAP 1.2', path: P12, headers: S12_HEADERS('GetPolicy'), body: env12(getPolicy(), '<s:Header><t:Trace xmlns:t="urn:trace" s:mustUnderstand="true"/></s:Header>'), code: 'GW_ERR_SOAP_MUST_UNDERSTAND', status: 500 },
  { name: 'empty body', path: P11, headers: S11_HEADERS('GetPolicy'), body: '', code: 'GW_ERR_HTTP_EMPTY_BODY', status: 400 },
  { name: 'empty SOAP Body', path: P11, headers: S11_HEADERS('GetPolicy'), body: env11(''), code: 'GW_ERR_SOAP_EMPTY_BODY', status: 500 },
  { name: 'charset iso-8859-1', path: P11, headers: { ...S11_HEADERS('GetPolicy'), 'content-type': 'text/xml; charset=iso-8859-1' }, body: good11, code: 'GW_ERR_HTTP_CHARSET', status: 415 },
  { name: 'charset utf-16 declared on UTF-8 bytes', path: P11, headers: { ...S11_HEADERS('GetPolicy'), 'content-type': 'text/xml; charset=utf-16' }, body: good11, code: 'GW_ERR_HTTP_CHARSET', status: 415 },
  { name: 'invalid UTF-8 bytes', path: P11, headers: S11_HEADERS('GetPolicy'), body: Buffer.concat([Buffer.from(env11(getPolicy('MTR')).slice(0, 200)), Buffer.from([0xc3, 0x28]), Buffer.from(env11(getPolicy()).slice(200))]), code: 'GW_ERR_HTTP_CHARSET', status: 415 },
];


describe('bad input is refused before the backend, the process stays up', () => {
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

  it.each(cases)('$name → $code ($status)', async (c) => {
    const res = await h.gw.app.inject({ method: 'POST', url: c.path, headers: c.headers, payload: c.body });
    expect(res.statusCode).toBe(c.status);
    expect(faultCode(res.body)).toBe(c.code);
    expect(res.headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers['content-type']).toMatch(c.path === P12 && c.status !== 415 ? /^application\/soap\+xml/ : /^(text\/xml|application\/soap\+xml)/);
    expect(h.backend.requests).toHaveLength(0);
  });

  it('a 50 MB body is refused with 413 over real HTTP without reading it all', async () => {
    const big = Buffer.alloc(50 * 1024 * 1024, 0x41);
    const res = await request(`${h.gw.url}${P11}`, { method: 'POST', headers: S11_HEADERS('GetPolicy'), body: big }).catch((err: Error) => err);
    if (res instanceof Error) {
      // The gateway may close the connection while the client is still sending: that is a refusal too.
      expect(String((res as { code?: string }).code ?? res.message)).toMatch(/ECONNRESET|EPIPE|UND_ERR_SOCKET|other side closed/);
    } else {
      expect(res.statusCode).toBe(413);
      expect(faultCode(await res.body.text())).toBe('GW_ERR_HTTP_BODY_TOO_LARGE');
    }
    expect(h.backend.requests).toHaveLength(0);
  });

  it('a client fault reveals no internal reason', async () => {
    const res = await h.gw.app.inject({ method: 'POST', url: P11, headers: S11_HEADERS('GetPolicy'), payload: deep(10_000) });
    // The correlation id is random hex: leave it out before looking for the depth figure.
    expect(res.body.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '')).not.toMatch(/maxDepth|65|line|xmldom|saxes|\/tmp\//);
  });

  it('after every bad request the gateway still serves a good one', async () => {
    const res = await request(`${h.gw.url}${P11}`, { method: 'POST', headers: S11_HEADERS('GetPolicy'), body: good11 });
    expect(res.statusCode).toBe(200);
    expect(await res.body.text()).toContain('GetPolicyResponse');
    expect(h.backend.requests).toHaveLength(1);
  });
});
