/**
 * The example backend over real HTTP: every sample request in wsdl/policy-admin/samples is answered
 * as documented, faults come back in the request's SOAP version, and every request is recorded
 * before node-soap handles it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import type { Document, Element } from '@xmldom/xmldom';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExampleBackend } from '../../src/example/backend.ts';
import type { ExampleBackend } from '../../src/example/backend.ts';
import { BACKEND_PATHS, OPERATIONS, SAMPLES_DIR } from '../../src/example/contract.ts';

const PA = 'http://insurer.example/schemas/policyadmin/2021/03';
const ENV = { '1.1': 'http://schemas.xmlsoap.org/soap/envelope/', '1.2': 'http://www.w3.org/2003/05/soap-envelope' } as const;
type Version = keyof typeof ENV;

let backend: ExampleBackend;

beforeAll(async () => {
  backend = await startExampleBackend({ port: 0, quiet: true });
});
afterAll(async () => {
  await backend.close();
});

function sample(name: string): string {
  return readFileSync(join(SAMPLES_DIR, name), 'utf8');
}

function actionOf(operation: string): string {
  const op = OPERATIONS.find((o) => o.name === operation);
  if (op === undefined) throw new Error(`no operation ${operation}`);
  return op.action;
}

/** Sends like a well-behaved client: SOAPAction for 1.1, the action parameter for 1.2. */
async function send(version: Version, operation: string, body: string) {
  const action = actionOf(operation);
  const headers: Record<string, string> =
    version === '1.1'
      ? { 'content-type': 'text/xml; charset=utf-8', soapaction: `"${action}"` }
      : { 'content-type': `application/soap+xml; charset=utf-8; action="${action}"` };
  const res = await request(`${backend.url}${BACKEND_PATHS[version]}`, { method: 'POST', headers, body });
  const text = await res.body.text();
  const doc = new DOMParser().parseFromString(text, 'text/xml') as unknown as Document;
  return { status: res.statusCode, contentType: String(res.headers['content-type']), text, doc };
}

function el(doc: Document, ns: string, local: string, index = 0): Element {
  const found = doc.getElementsByTagNameNS(ns, local).item(index);
  if (found === null) throw new Error(`no {${ns}}${local} #${index}`);
  return found;
}
const pa = (doc: Document, local: string, index = 0): string => el(doc, PA, local, index).textContent ?? '';

describe('example backend: the samples succeed', () => {
  it.each(['1.1', '1.2'] as const)('GetPolicy over SOAP %s', async (version) => {
    const file = version === '1.1' ? 'GetPolicy.soap11.xml' : 'GetPolicy.soap12.xml';
    const r = await send(version, 'GetPolicy', sample(file));
    expect(r.status).toBe(200);
    expect(r.contentType).toBe(version === '1.1' ? 'text/xml; charset=utf-8' : 'application/soap+xml; charset=utf-8');
    expect(r.doc.documentElement?.namespaceURI).toBe(ENV[version]);
    expect(el(r.doc, PA, 'GetPolicyResponse')).toBeDefined();
    if (version === '1.1') {
      expect(pa(r.doc, 'PolicyNumber')).toBe('MTR-2026-000118');
      expect(pa(r.doc, 'FullName')).toBe('Anna Keller');
      expect(pa(r.doc, 'Street')).toBe('Lindenstraße 12');
      expect(el(r.doc, PA, 'Coverage', 2)).toBeDefined();
      const premium = el(r.doc, PA, 'AnnualPremium', 3); // three coverage premiums first, then the policy's
      expect(premium.getAttribute('currency')).toBe('EUR');
      expect(premium.textContent).toBe('865.00');
      expect(pa(r.doc, 'CorrelationId')).toBe('sample-GetPolicy-soap11');
    } else {
      expect(pa(r.doc, 'PolicyNumber')).toBe('HOM-2026-004471');
      expect(pa(r.doc, 'FullName')).toBe('Sofia Lindqvist');
      expect(pa(r.doc, 'Status')).toBe('Active');
    }
  });

  it('SearchPolicies over SOAP 1.1 (holder name, status)', async () => {
    const r = await send('1.1', 'SearchPolicies', sample('SearchPolicies.soap11.xml'));
    expect(r.status).toBe(200);
    expect(pa(r.doc, 'TotalCount')).toBe('2');
    expect([pa(r.doc, 'HolderName', 0), pa(r.doc, 'HolderName', 1)]).toEqual(['Anna Keller', 'Jonas Keller']);
  });

  it('SearchPolicies over SOAP 1.2 (product, inception range)', async () => {
    const r = await send('1.2', 'SearchPolicies', sample('SearchPolicies.soap12.xml'));
    expect(r.status).toBe(200);
    expect(r.doc.documentElement?.namespaceURI).toBe(ENV['1.2']);
    expect(pa(r.doc, 'TotalCount')).toBe('3');
    const numbers = [0, 1, 2].map((i) => pa(r.doc, 'PolicyNumber', i));
    expect(numbers).toEqual(['HOM-2026-000912', 'HOM-2026-001207', 'HOM-2026-004471']);
    expect(pa(r.doc, 'HolderName', 1)).toBe("Liam O'Connor");
  });

  it.each(['1.1', '1.2'] as const)('EndorsePolicy over SOAP %s returns the new premium, and again when repeated', async (version) => {
    const file = version === '1.1' ? 'EndorsePolicy.soap11.xml' : 'EndorsePolicy.soap12.xml';
    const expected = version === '1.1'
      ? { number: 'MTR-2026-000118', previous: '865.00', next: '980.00', adjustment: '57.03' }
      : { number: 'HOM-2026-004471', previous: '875.00', next: '650.00', adjustment: '-113.42' };
    const first = await send(version, 'EndorsePolicy', sample(file));
    expect(first.status).toBe(200);
    expect(pa(first.doc, 'PolicyNumber')).toBe(expected.number);
    expect(pa(first.doc, 'PreviousAnnualPremium')).toBe(expected.previous);
    expect(pa(first.doc, 'NewAnnualPremium')).toBe(expected.next);
    expect(pa(first.doc, 'PremiumAdjustment')).toBe(expected.adjustment);
    expect(pa(first.doc, 'Version')).toBe('2');
    const again = await send(version, 'EndorsePolicy', sample(file));
    expect(again.status).toBe(200);
    expect(pa(again.doc, 'NewAnnualPremium')).toBe(expected.next);
    expect(pa(again.doc, 'Version')).toBe('2');
  });

  it.each(['1.1', '1.2'] as const)('CancelPolicy over SOAP %s returns the refund, and again when repeated', async (version) => {
    const file = version === '1.1' ? 'CancelPolicy.soap11.xml' : 'CancelPolicy.soap12.xml';
    const expected = version === '1.1' ? { number: 'TRV-2026-000031', refund: '230.63' } : { number: 'MTR-2026-000519', refund: '865.70' };
    for (let i = 0; i < 2; i++) {
      const r = await send(version, 'CancelPolicy', sample(file));
      expect(r.status).toBe(200);
      expect(pa(r.doc, 'PolicyNumber')).toBe(expected.number);
      expect(pa(r.doc, 'Status')).toBe('Cancelled');
      expect(pa(r.doc, 'Refund')).toBe(expected.refund);
    }
  });
});

describe('example backend: faults', () => {
  it('unknown policy over SOAP 1.1: HTTP 500, soap:Client, PolicyFault detail', async () => {
    const r = await send('1.1', 'GetPolicy', sample('GetPolicy.unknown-policy.soap11.xml'));
    expect(r.status).toBe(500);
    expect(r.contentType).toBe('text/xml; charset=utf-8');
    expect(r.doc.documentElement?.namespaceURI).toBe(ENV['1.1']);
    const fault = el(r.doc, ENV['1.1'], 'Fault');
    const child = (name: string) => Array.from(fault.childNodes).find((n) => n.nodeName === name)?.textContent;
    expect(child('faultcode')).toBe('soap:Client');
    expect(child('faultstring')).toBe('Policy MTR-2020-999999 does not exist.');
    expect(pa(r.doc, 'FaultCode')).toBe('POLICY_NOT_FOUND');
    expect(pa(r.doc, 'PolicyNumber')).toBe('MTR-2020-999999');
  });

  it('unknown policy over SOAP 1.2: HTTP 400, env:Code/env:Value Sender, PolicyFault detail', async () => {
    const r = await send('1.2', 'GetPolicy', sample('GetPolicy.unknown-policy.soap12.xml'));
    expect(r.status).toBe(400);
    expect(r.contentType).toBe('application/soap+xml; charset=utf-8');
    const code = el(r.doc, ENV['1.2'], 'Value');
    expect(code.parentNode?.localName).toBe('Code');
    const [prefix, local] = (code.textContent ?? '').split(':');
    expect(code.lookupNamespaceURI(prefix ?? '')).toBe(ENV['1.2']);
    expect(local).toBe('Sender');
    expect(el(r.doc, ENV['1.2'], 'Text').getAttribute('xml:lang')).toBe('en');
    expect(el(r.doc, ENV['1.2'], 'Detail')).toBeDefined();
    expect(pa(r.doc, 'FaultCode')).toBe('POLICY_NOT_FOUND');
  });

  it('an invalid endorsement is a PolicyFault (INVALID_ENDORSEMENT)', async () => {
    const body = sample('EndorsePolicy.soap11.xml').replace('<pa:CoverageCode>GLASS</pa:CoverageCode>', '<pa:CoverageCode>FLOOD</pa:CoverageCode>');
    const r = await send('1.1', 'EndorsePolicy', body);
    expect(r.status).toBe(500);
    expect(pa(r.doc, 'FaultCode')).toBe('INVALID_ENDORSEMENT');
  });

  it('a SOAP 1.1 envelope on the SOAP 1.2 endpoint is a VersionMismatch fault', async () => {
    const r = await send('1.2', 'GetPolicy', sample('GetPolicy.soap11.xml'));
    expect(r.status).toBe(500);
    expect(el(r.doc, ENV['1.2'], 'Value').textContent).toBe('soap:VersionMismatch');
  });
});

describe('example backend: WSDL and schemas', () => {
  it('serves the WSDL at ?wsdl and the schemas where its relative schemaLocations point', async () => {
    const wsdl = await request(`${backend.url}${BACKEND_PATHS['1.1']}?wsdl`);
    const text = await wsdl.body.text();
    expect(wsdl.statusCode).toBe(200);
    expect(text).toContain('schemaLocation="PolicyAdministration.xsd"');
    const base = new URL(`${backend.url}${BACKEND_PATHS['1.1']}`);
    for (const file of ['PolicyAdministration.xsd', 'Common.xsd']) {
      const res = await request(new URL(file, base));
      expect(res.statusCode).toBe(200);
      expect(await res.body.text()).toContain('<xsd:schema');
    }
  });
});

describe('example backend: recording', () => {
  it('records path, headers and the raw body of every request, faults included', async () => {
    backend.requests.length = 0;
    const body = sample('GetPolicy.unknown-policy.soap11.xml');
    await send('1.1', 'GetPolicy', body);
    await request(`${backend.url}/not/an/endpoint`, { method: 'POST', body: 'x' }).then((r) => r.body.dump());
    expect(backend.requests).toHaveLength(2);
    const [first, second] = backend.requests;
    expect(first?.path).toBe(BACKEND_PATHS['1.1']);
    expect(first?.headers['soapaction']).toBe(`"${actionOf('GetPolicy')}"`);
    expect(first?.headers['content-type']).toBe('text/xml; charset=utf-8');
    expect(first?.body).toBe(body);
    expect(second?.path).toBe('/not/an/endpoint');
  });

  it('keeps the SOAP 1.2 action parameter as sent', async () => {
    backend.requests.length = 0;
    await send('1.2', 'GetPolicy', sample('GetPolicy.soap12.xml'));
    expect(backend.requests[0]?.headers['content-type']).toBe(`application/soap+xml; charset=utf-8; action="${actionOf('GetPolicy')}"`);
  });
});
