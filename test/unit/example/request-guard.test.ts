import { describe, expect, it } from 'vitest';
import { checkRequest, parseContentType } from '../../../src/example/request-guard.ts';
import type { GuardInput, GuardVerdict } from '../../../src/example/request-guard.ts';

const S11 = 'http://schemas.xmlsoap.org/soap/envelope/';
const S12 = 'http://www.w3.org/2003/05/soap-envelope';
const PA = 'http://insurer.example/schemas/policyadmin/2021/03';
const ACTION = 'http://insurer.example/ws/policyadmin/2021/03';
const P11 = '/backend/PolicyAdministration/soap11';
const P12 = '/backend/PolicyAdministration/soap12';

const envelope = (ns: string, body: string, header = ''): string =>
  `<?xml version="1.0"?><e:Envelope xmlns:e="${ns}">${header === '' ? '' : `<e:Header>${header}</e:Header>`}<e:Body>${body}</e:Body></e:Envelope>`;
const getPolicy = `<p:GetPolicy xmlns:p="${PA}"><p:PolicyNumber>MTR-2026-000118</p:PolicyNumber></p:GetPolicy>`;

function input(over: Partial<GuardInput>): GuardInput {
  return {
    method: 'POST', path: P11, query: '',
    headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: `"${ACTION}/GetPolicy"` },
    body: envelope(S11, getPolicy), ...over,
  };
}
const in12 = (over: Partial<GuardInput>): GuardInput =>
  input({ path: P12, headers: { 'content-type': 'application/soap+xml; charset=utf-8' }, body: envelope(S12, getPolicy), ...over });

function faultOf(v: GuardVerdict): { status: number; code: string; reason: string } {
  if (v.kind !== 'reply') throw new Error(`expected a reply, got ${v.kind}`);
  const code = /<faultcode>([^<]*)<\/faultcode>|<soap:Code><soap:Value>([^<]*)</.exec(v.body);
  const reason = /<faultstring>([^<]*)<|<soap:Text[^>]*>([^<]*)</.exec(v.body);
  return { status: v.status, code: code?.[1] ?? code?.[2] ?? '', reason: reason?.[1] ?? reason?.[2] ?? '' };
}

describe('request guard: what is dispatched to node-soap', () => {
  it('passes a SOAP 1.1 request with a matching, empty or unquoted SOAPAction', () => {
    for (const soapaction of [`"${ACTION}/GetPolicy"`, `${ACTION}/GetPolicy`, '""']) {
      const v = checkRequest(input({ headers: { 'content-type': 'text/xml', soapaction } }));
      expect(v).toMatchObject({ kind: 'dispatch', version: '1.1', operation: { name: 'GetPolicy' } });
    }
  });

  it('passes a SOAP 1.2 request with or without the action parameter', () => {
    expect(checkRequest(in12({}))).toMatchObject({ kind: 'dispatch', version: '1.2' });
    const ct = `application/soap+xml; charset=utf-8; action="${ACTION}/GetPolicy"`;
    expect(checkRequest(in12({ headers: { 'content-type': ct } }))).toMatchObject({ kind: 'dispatch', version: '1.2' });
  });

  it('ignores mustUnderstand blocks for other roles, and trailing slashes on the path', () => {
    const header = `<x:Trace xmlns:x="urn:t" e:mustUnderstand="true" e:role="urn:some-other-node"/><x:Note xmlns:x="urn:t" e:mustUnderstand="false"/>`;
    expect(checkRequest(in12({ body: envelope(S12, getPolicy, header) })).kind).toBe('dispatch');
    expect(checkRequest(input({ path: `${P11}/` })).kind).toBe('dispatch');
  });

  it('hands GET ?wsdl on', () => {
    expect(checkRequest(input({ method: 'GET', query: '?wsdl', body: '' }))).toEqual({ kind: 'wsdl', version: '1.1' });
  });
});

describe('request guard: what is answered before node-soap', () => {
  it('plain HTTP answers for path, method and media type', () => {
    expect(checkRequest(input({ path: '/elsewhere' }))).toMatchObject({ kind: 'reply', status: 404 });
    expect(checkRequest(input({ method: 'PUT' }))).toMatchObject({ kind: 'reply', status: 405, headers: { allow: 'POST, GET' } });
    expect(checkRequest(input({ headers: { 'content-type': 'application/soap+xml', soapaction: '""' } }))).toMatchObject({ status: 415 });
    expect(checkRequest(in12({ headers: { 'content-type': 'text/xml' } }))).toMatchObject({ status: 415 });
  });

  it('SOAP 1.1 faults are HTTP 500 with soap:Client / VersionMismatch / MustUnderstand', () => {
    expect(faultOf(checkRequest(input({ body: '' })))).toMatchObject({ status: 500, code: 'soap:Client' });
    expect(faultOf(checkRequest(input({ body: '<e:Envelope xmlns:e="x"' })))).toMatchObject({ code: 'soap:Client' });
    expect(faultOf(checkRequest(input({ body: envelope(S12, getPolicy) })))).toMatchObject({ code: 'soap:VersionMismatch' });
    const mu = `<w:Security xmlns:w="urn:wsse" e:mustUnderstand="1"/>`;
    expect(faultOf(checkRequest(input({ body: envelope(S11, getPolicy, mu) })))).toMatchObject({ code: 'soap:MustUnderstand', reason: 'Header block {urn:wsse}Security is not understood.' });
  });

  it('SOAP 1.2 Sender faults are HTTP 400, the others 500', () => {
    expect(faultOf(checkRequest(in12({ body: `<x/>` })))).toMatchObject({ status: 400, code: 'soap:Sender' });
    expect(faultOf(checkRequest(in12({ body: envelope(S11, getPolicy) })))).toMatchObject({ status: 500, code: 'soap:VersionMismatch' });
    const mu = `<w:Security xmlns:w="urn:wsse" e:mustUnderstand="true" e:role="http://www.w3.org/2003/05/soap-envelope/role/ultimateReceiver"/>`;
    expect(faultOf(checkRequest(in12({ body: envelope(S12, getPolicy, mu) })))).toMatchObject({ status: 500, code: 'soap:MustUnderstand' });
  });

  it('refuses DOCTYPEs, processing instructions and malformed XML', () => {
    for (const body of [
      `<!DOCTYPE e:Envelope [<!ENTITY x "y">]>${envelope(S11, getPolicy).replace('<?xml version="1.0"?>', '')}`,
      envelope(S11, `<?evil?>${getPolicy}`),
      envelope(S11, getPolicy).replace('</e:Body>', ''),
    ]) {
      expect(faultOf(checkRequest(input({ body })))).toMatchObject({ code: 'soap:Client' });
    }
  });

  it('checks the body element and that the action agrees with it', () => {
    expect(faultOf(checkRequest(input({ body: envelope(S11, '') }))).reason).toBe('The SOAP Body is empty.');
    const foreign = `<p:GetPolicy xmlns:p="urn:other"/>`;
    expect(faultOf(checkRequest(input({ body: envelope(S11, foreign) }))).reason).toBe('No operation takes {urn:other}GetPolicy.');
    const cancel = checkRequest(input({ headers: { 'content-type': 'text/xml', soapaction: `"${ACTION}/CancelPolicy"` } }));
    expect(faultOf(cancel).reason).toContain('belongs to CancelPolicy, but the body is GetPolicy');
    expect(faultOf(checkRequest(input({ headers: { 'content-type': 'text/xml' } }))).reason).toBe('SOAP 1.1 requests need a SOAPAction header.');
    const bogus = checkRequest(in12({ headers: { 'content-type': 'application/soap+xml; action="urn:bogus"' } }));
    expect(faultOf(bogus)).toMatchObject({ status: 400, reason: "The action 'urn:bogus' is not an action of this service." });
  });
});

describe('parseContentType', () => {
  it('splits media type and parameters', () => {
    expect(parseContentType('Application/SOAP+XML ; Charset=UTF-8; action="urn:a"')).toEqual({ type: 'application/soap+xml', params: { charset: 'UTF-8', action: 'urn:a' } });
    expect(parseContentType(undefined)).toEqual({ type: '', params: {} });
  });
});
