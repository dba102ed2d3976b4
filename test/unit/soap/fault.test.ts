import { DOMParser } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { errorCodes, httpStatusFor } from '../../../src/errors.ts';
import { FAULT_NS, buildFault } from '../../../src/soap/fault.ts';

const S11 = 'http://schemas.xmlsoap.org/soap/envelope/';
const S12 = 'http://www.w3.org/2003/05/soap-envelope';

function parse(xml: string) {
  return new DOMParser().parseFromString(xml, 'text/xml');
}

describe('SOAP faults', () => {
  it('SOAP 1.1 sender faults are soap:Client with HTTP 500 (SOAP 1.1 §6.2)', () => {
    const f = buildFault('GW_ERR_XML_DOCTYPE', '1.1', { correlationId: 'c-1' });
    expect(f.status).toBe(500);
    expect(f.contentType).toBe('text/xml; charset=utf-8');
    const d = parse(f.body);
    expect(d.getElementsByTagName('faultcode')[0]?.textContent).toBe('soap:Client');
    expect(d.getElementsByTagNameNS(FAULT_NS, 'code')[0]?.textContent).toBe('GW_ERR_XML_DOCTYPE');
    expect(d.getElementsByTagNameNS(FAULT_NS, 'correlationId')[0]?.textContent).toBe('c-1');
    expect(d.documentElement?.namespaceURI).toBe(S11);
  });

  it('SOAP 1.2 Sender faults are HTTP 400 with the code as Subcode', () => {
    const f = buildFault('GW_ERR_SOAP_ACTION_MISMATCH', '1.2', { correlationId: 'c-2' });
    expect(f.status).toBe(400);
    expect(f.contentType).toBe('application/soap+xml; charset=utf-8');
    const d = parse(f.body);
    const values = d.getElementsByTagNameNS(S12, 'Value');
    expect(values[0]?.textContent).toBe('env:Sender');
    expect(values[1]?.textContent).toBe('gw:GW_ERR_SOAP_ACTION_MISMATCH');
  });

  it('SOAP 1.2 Receiver faults are HTTP 500; backend unavailability keeps its 502', () => {
    expect(buildFault('GW_ERR_INTERNAL', '1.2', { correlationId: 'x' }).status).toBe(500);
    expect(buildFault('GW_ERR_BACKEND_UNAVAILABLE', '1.2', { correlationId: 'x' }).status).toBe(502);
    expect(buildFault('GW_ERR_BACKEND_TIMEOUT', '1.1', { correlationId: 'x' }).status).toBe(504);
  });

  it('SOAP 1.2 MustUnderstand faults list the blocks in env:NotUnderstood', () => {
    const f = buildFault('GW_ERR_SOAP_MUST_UNDERSTAND', '1.2', { correlationId: 'x', notUnderstood: [{ ns: 'urn:t', local: 'Trace' }] });
    expect(f.status).toBe(500);
    const nu = parse(f.body).getElementsByTagNameNS(S12, 'NotUnderstood')[0];
    expect(nu?.getAttribute('qname')).toBe('nu:Trace');
    expect(nu?.lookupNamespaceURI('nu')).toBe('urn:t');
  });

  it('SOAP 1.1 header-related faults carry no detail (SOAP 1.1 §4.4)', () => {
    const f = buildFault('GW_ERR_SOAP_MUST_UNDERSTAND', '1.1', { correlationId: 'x' });
    const d = parse(f.body);
    expect(d.getElementsByTagName('detail')).toHaveLength(0);
    expect(d.getElementsByTagName('faultcode')[0]?.textContent).toBe('soap:MustUnderstand');
    expect(d.getElementsByTagNameNS(FAULT_NS, 'correlationId')[0]?.textContent).toBe('x');
  });

  it('VersionMismatch faults name the supported envelopes (SOAP 1.2 part 1 §5.4.7)', () => {
    const d = parse(buildFault('GW_ERR_SOAP_VERSION_MISMATCH', '1.2', { correlationId: 'x' }).body);
    expect(d.getElementsByTagNameNS(S12, 'SupportedEnvelope')).toHaveLength(2);
  });

  it('every catalogue code renders a well-formed fault in both versions without internal text', () => {
    for (const code of errorCodes) {
      for (const v of ['1.1', '1.2'] as const) {
        const f = buildFault(code, v, { correlationId: '<&>' });
        expect(parse(f.body).documentElement?.localName).toBe('Envelope');
        expect(f.status).toBe(httpStatusFor(code, v));
        expect(f.body).not.toMatch(/Error:|at .*\.ts|\/work\//);
      }
    }
  });
});
