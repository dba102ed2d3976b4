import { describe, expect, it } from 'vitest';
import { crossProduct } from '../../../src/policy/wspolicy/normalize.ts';
import { SP11, WSP12, mapPolicy, policyXml, shapeOf } from './helpers.ts';

describe('WS-Policy normal form (WS-Policy 1.5 §4.3)', () => {
  it('a policy of plain assertions is one alternative holding them all', () => {
    expect(shapeOf(mapPolicy(policyXml('<sp:IncludeTimestamp/><sp:SignedParts><sp:Body/></sp:SignedParts>')).alternatives)).toEqual(['IncludeTimestamp SignedParts']);
  });

  it('wsp:ExactlyOne gives one alternative per choice; wsp:All inside it keeps its assertions together', () => {
    const alts = mapPolicy(policyXml('<wsp:ExactlyOne><wsp:All><sp:Wss10/><sp:IncludeTimestamp/></wsp:All><sp:Wss11/></wsp:ExactlyOne>')).alternatives;
    expect(shapeOf(alts)).toEqual(['Wss10 IncludeTimestamp', 'Wss11']);
  });

  it('wsp:All of two wsp:ExactlyOne is their cross product', () => {
    const alts = mapPolicy(policyXml('<wsp:All><wsp:ExactlyOne><sp:Wss10/><sp:Wss11/></wsp:ExactlyOne><wsp:ExactlyOne><sp:Trust10/><sp:Trust13/></wsp:ExactlyOne></wsp:All>')).alternatives;
    expect(shapeOf(alts)).toEqual(['Wss10 Trust10', 'Wss10 Trust13', 'Wss11 Trust10', 'Wss11 Trust13']);
  });

  it('wsp:Optional="true" gives the alternative with the assertion and the one without', () => {
    const alts = mapPolicy(policyXml('<sp:IncludeTimestamp/><sp:Wss11 wsp:Optional="true"/>')).alternatives;
    expect(shapeOf(alts)).toEqual(['IncludeTimestamp Wss11', 'IncludeTimestamp']);
  });

  it('a nested policy with a choice becomes one assertion per nested alternative (§4.3.2)', () => {
    const alts = mapPolicy(policyXml('<sp:Wss11><wsp:Policy><wsp:ExactlyOne><sp:MustSupportRefThumbprint/><sp:MustSupportRefIssuerSerial/></wsp:ExactlyOne></wsp:Policy></sp:Wss11>')).alternatives;
    expect(shapeOf(alts)).toEqual(['Wss11[MustSupportRefThumbprint]', 'Wss11[MustSupportRefIssuerSerial]']);
  });

  it('nested wsp:Policy and wsp:All inside a policy are read as wsp:All', () => {
    const alts = mapPolicy(policyXml('<wsp:Policy><sp:Wss10/><wsp:All><sp:IncludeTimestamp/></wsp:All></wsp:Policy>')).alternatives;
    expect(shapeOf(alts)).toEqual(['Wss10 IncludeTimestamp']);
  });

  it('an empty wsp:ExactlyOne has no alternative at all: nothing can satisfy it', () => {
    expect(mapPolicy(policyXml('<sp:Wss10/><wsp:ExactlyOne/>')).alternatives).toEqual([]);
  });

  it('an empty policy is one empty alternative (it requires nothing)', () => {
    expect(shapeOf(mapPolicy(policyXml('')).alternatives)).toEqual(['']);
  });

  it('WS-Policy 1.2 (2004/09) with WS-SecurityPolicy 1.1 normalises exactly like WS-Policy 1.5 with 1.2', () => {
    const body = '<wsp:ExactlyOne><wsp:All><sp:Wss10/></wsp:All><wsp:All><sp:Wss11 wsp:Optional="true"/></wsp:All></wsp:ExactlyOne>';
    const v15 = shapeOf(mapPolicy(policyXml(body)).alternatives);
    const v12 = shapeOf(mapPolicy(policyXml(body, { wsp: WSP12, sp: SP11 })).alternatives);
    expect(v12).toEqual(v15);
    expect(v15).toEqual(['Wss10', 'Wss11', '']);
  });

  it('a wsp:Optional value that is not a boolean is a start-up problem', () => {
    expect(mapPolicy(policyXml('<sp:Wss11 wsp:Optional="yes"/>')).problems.map((p) => p.message)).toContain('wsp:Optional="yes" on sp:Wss11 is not a boolean [binding TestBinding, operation Op]');
  });

  it('merging attachments (binding × operation × input) is the cross product of their alternatives', () => {
    const binding = mapPolicy(policyXml('<wsp:ExactlyOne><sp:Wss10/><sp:Wss11/></wsp:ExactlyOne>')).alternatives;
    const input = mapPolicy(policyXml('<sp:IncludeTimestamp wsp:Optional="true"/>')).alternatives;
    expect(shapeOf(crossProduct(binding, input))).toEqual(['Wss10 IncludeTimestamp', 'Wss10', 'Wss11 IncludeTimestamp', 'Wss11']);
  });

  it('more than 256 alternatives for one operation is refused rather than judged per message', () => {
    const nine = `<wsp:ExactlyOne>${'<sp:Wss10/>'.repeat(2)}</wsp:ExactlyOne>`.repeat(9);
    expect(() => mapPolicy(policyXml(nine))).toThrow(/alternatives/);
  });
});
