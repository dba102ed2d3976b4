import type { Element } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { NS_DS, NS_WSSE, childElements } from '../../../../src/xml/ns.ts';
import { CLOCK, assertionOf, caseBytes, codeOf, parse, resign, run, samlChild, setText } from './helpers.ts';

const EXT = 'urn:example:ext';

function security(a: Element): Element {
  return a.parentNode as Element;
}

/** A deep copy whose ds:Signature Id no longer collides with the original's (only the assertion ID is kept). */
function copyOf(el: Element): Element {
  const copy = el.cloneNode(true) as Element;
  for (const s of Array.from(copy.getElementsByTagNameNS(NS_DS, 'Signature'))) if (s.hasAttribute('Id')) s.setAttribute('Id', `${s.getAttribute('Id') ?? ''}-copy`);
  return copy;
}

/** A copy of the genuine A14 assertion with a different subject: what an attacker wants accepted. */
function evilCopy(genuine: Element): Element {
  const evil = copyOf(genuine);
  setText(samlChild(evil, 'NameID'), 'admin@insurer.example');
  return evil;
}

describe('signature wrapping against the assertion', () => {
  it('signature referencing another element with the same ID: refused by the Id index', async () => {
    const doc = parse(caseBytes('A14'));
    const genuine = assertionOf(doc);
    const decoy = doc.createElementNS(EXT, 'ext:Decoy');
    decoy.setAttribute('ID', genuine.getAttribute('ID') ?? '');
    (doc.getElementsByTagNameNS('http://www.w3.org/2003/05/soap-envelope', 'Header').item(0) as Element).appendChild(decoy);
    expect(await codeOf(run(doc, CLOCK.A14))).toBe('GW_ERR_SEC_DUPLICATE_ID');
  });

  it('genuine assertion wrapped inside another element of the Security header, evil assertion beside it', async () => {
    const doc = parse(caseBytes('A14'));
    const genuine = assertionOf(doc);
    const sec = security(genuine);
    const evil = evilCopy(genuine);
    evil.setAttribute('ID', '_evil');
    const wrapper = doc.createElementNS(EXT, 'ext:Wrapper');
    sec.replaceChild(evil, genuine);
    wrapper.appendChild(genuine);
    sec.appendChild(wrapper);
    // The evil assertion carries the genuine signature, whose Reference names the genuine ID.
    expect(await codeOf(run(doc, CLOCK.A14))).toBe('GW_ERR_SEC_SAML_INVALID');
  });

  it('genuine assertion nested inside the evil one (Advice), signature moved to the evil one', async () => {
    const doc = parse(caseBytes('A14'));
    const genuine = assertionOf(doc);
    const sec = security(genuine);
    const evil = evilCopy(genuine);
    evil.setAttribute('ID', '_evil');
    const advice = doc.createElementNS('urn:oasis:names:tc:SAML:2.0:assertion', 'saml:Advice');
    sec.replaceChild(evil, genuine);
    advice.appendChild(genuine);
    evil.appendChild(advice);
    expect(await codeOf(run(doc, CLOCK.A14))).toBe('GW_ERR_SEC_SAML_INVALID');
  });

  it('signed assertion copy elsewhere in the message, evil assertion with the same ID in the header', async () => {
    const doc = parse(caseBytes('A14'));
    const genuine = assertionOf(doc);
    const sec = security(genuine);
    const evil = evilCopy(genuine);
    sec.replaceChild(evil, genuine);
    const holder = doc.createElementNS(EXT, 'ext:Holder');
    holder.appendChild(genuine);
    (doc.getElementsByTagNameNS('http://www.w3.org/2003/05/soap-envelope', 'Header').item(0) as Element).appendChild(holder);
    expect(await codeOf(run(doc, CLOCK.A14))).toBe('GW_ERR_SEC_DUPLICATE_ID');
  });

  it('signed assertion copy elsewhere, evil assertion (own ID, genuine signature) in the header', async () => {
    const doc = parse(caseBytes('A14'));
    const genuine = assertionOf(doc);
    const sec = security(genuine);
    const evil = evilCopy(genuine);
    evil.setAttribute('ID', '_evil');
    sec.replaceChild(evil, genuine);
    const holder = doc.createElementNS(EXT, 'ext:Holder');
    holder.appendChild(genuine);
    (doc.getElementsByTagNameNS('http://www.w3.org/2003/05/soap-envelope', 'Header').item(0) as Element).appendChild(holder);
    expect(await codeOf(run(doc, CLOCK.A14))).toBe('GW_ERR_SEC_SAML_INVALID');
    // Pointing the Reference at the evil ID does not help: the digest is the genuine one.
    const ref = evil.getElementsByTagNameNS(NS_DS, 'Reference').item(0) as Element;
    ref.setAttribute('URI', '#_evil');
    expect(await codeOf(run(doc, CLOCK.A14))).toBe('GW_ERR_SEC_SAML_INVALID');
  });

  it('assertion signature whose Reference names the Body (signed element is not the assertion)', async () => {
    const doc = parse(caseBytes('A14'));
    const a = assertionOf(doc);
    const ref = a.getElementsByTagNameNS(NS_DS, 'Reference').item(0) as Element;
    ref.setAttribute('URI', '#id-34d8bac6-4a05-4ff1-bdb7-880052383e6f');
    resign(a);
    expect(await codeOf(run(doc, CLOCK.A14))).toBe('GW_ERR_SEC_SAML_INVALID');
  });

  it('a second assertion in the Security header: exactly one is accepted', async () => {
    const doc = parse(caseBytes('A14'));
    const genuine = assertionOf(doc);
    const second = copyOf(genuine);
    second.setAttribute('ID', '_second');
    (second.getElementsByTagNameNS(NS_DS, 'Reference').item(0) as Element).setAttribute('URI', '#_second');
    resign(second);
    security(genuine).appendChild(second);
    expect(await codeOf(run(doc, CLOCK.A14))).toBe('GW_ERR_SEC_SAML_INVALID');
  });

  it('a second ds:Signature inside the assertion', async () => {
    const doc = parse(caseBytes('A14'));
    const a = assertionOf(doc);
    const sig = childElements(a).find((e) => e.namespaceURI === NS_DS) as Element;
    const twin = sig.cloneNode(true) as Element;
    twin.setAttribute('Id', 'Signature2');
    a.appendChild(twin);
    expect(await codeOf(run(doc, CLOCK.A14))).toBe('GW_ERR_SEC_SAML_INVALID');
  });

  it('an assertion outside the Security header is never processed (ListPolicies would then lack one)', async () => {
    const doc = parse(caseBytes('A14'));
    const a = assertionOf(doc);
    const sec = security(a);
    sec.removeChild(a);
    (sec.parentNode as Element).appendChild(a);
    expect(sec.namespaceURI).toBe(NS_WSSE);
    const facts = await run(doc, CLOCK.A14);
    expect(facts.samlAssertions).toHaveLength(0);
  });
});
