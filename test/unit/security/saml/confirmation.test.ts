import type { Element } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { enforceRequirements } from '../../../../src/policy/requirements.ts';
import { checkReplay } from '../../../../src/security/replay-check.ts';
import { readEnvelope } from '../../../../src/soap/envelope.ts';
import { NS_DS, NS_XSI } from '../../../../src/xml/ns.ts';
import { CLOCK, assertionOf, caseBytes, codeOf, parse, pem, resign, run, runtime, samlChild } from './helpers.ts';

const b64 = (name: string): string => pem(name).replace(/-----[^-]+-----/g, '').replace(/\s/g, '');

describe('holder-of-key: proof of possession by the message signature', () => {
  it('holder-of-key with the message signed by a different key (client-ec named, client-rsa signed)', async () => {
    const doc = parse(caseBytes('A19'));
    const a = assertionOf(doc);
    const cert = samlChild(a, 'SubjectConfirmationData').getElementsByTagNameNS(NS_DS, 'X509Certificate').item(0) as Element;
    while (cert.firstChild) cert.removeChild(cert.firstChild);
    cert.appendChild(doc.createTextNode(b64('client-ec.pem')));
    resign(a);
    expect(await codeOf(run(doc, CLOCK.A19))).toBe('GW_ERR_SEC_SAML_CONFIRMATION');
  });

  it('holder-of-key without any message signature', async () => {
    const doc = parse(caseBytes('A19'));
    const sig = Array.from(doc.getElementsByTagNameNS(NS_DS, 'Signature')).find((s) => (s.parentNode as Element).localName === 'Security') as Element;
    sig.parentNode?.removeChild(sig);
    expect(await codeOf(run(doc, CLOCK.A19))).toBe('GW_ERR_SEC_SAML_CONFIRMATION');
  });

  it('holder-of-key SubjectConfirmationData without xsi:type KeyInfoConfirmationDataType', async () => {
    const doc = parse(caseBytes('A19'));
    const a = assertionOf(doc);
    samlChild(a, 'SubjectConfirmationData').removeAttributeNS(NS_XSI, 'type');
    resign(a);
    expect(await codeOf(run(doc, CLOCK.A19))).toBe('GW_ERR_SEC_SAML_CONFIRMATION');
  });
});

describe('bearer and other confirmation methods', () => {
  it('bearer Recipient that is not an endpoint of this service (recipients configured)', async () => {
    const doc = parse(caseBytes('A14'));
    const a = assertionOf(doc);
    samlChild(a, 'SubjectConfirmationData').setAttribute('Recipient', 'https://partner.example/soap');
    resign(a);
    expect(await codeOf(run(doc, CLOCK.A14))).toBe('GW_ERR_SEC_SAML_CONFIRMATION');
    expect(await codeOf(run(doc, CLOCK.A14, runtime({ recipients: [] })))).toBe('accepted');
  });

  it('bearer without SubjectConfirmationData NotOnOrAfter', async () => {
    const doc = parse(caseBytes('A14'));
    const a = assertionOf(doc);
    samlChild(a, 'SubjectConfirmationData').removeAttribute('NotOnOrAfter');
    resign(a);
    expect(await codeOf(run(doc, CLOCK.A14))).toBe('GW_ERR_SEC_SAML_CONFIRMATION');
  });

  it('sender-vouches is refused when no sender is configured (saml.senders empty)', async () => {
    const doc = parse(caseBytes('A14'));
    const a = assertionOf(doc);
    samlChild(a, 'SubjectConfirmation').setAttribute('Method', 'urn:oasis:names:tc:SAML:2.0:cm:sender-vouches');
    resign(a);
    expect(await codeOf(run(doc, CLOCK.A14))).toBe('GW_ERR_SEC_SAML_CONFIRMATION');
  });
});

describe('replay and policy', () => {
  it('replayed bearer assertion: the A14 assertion presented again inside another (validly signed) message', async () => {
    const rt = runtime();
    const first = await run(parse(caseBytes('A14')), CLOCK.A14, rt);
    await checkReplay(first, rt, { now: () => new Date(CLOCK.A14) });
    // A19's message signature covers Body and Timestamp only: the assertion is a supporting token.
    const doc = parse(caseBytes('A19'));
    const hok = assertionOf(doc);
    hok.parentNode?.replaceChild(doc.importNode(assertionOf(parse(caseBytes('A14'))), true), hok);
    const second = await run(doc, CLOCK.A19, rt);
    expect(second.samlAssertions.map((a) => a.confirmation)).toEqual(['bearer']);
    expect(await codeOf(checkReplay(second, rt, { now: () => new Date(CLOCK.A19) }))).toBe('GW_ERR_SEC_REPLAY');
  });

  it('a holder-of-key assertion is not single-use (its presenter proves possession)', async () => {
    const rt = runtime();
    const facts = await run(parse(caseBytes('A19')), CLOCK.A19, rt);
    await checkReplay({ ...facts, signatures: [] }, rt, { now: () => new Date(CLOCK.A19) });
    expect(await codeOf(checkReplay({ ...facts, signatures: [] }, rt, { now: () => new Date(CLOCK.A19) }))).toBe('accepted');
  });

  it('saml: true without an assertion is GW_ERR_POLICY_SAML_REQUIRED (R12)', async () => {
    const doc = parse(caseBytes('R12'));
    const facts = await run(doc, '2026-11-28T23:59:13.360Z');
    const env = readEnvelope(doc, '1.1');
    const req = { signature: false, signedParts: [], encryptedParts: [], timestamp: false, saml: true } as const;
    expect(() => enforceRequirements(facts, env, req)).toThrow(expect.objectContaining({ code: 'GW_ERR_POLICY_SAML_REQUIRED' }));
    expect(() => enforceRequirements(facts, env, { ...req, saml: false })).not.toThrow();
  });
});
