import { createPrivateKey, createPublicKey, createSecretKey, sign } from 'node:crypto';
import type { Element } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../../src/errors.ts';
import { excC14n } from '../../../../src/security/signature/exc-c14n.ts';
import { verifySignature } from '../../../../src/security/signature/verify.ts';
import { NS_DS } from '../../../../src/xml/ns.ts';
import { defaultXmlLimits, parseXmlText } from '../../../../src/xml/parse.ts';
import { caseBytes, certPem, contextFor, domOf, loadCase, messageSignature, privateKeyPem } from './helpers.ts';
import type { TestContext } from './helpers.ts';

const A01 = caseBytes('A01').toString('utf8');

function code(fn: () => unknown): string {
  try {
    fn();
    return 'valid';
  } catch (err) {
    if (err instanceof GatewayError) return err.code;
    throw err;
  }
}

/** A01 edited as text, parsed (comments allowed: the verifier must not rely on the parser), then verified. */
function attack(edit: (xml: string) => string, resign = false): { code: string; ctx: TestContext } {
  const xml = edit(A01);
  expect(xml).not.toBe(A01);
  const doc = domOf(xml, true);
  if (resign) resignA01(messageSignature(doc));
  const ctx = contextFor(doc);
  return { code: code(() => verifySignature(messageSignature(doc), ctx)), ctx };
}

/** Signs the edited SignedInfo with the client key: the checks after the SignatureValue must hold against a key holder too. */
function resignA01(sig: Element): void {
  const signedInfo = sig.getElementsByTagNameNS(NS_DS, 'SignedInfo').item(0) as Element;
  const value = sig.getElementsByTagNameNS(NS_DS, 'SignatureValue').item(0) as Element;
  const data = Buffer.from(excC14n(signedInfo, new Set(['wsa', 'soap-env'])), 'utf8');
  (value.firstChild as unknown as { data: string }).data = sign('sha256', data, createPrivateKey(privateKeyPem('client-rsa'))).toString('base64');
}

const FIRST_REF = /<ds:Reference URI="#id-[^"]+">.*?<\/ds:Reference>/;
const firstRef = (xml: string): string => (FIRST_REF.exec(xml) as RegExpExecArray)[0];
const transformAlg = (alg: string) => (xml: string) => xml.replace('<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#">', `<ds:Transform Algorithm="${alg}">`);

describe('verifySignature refuses', () => {
  it('a comment inside DigestValue (CVE-2025-29775)', () => {
    const r = attack((x) => x.replace('<ds:DigestValue>XYTg', '<ds:DigestValue>XYTg<!--x-->'));
    expect(r.code).toBe('GW_ERR_SEC_SIGNATURE_MALFORMED');
    expect(r.ctx.keyResolutions).toBe(0);
  });

  it('a DigestValue split by a CDATA section', () => {
    expect(attack((x) => x.replace('<ds:DigestValue>XYTg', '<ds:DigestValue><![CDATA[XYTg]]>')).code).toBe('GW_ERR_SEC_SIGNATURE_MALFORMED');
  });

  it('a DigestValue that is not strict base64', () => {
    expect(attack((x) => x.replace('<ds:DigestValue>XYTg', '<ds:DigestValue>XY.Tg')).code).toBe('GW_ERR_SEC_SIGNATURE_MALFORMED');
  });

  it('two SignedInfo (CVE-2025-29774)', () => {
    const r = attack((x) => x.replace(/(<ds:SignedInfo>.*?<\/ds:SignedInfo>)/, '$1$1'));
    expect(r.code).toBe('GW_ERR_SEC_SIGNATURE_MALFORMED');
    expect(r.ctx.keyResolutions).toBe(0);
  });

  it('200 References, before any reference is resolved or digested', () => {
    const r = attack((x) => x.replace(FIRST_REF, firstRef(x).repeat(200)));
    expect(r.code).toBe('GW_ERR_SEC_SIGNATURE_MALFORMED');
    expect(r.ctx.lookups).toBe(0);
    expect(r.ctx.keyResolutions).toBe(0);
  });

  // Bounded work is asserted structurally (no Id lookup, no key resolution, no digest); the time
  // to reject is measured in the conformance corpus (dos-02/03 measuredMs), not asserted here.
  it('30 References over a 20,000-element document are refused at the shape check, before any digest', () => {
    const body = '<x/>'.repeat(19_900);
    const xml = A01.replace(FIRST_REF, firstRef(A01).repeat(30)).replace('</ns0:GetClaimStatusRequest>', `${body}</ns0:GetClaimStatusRequest>`);
    const doc = parseXmlText(xml, { ...defaultXmlLimits, maxNodes: 21_000 }).doc;
    const ctx = contextFor(doc);
    expect(code(() => verifySignature(messageSignature(doc), ctx))).toBe('GW_ERR_SEC_SIGNATURE_MALFORMED');
    expect(ctx.lookups).toBe(0);
    expect(ctx.keyResolutions).toBe(0);
  });

  it('a RetrievalMethod in KeyInfo', () => {
    const r = attack((x) => x.replace('<wsse:SecurityTokenReference ', '<ds:RetrievalMethod URI="http://127.0.0.1:18999/interop-canary/"/><wsse:SecurityTokenReference '));
    expect(r.code).toBe('GW_ERR_SEC_SIGNATURE_MALFORMED');
    expect(r.ctx.keyResolutions).toBe(0);
  });

  it('an XPath transform', () => {
    expect(attack(transformAlg('http://www.w3.org/TR/1999/REC-xpath-19991116')).code).toBe('GW_ERR_SEC_UNSUPPORTED_ALGORITHM');
  });

  it('an XSLT transform', () => {
    expect(attack(transformAlg('http://www.w3.org/TR/1999/REC-xslt-19991116')).code).toBe('GW_ERR_SEC_UNSUPPORTED_ALGORITHM');
  });

  it('an enveloped-signature transform (message signatures are detached)', () => {
    expect(attack(transformAlg('http://www.w3.org/2000/09/xmldsig#enveloped-signature')).code).toBe('GW_ERR_SEC_UNSUPPORTED_ALGORITHM');
  });

  it('an STR-Transform (not supported yet)', () => {
    expect(attack(transformAlg('http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#STR-Transform')).code).toBe('GW_ERR_SEC_UNSUPPORTED_ALGORITHM');
  });

  it('a Reference without Transforms (BSP R5416)', () => {
    expect(attack((x) => x.replace(/<ds:Transforms>.*?<\/ds:Transforms>/, '')).code).toBe('GW_ERR_SEC_SIGNATURE_MALFORMED');
  });

  it('more Transforms than the policy allows', () => {
    expect(attack((x) => x.replace(/(<ds:Transforms>)(.*?)(<\/ds:Transforms>)/, '$1$2$2$2$3')).code).toBe('GW_ERR_SEC_SIGNATURE_MALFORMED');
  });

  it.each([
    ['an external URI', 'http://127.0.0.1:18999/interop-canary/'],
    ['an xpointer URI', '#xpointer(/)'],
    ['an empty URI (whole document)', ''],
  ])('%s', (_what, uri) => {
    expect(attack((x) => x.replace(/<ds:Reference URI="#id-[^"]+">/, `<ds:Reference URI="${uri}">`)).code).toBe('GW_ERR_SEC_SIGNATURE_MALFORMED');
  });

  it('a Reference to a Manifest', () => {
    expect(attack((x) => x.replace(/<ds:Reference (URI="#id-[^"]+")>/, '<ds:Reference $1 Type="http://www.w3.org/2000/09/xmldsig#Manifest">')).code).toBe('GW_ERR_SEC_SIGNATURE_MALFORMED');
  });

  it('a ds:Object in the Signature', () => {
    expect(attack((x) => x.replace('</ds:KeyInfo>', '</ds:KeyInfo><ds:Object/>')).code).toBe('GW_ERR_SEC_SIGNATURE_MALFORMED');
  });

  it('a signed element hidden in the Signature\'s own KeyInfo (XSW, R18)', () => {
    const r = attack((x) => x.replace(/<ds:Reference URI="#id-[^"]+">/, '<ds:Reference URI="#hidden">').replace('</ds:KeyInfo>', '<ns0:Evil xmlns:ns0="urn:x" Id="hidden"/></ds:KeyInfo>'), true);
    expect(r.code).toBe('GW_ERR_SEC_SIGNATURE_MALFORMED');
    const doc = loadCase('R18');
    expect(code(() => verifySignature(messageSignature(doc), contextFor(doc)))).toBe('GW_ERR_SEC_SIGNATURE_MALFORMED');
  });

  it('a Reference to the Signature itself', () => {
    expect(attack((x) => x.replace(/<ds:Reference URI="#id-[^"]+">/, '<ds:Reference URI="#SIG-155695EC14D33D82B217959103508266">'), true).code).toBe('GW_ERR_SEC_SIGNATURE_MALFORMED');
  });

  it('a Reference to no element: REFERENCE_UNRESOLVED', () => {
    expect(attack((x) => x.replace(/<ds:Reference URI="#id-[^"]+">/, '<ds:Reference URI="#nowhere">'), true).code).toBe('GW_ERR_SEC_REFERENCE_UNRESOLVED');
  });

  it('an HMAC signature method', () => {
    const r = attack((x) => x.replace('http://www.w3.org/2001/04/xmldsig-more#rsa-sha256', 'http://www.w3.org/2000/09/xmldsig#hmac-sha1'));
    expect(r.code).toBe('GW_ERR_SEC_UNSUPPORTED_ALGORITHM');
    expect(r.ctx.keyResolutions).toBe(0);
  });

  it('a canonicalization other than exc-c14n', () => {
    expect(attack((x) => x.replace('<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#">', '<ds:CanonicalizationMethod Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315">')).code).toBe('GW_ERR_SEC_UNSUPPORTED_ALGORITHM');
  });

  it('a changed SignatureValue, before any reference is digested', () => {
    const r = attack((x) => x.replace('<ds:SignatureValue>A5IF', '<ds:SignatureValue>A5IE'));
    expect(r.code).toBe('GW_ERR_SEC_SIGNATURE_INVALID');
    expect(r.ctx.lookups).toBe(0);
  });

  it('a changed SignedInfo (PrefixList edited)', () => {
    expect(attack((x) => x.replace('PrefixList="wsa soap-env"', 'PrefixList="wsa"')).code).toBe('GW_ERR_SEC_SIGNATURE_INVALID');
  });

  it('a key of the wrong type for the SignatureMethod', () => {
    const doc = loadCase('A01');
    const ctx = contextFor(doc, undefined, () => ({ key: createPublicKey(certPem('client-ec')), signer: 'ec' }));
    expect(code(() => verifySignature(messageSignature(doc), ctx))).toBe('GW_ERR_SEC_SIGNATURE_INVALID');
  });

  it('a secret key', () => {
    const doc = loadCase('A01');
    const ctx = contextFor(doc, undefined, () => ({ key: createSecretKey(Buffer.alloc(32)), signer: 'hmac' }));
    expect(code(() => verifySignature(messageSignature(doc), ctx))).toBe('GW_ERR_SEC_SIGNATURE_INVALID');
  });

  it('a Reference to an element that encloses the Signature', () => {
    const r = attack((x) => x.replace(/<ds:Reference URI="#id-[^"]+">/, '<ds:Reference URI="#sec">').replace('<wsse:Security ', '<wsse:Security Id="sec" '), true);
    expect(r.code).toBe('GW_ERR_SEC_SIGNATURE_MALFORMED');
  });

  it('nothing when re-signed without edits (the re-signing helper is sound)', () => {
    expect(attack((x) => x.replace('<ds:SignatureValue>A5IF', '<ds:SignatureValue>AAAA'), true).code).toBe('valid');
  });
});
