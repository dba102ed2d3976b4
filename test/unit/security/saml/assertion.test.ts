import type { Document } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { NS_SAML2 } from '../../../../src/xml/ns.ts';
import { AUDIENCE, CLOCK, IDP, assertionOf, caseBytes, codeOf, parse, resign, run, runtime, samlChild, setText } from './helpers.ts';

/** A14 (pysaml2 bearer assertion, zeep message signature) with its assertion edited and re-signed by the pinned IdP. */
function a14(edit: (a: ReturnType<typeof assertionOf>) => void, keyFile = 'idp.key', certFile?: string) {
  const doc = parse(caseBytes('A14'));
  const a = assertionOf(doc);
  edit(a);
  resign(a, keyFile, certFile);
  return doc;
}

const hoursFrom = (iso: string, h: number): string => new Date(new Date(iso).getTime() + h * 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');

describe('SAML 2.0 assertions in wsse:Security: what is accepted', () => {
  it('accepts the pysaml2 bearer assertion of A14 and takes identity only from it', async () => {
    const facts = await run(parse(caseBytes('A14')), CLOCK.A14);
    expect(facts.samlAssertions).toHaveLength(1);
    const a = facts.samlAssertions[0];
    expect(a?.issuer).toBe(IDP);
    expect(a?.id).toBe('_04147815114d43d8957b6a358443dbfb');
    expect(a?.nameId).toBe('broker-7731@broker.example');
    expect(a?.confirmation).toBe('bearer');
    expect(a?.attributes.get('urn:insurer-example:attr:customer-id')).toEqual(['C004417265']);
    expect(a?.attributes.get('urn:insurer-example:attr:role')).toEqual(['claims-reader']);
    expect(a?.notOnOrAfter.toISOString()).toBe('2026-11-29T00:29:12.000Z');
  });

  it.each([['A09'], ['A19']] as const)('accepts the holder-of-key assertion of %s (assertion before the message signature)', async (id) => {
    const facts = await run(parse(caseBytes(id)), CLOCK[id]);
    expect(facts.samlAssertions.map((a) => a.confirmation)).toEqual(['holder-of-key']);
  });

  it('accepts an assertion re-signed by the pinned IdP key (the test signer is sound)', async () => {
    expect(await codeOf(run(a14(() => undefined), CLOCK.A14))).toBe('accepted');
  });
});

describe('SAML 2.0 assertions: what is refused', () => {
  it('expired (R31) and wrong audience (R32): the corpus cases get the precise codes', async () => {
    expect(await codeOf(run(parse(caseBytes('R31')), '2026-11-28T23:59:13.650Z'))).toBe('GW_ERR_SEC_SAML_EXPIRED');
    expect(await codeOf(run(parse(caseBytes('R32')), '2026-11-28T23:59:12.258Z'))).toBe('GW_ERR_SEC_SAML_AUDIENCE');
  });

  it('untrusted issuer: R33, issued and signed by sso.evil.example', async () => {
    expect(await codeOf(run(parse(caseBytes('R33')), CLOCK.R33))).toBe('GW_ERR_SEC_SAML_UNTRUSTED_ISSUER');
  });

  it('key in the assertion itself not pinned: pinned Issuer, signed by rogue-idp with its certificate embedded', async () => {
    expect(await codeOf(run(a14(() => undefined, 'rogue-idp.key', 'rogue-idp.pem'), CLOCK.A14))).toBe('GW_ERR_SEC_SAML_INVALID');
  });

  it('tampered attribute: customer-id changed after signing', async () => {
    const doc = parse(caseBytes('A14'));
    const value = Array.from(assertionOf(doc).getElementsByTagNameNS(NS_SAML2, 'AttributeValue')).find((v) => v.textContent === 'C004417265');
    if (value === undefined) throw new Error('no customer-id');
    setText(value, 'C000000001');
    expect(await codeOf(run(doc, CLOCK.A14))).toBe('GW_ERR_SEC_SAML_INVALID');
  });

  it('expired: Conditions NotOnOrAfter an hour before the clock', async () => {
    const doc = a14((a) => {
      samlChild(a, 'Conditions').setAttribute('NotOnOrAfter', hoursFrom(CLOCK.A14, -1));
      samlChild(a, 'Conditions').setAttribute('NotBefore', hoursFrom(CLOCK.A14, -2));
    });
    expect(await codeOf(run(doc, CLOCK.A14))).toBe('GW_ERR_SEC_SAML_EXPIRED');
  });

  it('expired: bearer SubjectConfirmationData NotOnOrAfter passed (Conditions still valid)', async () => {
    const doc = a14((a) => samlChild(a, 'SubjectConfirmationData').setAttribute('NotOnOrAfter', hoursFrom(CLOCK.A14, -1)));
    expect(await codeOf(run(doc, CLOCK.A14))).toBe('GW_ERR_SEC_SAML_EXPIRED');
  });

  it('not yet valid: NotBefore beyond the 300 s skew', async () => {
    const doc = a14((a) => samlChild(a, 'Conditions').setAttribute('NotBefore', hoursFrom(CLOCK.A14, 0.1)));
    expect(await codeOf(run(doc, CLOCK.A14))).toBe('GW_ERR_SEC_SAML_EXPIRED');
  });

  it('not yet valid: IssueInstant in the future', async () => {
    const doc = a14((a) => a.setAttribute('IssueInstant', hoursFrom(CLOCK.A14, 0.1)));
    expect(await codeOf(run(doc, CLOCK.A14))).toBe('GW_ERR_SEC_SAML_EXPIRED');
  });

  it('too old: no NotOnOrAfter anywhere in Conditions and IssueInstant older than maxAgeSeconds', async () => {
    const doc = a14((a) => {
      samlChild(a, 'Conditions').removeAttribute('NotOnOrAfter');
      a.setAttribute('IssueInstant', hoursFrom(CLOCK.A14, -1));
    });
    expect(await codeOf(run(doc, CLOCK.A14))).toBe('GW_ERR_SEC_SAML_EXPIRED');
    expect(await codeOf(run(doc, CLOCK.A14, runtime({ maxAgeSeconds: 7200 })))).toBe('accepted');
  });

  it('wrong audience', async () => {
    const doc = a14((a) => setText(samlChild(a, 'Audience'), 'urn:insurer-example:partner-portal'));
    expect(await codeOf(run(doc, CLOCK.A14))).toBe('GW_ERR_SEC_SAML_AUDIENCE');
  });

  it('wrong audience in a second AudienceRestriction (every restriction must hold)', async () => {
    const doc = a14((a) => {
      const restriction = samlChild(a, 'AudienceRestriction');
      const other = restriction.cloneNode(true);
      setText(samlChild(other as never, 'Audience'), 'urn:insurer-example:partner-portal');
      samlChild(a, 'Conditions').appendChild(other);
    });
    expect(await codeOf(run(doc, CLOCK.A14))).toBe('GW_ERR_SEC_SAML_AUDIENCE');
  });

  it('no AudienceRestriction at all', async () => {
    const doc = a14((a) => samlChild(a, 'Conditions').removeChild(samlChild(a, 'AudienceRestriction')));
    expect(await codeOf(run(doc, CLOCK.A14))).toBe('GW_ERR_SEC_SAML_AUDIENCE');
  });

  it('an unknown condition makes the assertion invalid', async () => {
    const doc = a14((a) => samlChild(a, 'Conditions').appendChild((a.ownerDocument as Document).createElementNS(NS_SAML2, 'saml:Condition')));
    expect(await codeOf(run(doc, CLOCK.A14))).toBe('GW_ERR_SEC_SAML_INVALID');
  });

  it('wrong transforms: the enveloped-signature transform left out', async () => {
    const doc = a14((a) => {
      const t = a.getElementsByTagNameNS('http://www.w3.org/2000/09/xmldsig#', 'Transform').item(0);
      t?.parentNode?.removeChild(t);
    });
    expect(await codeOf(run(doc, CLOCK.A14))).toBe('GW_ERR_SEC_SAML_INVALID');
  });

  it('SAML 1.x is refused, and so is a SAML 2.0 assertion when security.saml is not configured', async () => {
    const v1 = parse(caseBytes('A14').toString('utf8').replaceAll('urn:oasis:names:tc:SAML:2.0:assertion', 'urn:oasis:names:tc:SAML:1.0:assertion'));
    expect(await codeOf(run(v1, CLOCK.A14))).toBe('GW_ERR_SEC_UNSUPPORTED_ELEMENT');
    expect(await codeOf(run(parse(caseBytes('A14')), CLOCK.A14, runtime(null)))).toBe('GW_ERR_SEC_UNSUPPORTED_ELEMENT');
    const version = a14((a) => a.setAttribute('Version', '1.1'));
    expect(await codeOf(run(version, CLOCK.A14))).toBe('GW_ERR_SEC_UNSUPPORTED_ELEMENT');
  });

  it('the audience really is the configured one', async () => {
    expect(await codeOf(run(parse(caseBytes('A14')), CLOCK.A14, runtime({ audience: `${AUDIENCE}:other` })))).toBe('GW_ERR_SEC_SAML_AUDIENCE');
  });
});
