import { describe, expect, it } from 'vitest';
import { compileXmlPath, payloadCapture, redactJson } from '../../../src/audit/redact.ts';

const ns = { s: 'http://schemas.xmlsoap.org/soap/envelope/', c: 'urn:claims' };
const capture = (xml: readonly string[], json: readonly string[] = [], maxBytes = 65_536) =>
  payloadCapture({ request: true, response: true, maxBytes, redact: { namespaces: ns, xml, json } });

const envelope = `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header><wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"><wsse:UsernameToken><wsse:Username>broker</wsse:Username><wsse:Password>Cl@ims-2019!interop</wsse:Password></wsse:UsernameToken></wsse:Security></s:Header><s:Body><c:Submit xmlns:c="urn:claims"><c:Person><c:SSN>123-45-6789</c:SSN><c:Name>Ann</c:Name></c:Person><c:Card number="4111111111111111">visa</c:Card></c:Submit></s:Body></s:Envelope>`;

describe('payload capture redaction', () => {
  it('always drops the wsse:Security header, so passwords and tokens never reach a record', () => {
    const out = capture([]).capture(Buffer.from(envelope), 'text/xml');
    expect(out).not.toContain('Cl@ims-2019!interop');
    expect(out).not.toContain('UsernameToken');
    expect(out).toContain('<c:Name>Ann</c:Name>');
  });

  it('redacts an element anywhere (//c:SSN) and an attribute (/@number) on an absolute path', () => {
    const out = capture(['//c:SSN', '/s:Envelope/s:Body/c:Submit/c:Card/@number']).capture(Buffer.from(envelope), 'text/xml') as string;
    expect(out).not.toContain('123-45-6789');
    expect(out).not.toContain('4111111111111111');
    expect(out).toContain('<c:SSN>[redacted]</c:SSN>');
    expect(out).toContain('number="[redacted]"');
    expect(out).toContain('visa');
  });

  it('an absolute path that does not start at the document element redacts nothing', () => {
    const out = capture(['/c:Submit/c:Person/c:SSN']).capture(Buffer.from(envelope), 'text/xml') as string;
    expect(out).toContain('123-45-6789');
  });

  it('keeps nothing of a payload it cannot parse (it could not be redacted)', () => {
    expect(capture(['//c:SSN']).capture(Buffer.from('<c:SSN>123-45-6789'), 'text/xml')).toBe('[not captured: not well-formed XML within limits]');
    expect(capture([], ['a']).capture(Buffer.from('{"a": "secret"'), 'application/json')).toBe('[not captured: invalid JSON]');
  });

  it('cuts a payload at maxBytes and says so', () => {
    const out = capture([], [], 256).capture(Buffer.from(envelope), 'text/xml') as string;
    expect(out).toMatch(/…\[cut at 256 bytes\]$/);
  });

  it('redacts JSON field paths, including inside arrays', () => {
    expect(redactJson({ customer: { ssn: '1', name: 'A' }, cards: [{ number: '4111' }, { number: '5500' }] }, ['customer.ssn', 'cards[].number'])).toEqual({
      customer: { ssn: '[redacted]', name: 'A' },
      cards: [{ number: '[redacted]' }, { number: '[redacted]' }],
    });
  });

  it('refuses a path whose prefix is not declared', () => {
    expect(() => compileXmlPath('//x:SSN', ns)).toThrow(/prefix 'x'/);
  });
});
