import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WSP12, importEcho } from './helpers.ts';

const TS_POLICY = '<wsp:Policy wsu:Id="Ts"><sp:SignedParts><sp:Body/></sp:SignedParts></wsp:Policy>';
const lineOf = (file: string, needle: string): number => readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('policy attachments in the WSDL (WS-PolicyAttachment)', () => {
  it('reads a policy inline, by wsp:PolicyReference and by wsp:PolicyURIs, and names where each came from', () => {
    const r = importEcho({
      definitions: `${TS_POLICY}<wsp:Policy wsu:Id="Wss"><sp:Wss11/></wsp:Policy>`,
      binding: '<wsp:PolicyReference URI="#Ts"/>',
      operation: '<wsp:Policy><sp:Trust13/></wsp:Policy>',
      input: '',
    });
    expect(r.problems).toEqual([]);
    expect(r.operation?.attachments.map((a) => `${a.subject}: ${a.how}`)).toEqual(['binding EchoBinding: wsp:PolicyReference #Ts', 'operation Echo: inline wsp:Policy']);
    expect(r.operation?.alternatives[0]?.signedParts).toEqual(['body']);
  });

  it('reads the wsp:PolicyURIs attribute form on the input', () => {
    const r = importEcho({ definitions: TS_POLICY, inputAttributes: 'wsp:PolicyURIs="#Ts"' });
    expect(r.problems).toEqual([]);
    expect(r.operation?.attachments.map((a) => a.how)).toEqual(['wsp:PolicyURIs #Ts']);
    expect(r.operation?.alternatives[0]?.signedParts).toEqual(['body']);
  });

  it('the effective policy of the input is the merge of binding, operation and input attachments', () => {
    const r = importEcho({
      binding: '<wsp:Policy><wsp:ExactlyOne><sp:Wss10/><sp:Wss11/></wsp:ExactlyOne></wsp:Policy>',
      input: '<wsp:Policy><sp:SignedParts><sp:Body/></sp:SignedParts></wsp:Policy>',
    });
    expect(r.problems).toEqual([]);
    expect(r.operation?.alternatives).toHaveLength(2);
    for (const alt of r.operation?.alternatives ?? []) expect(alt.signedParts).toEqual(['body']);
    expect(r.operation?.alternatives.map((a) => a.recorded?.[0]?.assertion)).toEqual(['sp:Wss10', 'sp:Wss11']);
  });

  it('a wsp:PolicyReference to an id no policy of the document has stops start-up at the reference', () => {
    const r = importEcho({ definitions: TS_POLICY, input: '<wsp:PolicyReference URI="#Missing"/>' });
    const p = r.problems.find((x) => x.message.includes("'#Missing'"));
    expect(p?.file).toBe(r.file);
    expect(p?.line).toBe(lineOf(r.file, 'URI="#Missing"'));
    expect(p?.message).toMatch(/names no wsp:Policy with that wsu:Id or xml:id/);
    expect(p?.path).toBe("/definitions[@name='Echo']/binding[@name='EchoBinding']/operation[@name='Echo']/input");
  });

  it('a policy reference that is not a same-document #id is refused: nothing is fetched', () => {
    const r = importEcho({ input: '<wsp:PolicyReference URI="http://policies.example/claims.xml#Ts"/>' });
    expect(r.problems[0]?.message).toMatch(/is not a same-document '#id': the gateway never fetches policies/);
  });

  it('policy references that form a cycle are refused', () => {
    const r = importEcho({ definitions: '<wsp:Policy wsu:Id="A"><wsp:PolicyReference URI="#B"/></wsp:Policy><wsp:Policy wsu:Id="B"><wsp:PolicyReference URI="#A"/></wsp:Policy>', input: '<wsp:PolicyReference URI="#A"/>' });
    expect(r.problems.map((p) => p.message).join('\n')).toMatch(/policy references form a cycle/);
  });

  it('a policy attached to the portType is refused, not silently left out', () => {
    const portType = importEcho({ definitions: '<wsdl:portType name="Other"><wsp:PolicyReference URI="#Ts"/></wsdl:portType>' + TS_POLICY });
    expect(portType.problems[0]?.message).toMatch(/a WS-Policy attached to wsdl:portType is not imported/);
  });

  it('an output policy is reported as response side, never merged into the request contract', () => {
    const r = importEcho({ definitions: TS_POLICY, output: '<wsp:PolicyReference URI="#Ts"/>' });
    expect(r.problems).toEqual([]);
    expect(r.operation?.responseSide.map((x) => x.what)).toEqual(['output policy of Echo (binding EchoBinding)']);
    expect(r.operation?.alternatives).toEqual([]);
    expect(r.operation?.attachments).toEqual([]);
  });

  it('WS-Policy 1.2 attachments are read like 1.5 ones', () => {
    const r = importEcho({ wsp: WSP12, definitions: TS_POLICY, binding: '<wsp:PolicyReference URI="#Ts"/>' });
    expect(r.problems).toEqual([]);
    expect(r.operation?.alternatives[0]?.signedParts).toEqual(['body']);
  });

  it('a binding with no attachment anywhere has no WSDL policy (service.yaml is then the contract)', () => {
    const r = importEcho({ definitions: TS_POLICY });
    expect(r.operation?.alternatives).toEqual([]);
    expect(r.operation?.attachments).toEqual([]);
  });

  it('too many alternatives after the merge is a start-up problem on the operation', () => {
    const choice = '<wsp:ExactlyOne><sp:Wss10/><sp:Wss11/></wsp:ExactlyOne>';
    const r = importEcho({ binding: `<wsp:Policy>${choice.repeat(5)}</wsp:Policy>`, input: `<wsp:Policy>${choice.repeat(4)}</wsp:Policy>` });
    expect(r.problems[0]?.message).toMatch(/more than 256 alternatives/);
  });
});
