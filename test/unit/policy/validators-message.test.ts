import { describe, expect, it } from 'vitest';
import type { MessageView } from '../../../src/policy/message-view.ts';
import { checkAddressing } from '../../../src/policy/validators/addressing.ts';
import { checkEncryptedElements, checkSignedElements } from '../../../src/policy/validators/elements.ts';
import { checkLayout } from '../../../src/policy/validators/layout.ts';
import { checkEncryptedParts, checkSignedParts } from '../../../src/policy/validators/parts.ts';
import { checkProtection } from '../../../src/policy/validators/protection.ts';
import { checkTransport } from '../../../src/policy/validators/transport.ts';
import { decryption, factsOf, message, req, signature } from './facts.ts';
import type { Message } from './facts.ts';

const view = (m: Message, facts = factsOf(m), transport?: MessageView['transport']): MessageView => ({ facts, envelope: m.env, transport });
const A = 'http://www.w3.org/2005/08/addressing';
const card = (assertion: string) => ({ assertion, xpath: '//o:Card', anywhere: true, steps: [{ ns: 'urn:orders', local: 'Card' }] });

describe('TransportBinding (HttpsToken, RequireClientCertificate)', () => {
  const transport = { assertion: 'sp:TransportBinding/sp:TransportToken/sp:HttpsToken', clientCertificate: true };
  const tlsClient = { fingerprint256: 'AA', subject: 'CN=c', issuer: 'CN=ca', serialNumber: '01', raw: Buffer.alloc(0) };

  it('a request over plain HTTP fails the HttpsToken', () => {
    const m = message();
    expect(checkTransport(req({ transport }), view(m, undefined, { proto: 'http', tlsClient: undefined }))).toMatchObject({ code: 'GW_ERR_POLICY_TRANSPORT', detail: { assertion: transport.assertion, proto: 'http' } });
  });

  it('HTTPS without a verified client certificate fails RequireClientCertificate; with one it holds', () => {
    const m = message();
    expect(checkTransport(req({ transport }), view(m, undefined, { proto: 'https', tlsClient: undefined }))?.detail.assertion).toBe(`${transport.assertion}/sp:RequireClientCertificate`);
    expect(checkTransport(req({ transport }), view(m, undefined, { proto: 'https', tlsClient }))).toBeUndefined();
  });

  it('without transport facts (no inbound request) a transport requirement fails closed', () => {
    expect(checkTransport(req({ transport }), view(message()))?.code).toBe('GW_ERR_POLICY_TRANSPORT');
  });
});

describe('SignedParts / EncryptedParts', () => {
  const to = { assertion: `sp:SignedParts/sp:Header{${A}}To`, ns: A, local: 'To' };

  it('a header block named by sp:Header that the signature does not cover is refused, by element', () => {
    const m = message();
    const facts = factsOf(m, { signatures: [signature(m.sig, [m.env.body])] });
    expect(checkSignedParts(req({ signedHeaders: [to] }), view(m, facts))).toMatchObject({ code: 'GW_ERR_POLICY_SIGNED_PARTS', detail: { assertion: to.assertion, part: 'header', element: `{${A}}To` } });
  });

  it('the signed header block holds; a header the policy names and the message lacks is not required', () => {
    const m = message();
    const facts = factsOf(m, { signatures: [signature(m.sig, [m.to])] });
    expect(checkSignedParts(req({ signedHeaders: [to] }), view(m, facts))).toBeUndefined();
    expect(checkSignedParts(req({ signedHeaders: [{ ...to, local: 'ReplyTo' }] }), view(m, factsOf(m)))).toBeUndefined();
  });

  it('an empty sp:SignedParts covers every header for the ultimate receiver, but never wsse:Security', () => {
    const m = message();
    const all = { assertion: 'sp:SignedParts (empty: every header)', ns: undefined, local: undefined };
    const onlyTo = factsOf(m, { signatures: [signature(m.sig, [m.to])] });
    expect(checkSignedParts(req({ signedHeaders: [all] }), view(m, onlyTo))?.detail['element']).toBe(`{${A}}Action`);
    const both = factsOf(m, { signatures: [signature(m.sig, [m.to, m.action])] });
    expect(checkSignedParts(req({ signedHeaders: [all] }), view(m, both))).toBeUndefined();
  });

  it('a header block named by EncryptedParts must have been decrypted into place', () => {
    const m = message();
    const enc = { assertion: `sp:EncryptedParts/sp:Header{${A}}To`, ns: A, local: 'To' };
    expect(checkEncryptedParts(req({ encryptedHeaders: [enc] }), view(m))).toMatchObject({ code: 'GW_ERR_POLICY_ENCRYPTED_PARTS', detail: { part: 'header' } });
    expect(checkEncryptedParts(req({ encryptedHeaders: [enc] }), view(m, factsOf(m, { decryptions: [decryption([m.to], { target: 'header' })] })))).toBeUndefined();
  });

  it('the Body counts as encrypted for Content encryption of the Body or Element encryption of its child', () => {
    const m = message();
    const r = req({ encryptedParts: ['body'], origins: { encryptedBody: 'sp:EncryptedParts/sp:Body' } });
    expect(checkEncryptedParts(r, view(m))?.detail).toEqual({ assertion: 'sp:EncryptedParts/sp:Body', part: 'body' });
    expect(checkEncryptedParts(r, view(m, factsOf(m, { decryptions: [decryption([m.env.body], { target: 'content' })] })))).toBeUndefined();
    expect(checkEncryptedParts(r, view(m, factsOf(m, { decryptions: [decryption([m.order])] })))).toBeUndefined();
  });
});

describe('SignedElements / EncryptedElements (XPath subset)', () => {
  it('an element covered by a signature over its ancestor holds; uncovered, it is named with the XPath', () => {
    const m = message();
    const r = req({ signedElements: [card('sp:SignedElements/sp:XPath[//o:Card]')] });
    expect(checkSignedElements(r, view(m, factsOf(m, { signatures: [signature(m.sig, [m.env.body])] })))).toBeUndefined();
    expect(checkSignedElements(r, view(m, factsOf(m, { signatures: [signature(m.sig, [m.to])] })))).toMatchObject({ code: 'GW_ERR_POLICY_SIGNED_PARTS', detail: { element: '{urn:orders}Card', xpath: '//o:Card' } });
  });

  it('an element inside encrypted content holds; one in clear is refused', () => {
    const m = message();
    const r = req({ encryptedElements: [card('sp:EncryptedElements/sp:XPath[//o:Card]')] });
    expect(checkEncryptedElements(r, view(m))?.code).toBe('GW_ERR_POLICY_ENCRYPTED_PARTS');
    expect(checkEncryptedElements(r, view(m, factsOf(m, { decryptions: [decryption([m.env.body], { target: 'content' })] })))).toBeUndefined();
    expect(checkEncryptedElements(r, view(m, factsOf(m, { decryptions: [decryption([m.order])] })))).toBeUndefined();
  });
});

describe('Layout', () => {
  const layout = (l: 'Strict' | 'LaxTsFirst' | 'LaxTsLast') => req({ layout: { assertion: `sp:AsymmetricBinding/sp:Layout/sp:${l}`, layout: l } });

  it('LaxTsFirst: the Timestamp must be the first child of the Security header', () => {
    expect(checkLayout(layout('LaxTsFirst'), view(message(['bst', 'sig', 'ts', 'ut'])))?.code).toBe('GW_ERR_POLICY_LAYOUT');
    expect(checkLayout(layout('LaxTsFirst'), view(message(['ts', 'bst', 'sig', 'ut'])))).toBeUndefined();
  });

  it('LaxTsLast: the Timestamp must be the last child', () => {
    expect(checkLayout(layout('LaxTsLast'), view(message(['ts', 'bst', 'sig', 'ut'])))?.code).toBe('GW_ERR_POLICY_LAYOUT');
    expect(checkLayout(layout('LaxTsLast'), view(message(['bst', 'sig', 'ut', 'ts'])))).toBeUndefined();
  });

  it('Strict: a signing token or a signed Timestamp after the signature that uses or signs it is refused', () => {
    const late = message(['sig', 'bst', 'ts', 'ut']);
    expect(checkLayout(layout('Strict'), view(late, factsOf(late, { signatures: [signature(late.sig, [late.env.body], { token: late.bst })] })))?.detail['element']).toMatch(/BinarySecurityToken$/);
    const tsAfter = message(['bst', 'sig', 'ts', 'ut']);
    expect(checkLayout(layout('Strict'), view(tsAfter, factsOf(tsAfter, { signatures: [signature(tsAfter.sig, [tsAfter.ts], { token: tsAfter.bst })] })))?.detail['element']).toMatch(/Timestamp$/);
    const ok = message(['ts', 'bst', 'sig', 'ut']);
    expect(checkLayout(layout('Strict'), view(ok, factsOf(ok, { signatures: [signature(ok.sig, [ok.ts, ok.env.body], { token: ok.bst })] })))).toBeUndefined();
  });
});

describe('OnlySignEntireHeadersAndBody and ProtectTokens', () => {
  const only = req({ onlySignEntireHeadersAndBody: 'sp:AsymmetricBinding/sp:OnlySignEntireHeadersAndBody' });

  it('a Reference to an element inside the Body (not the Body itself) is refused, naming it', () => {
    const m = message();
    expect(checkProtection(only, view(m, factsOf(m, { signatures: [signature(m.sig, [m.order])] })))).toMatchObject({ code: 'GW_ERR_POLICY_PROTECTION', detail: { element: '{urn:orders}Order' } });
  });

  it('the Body, whole header blocks and elements of the Security header may be signed', () => {
    const m = message();
    expect(checkProtection(only, view(m, factsOf(m, { signatures: [signature(m.sig, [m.env.body, m.to, m.ts, m.ut])] })))).toBeUndefined();
  });

  it('ProtectTokens: the signature must cover its own BinarySecurityToken; a referenced certificate cannot be covered', () => {
    const m = message();
    const protect = req({ protectTokens: 'sp:AsymmetricBinding/sp:ProtectTokens' });
    expect(checkProtection(protect, view(m, factsOf(m, { signatures: [signature(m.sig, [m.env.body], { token: m.bst })] })))?.detail['element']).toMatch(/BinarySecurityToken$/);
    expect(checkProtection(protect, view(m, factsOf(m, { signatures: [signature(m.sig, [m.env.body, m.bst], { token: m.bst })] })))).toBeUndefined();
    expect(checkProtection(protect, view(m, factsOf(m, { signatures: [signature(m.sig, [m.env.body], { reference: 'keyid-thumbprint' })] })))?.detail['reference']).toBe('keyid-thumbprint');
  });
});

describe('WS-Addressing', () => {
  it('wsam:Addressing needs a wsa:Action header', () => {
    const m = message();
    expect(checkAddressing(req({ addressing: 'wsam:Addressing' }), view(m))).toBeUndefined();
    const bare = { ...m, env: { ...m.env, headerBlocks: m.env.headerBlocks.filter((h) => h.localName !== 'Action') } };
    expect(checkAddressing(req({ addressing: 'wsam:Addressing' }), view(bare))).toMatchObject({ code: 'GW_ERR_POLICY_ADDRESSING', detail: { assertion: 'wsam:Addressing' } });
  });
});
