import { readFileSync } from 'node:fs';
import { DOMParser } from '@xmldom/xmldom';
import type { Element } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { IdIndex } from '../../../../src/security/id-index.ts';
import { resolveCertificate } from '../../../../src/security/x509/resolve-key.ts';
import { validateCertificate } from '../../../../src/security/x509/validate-path.ts';
import { NS_DS } from '../../../../src/xml/ns.ts';
import { defaultXmlLimits, parseXml } from '../../../../src/xml/parse.ts';
import { AT, INTEROP_CASES, interopCert, interopStore } from './x509-test-helpers.ts';
import { codeOf } from '../../../support/errors.ts';

const store = interopStore();

function signatureKeyInfo(caseDir: string): { keyInfo: Element; idIndex: IdIndex } {
  const bytes = readFileSync(new URL(`${caseDir}/request.xml`, INTEROP_CASES));
  const { doc } = parseXml(bytes, 'utf-8', defaultXmlLimits);
  const sig = doc.getElementsByTagNameNS(NS_DS, 'Signature').item(0);
  const keyInfo = sig === null ? undefined : [...Array.from({ length: sig.childNodes.length }, (_, i) => sig.childNodes.item(i))].find((n): n is Element => n !== null && n.nodeType === 1 && n.localName === 'KeyInfo');
  if (keyInfo === undefined) throw new Error(`no signature KeyInfo in ${caseDir}`);
  return { keyInfo, idIndex: IdIndex.build(doc) };
}

describe('resolveCertificate: the interop corpus key references', () => {
  it.each([
    ['A01__wss4j-getclaimstatus-bst-direct-ref-soap11', 'bst-direct', 'client-rsa'],
    ['A02__wss4j-getclaimstatus-x509-keyidentifier-soap12', 'keyid-x509v3', 'client-rsa'],
    ['A03__wss4j-getclaimstatus-ski-keyidentifier-soap11', 'keyid-ski', 'client-rsa'],
    ['A04__wss4j-getclaimstatus-issuerserial-soap12', 'issuer-serial', 'client-rsa'],
    ['A05__wss4j-getclaimstatus-thumbprint-sha1-soap11', 'keyid-thumbprint', 'client-rsa'],
    ['A10__zeep-getclaimstatus-binarysignature-soap11', 'bst-direct', 'client-rsa'],
    ['A11__zeep-getclaimstatus-ecdsa-p256-soap12', 'bst-direct', 'client-ec'],
    ['A15__xmlsec1-getclaimstatus-bst-direct-ref-soap12', 'bst-direct', 'client-rsa'],
    ['A16__xmlsec1-getclaimstatus-ecdsa-issuerserial-soap11', 'issuer-serial', 'client-ec'],
  ])('%s → %s (%s), which then validates', (caseDir, reference, certName) => {
    const { keyInfo, idIndex } = signatureKeyInfo(caseDir);
    const resolved = resolveCertificate(keyInfo, { idIndex, store });
    expect(resolved.reference).toBe(reference);
    expect(resolved.cert.raw.equals(interopCert(certName).raw)).toBe(true);
    if (reference === 'bst-direct') expect(resolved.token?.localName).toBe('BinarySecurityToken');
    else expect(resolved.token).toBeUndefined();
    expect(validateCertificate(resolved.cert, store, AT).path).toHaveLength(3);
  });

  it.each([
    ['R03__untrusted-cert-from-rogue-ca', 'GW_ERR_SEC_CERT_UNTRUSTED'],
    ['R04__untrusted-cert-issued-by-non-ca-client-cert', 'GW_ERR_SEC_CERT_UNTRUSTED'],
    ['R05__expired-cert-x509-keyidentifier', 'GW_ERR_SEC_CERT_EXPIRED'],
    ['R06__cert-not-yet-valid', 'GW_ERR_SEC_CERT_EXPIRED'],
  ])('%s resolves but does not validate (%s)', (caseDir, code) => {
    const { keyInfo, idIndex } = signatureKeyInfo(caseDir);
    const { cert } = resolveCertificate(keyInfo, { idIndex, store });
    expect(() => validateCertificate(cert, store, AT)).toThrow(expect.objectContaining({ code }));
  });
});

const WSSE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
const WSU = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd';
const X509V3 = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3';
const SKI = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509SubjectKeyIdentifier';
const TP = 'http://docs.oasis-open.org/wss/oasis-wss-soap-message-security-1.1#ThumbprintSHA1';
const CERT_B64 = interopCert('client-ec').raw.toString('base64');

/** A Security header with one BST (Id "bst") and the KeyInfo under test. */
function resolveXml(keyInfoXml: string, bst = `<wsse:BinarySecurityToken wsu:Id="bst" ValueType="${X509V3}">${CERT_B64}</wsse:BinarySecurityToken>`): ReturnType<typeof resolveCertificate> {
  const xml = `<wsse:Security xmlns:wsse="${WSSE}" xmlns:wsu="${WSU}" xmlns:ds="${NS_DS}"><x wsu:Id="notbst"/>${bst}${keyInfoXml}</wsse:Security>`;
  const doc = new DOMParser().parseFromString(xml, 'text/xml');
  const el = doc.documentElement?.lastChild as Element;
  return resolveCertificate(el, { idIndex: IdIndex.build(doc), store });
}


const str = (inner: string): string => `<ds:KeyInfo><wsse:SecurityTokenReference>${inner}</wsse:SecurityTokenReference></ds:KeyInfo>`;

describe('resolveCertificate: accepted shapes', () => {
  it('takes a SecurityTokenReference directly, and BST base64 with line breaks', () => {
    const wrapped = CERT_B64.replace(/(.{64})/g, '$1\n');
    const r = resolveXml(`<wsse:SecurityTokenReference><wsse:Reference URI="#bst"/></wsse:SecurityTokenReference>`, `<wsse:BinarySecurityToken wsu:Id="bst" ValueType="${X509V3}">\n${wrapped}\n</wsse:BinarySecurityToken>`);
    expect(r.reference).toBe('bst-direct');
  });

  it('ds:X509Data/ds:X509Certificate directly in KeyInfo', () => {
    expect(resolveXml(`<ds:KeyInfo><ds:X509Data><ds:X509Certificate>${CERT_B64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>`).reference).toBe('embedded-x509');
  });

  it('IssuerSerial with reordered RDNs and extra spaces', () => {
    const r = resolveXml(str('<ds:X509Data><ds:X509IssuerSerial><ds:X509IssuerName>C=NL, O=Example Mutual Insurance (TEST ONLY), CN=Interop Test Issuing CA 1</ds:X509IssuerName><ds:X509SerialNumber> 78416435248402741608049372315 </ds:X509SerialNumber></ds:X509IssuerSerial></ds:X509Data>'));
    expect(r.cert.raw.equals(interopCert('client-ec').raw)).toBe(true);
  });
});

describe('resolveCertificate: refused shapes', () => {
  it.each([
    ['ds:KeyValue', '<ds:KeyInfo><ds:KeyValue/></ds:KeyInfo>', 'GW_ERR_SEC_TOKEN_INVALID'],
    ['ds:KeyName', '<ds:KeyInfo><ds:KeyName>client</ds:KeyName></ds:KeyInfo>', 'GW_ERR_SEC_TOKEN_INVALID'],
    ['ds:RetrievalMethod', '<ds:KeyInfo><ds:RetrievalMethod URI="#bst"/></ds:KeyInfo>', 'GW_ERR_SEC_SIGNATURE_MALFORMED'],
    ['RetrievalMethod beside an STR', `<ds:KeyInfo><wsse:SecurityTokenReference><wsse:Reference URI="#bst"/></wsse:SecurityTokenReference><ds:RetrievalMethod URI="#bst"/></ds:KeyInfo>`, 'GW_ERR_SEC_SIGNATURE_MALFORMED'],
    ['empty KeyInfo', '<ds:KeyInfo/>', 'GW_ERR_SEC_TOKEN_INVALID'],
    ['two references', str('<wsse:Reference URI="#bst"/><wsse:Reference URI="#bst"/>'), 'GW_ERR_SEC_TOKEN_INVALID'],
    ['two KeyInfo children', '<ds:KeyInfo><wsse:SecurityTokenReference><wsse:Reference URI="#bst"/></wsse:SecurityTokenReference><ds:KeyName>x</ds:KeyName></ds:KeyInfo>', 'GW_ERR_SEC_TOKEN_INVALID'],
    ['external URI', str('<wsse:Reference URI="http://evil.example/cert#bst"/>'), 'GW_ERR_SEC_TOKEN_INVALID'],
    ['empty URI', str('<wsse:Reference URI=""/>'), 'GW_ERR_SEC_TOKEN_INVALID'],
    ['unknown Id', str('<wsse:Reference URI="#nope"/>'), 'GW_ERR_SEC_REFERENCE_UNRESOLVED'],
    ['Id of a non-BST element', str('<wsse:Reference URI="#notbst"/>'), 'GW_ERR_SEC_TOKEN_INVALID'],
    ['Reference ValueType not X509v3', str('<wsse:Reference URI="#bst" ValueType="urn:x"/>'), 'GW_ERR_SEC_TOKEN_INVALID'],
    ['unknown KeyIdentifier ValueType', str('<wsse:KeyIdentifier ValueType="urn:x">AAAA</wsse:KeyIdentifier>'), 'GW_ERR_SEC_TOKEN_INVALID'],
    ['SKI of no known cert', str(`<wsse:KeyIdentifier ValueType="${SKI}">AAAAAAAAAAAAAAAAAAAAAAAAAAA=</wsse:KeyIdentifier>`), 'GW_ERR_SEC_TOKEN_UNRESOLVED'],
    ['thumbprint of no known cert', str(`<wsse:KeyIdentifier ValueType="${TP}">AAAAAAAAAAAAAAAAAAAAAAAAAAA=</wsse:KeyIdentifier>`), 'GW_ERR_SEC_TOKEN_UNRESOLVED'],
    ['thumbprint of wrong length', str(`<wsse:KeyIdentifier ValueType="${TP}">AAAA</wsse:KeyIdentifier>`), 'GW_ERR_SEC_TOKEN_INVALID'],
    ['SKI that is not base64', str(`<wsse:KeyIdentifier ValueType="${SKI}">bNqN!LgDE</wsse:KeyIdentifier>`), 'GW_ERR_SEC_TOKEN_INVALID'],
    ['KeyIdentifier with hex EncodingType', str(`<wsse:KeyIdentifier ValueType="${SKI}" EncodingType="urn:hex">00</wsse:KeyIdentifier>`), 'GW_ERR_SEC_TOKEN_INVALID'],
    ['IssuerSerial of no known cert', str('<ds:X509Data><ds:X509IssuerSerial><ds:X509IssuerName>CN=Interop Test Issuing CA 1,O=Example Mutual Insurance (TEST ONLY),C=NL</ds:X509IssuerName><ds:X509SerialNumber>1</ds:X509SerialNumber></ds:X509IssuerSerial></ds:X509Data>'), 'GW_ERR_SEC_TOKEN_UNRESOLVED'],
    ['IssuerSerial with a hex serial', str('<ds:X509Data><ds:X509IssuerSerial><ds:X509IssuerName>CN=x</ds:X509IssuerName><ds:X509SerialNumber>0x1F</ds:X509SerialNumber></ds:X509IssuerSerial></ds:X509Data>'), 'GW_ERR_SEC_TOKEN_INVALID'],
    ['IssuerSerial with a bad DN', str('<ds:X509Data><ds:X509IssuerSerial><ds:X509IssuerName>NOPE=x</ds:X509IssuerName><ds:X509SerialNumber>1</ds:X509SerialNumber></ds:X509IssuerSerial></ds:X509Data>'), 'GW_ERR_SEC_TOKEN_INVALID'],
    ['X509Data with two children', `<ds:KeyInfo><ds:X509Data><ds:X509Certificate>${CERT_B64}</ds:X509Certificate><ds:X509SubjectName>CN=x</ds:X509SubjectName></ds:X509Data></ds:KeyInfo>`, 'GW_ERR_SEC_TOKEN_INVALID'],
    ['embedded cert that is not a certificate', '<ds:KeyInfo><ds:X509Data><ds:X509Certificate>MAMCAQE=</ds:X509Certificate></ds:X509Data></ds:KeyInfo>', 'GW_ERR_SEC_TOKEN_INVALID'],
    ['X509v3 KeyIdentifier with trailing garbage', str(`<wsse:KeyIdentifier ValueType="${X509V3}">${CERT_B64}AAAA</wsse:KeyIdentifier>`), 'GW_ERR_SEC_TOKEN_INVALID'],
    ['not a KeyInfo at all', '<ds:Signature/>', 'GW_ERR_SEC_TOKEN_INVALID'],
  ])('%s → %s', (_name, xml, code) => {
    expect(codeOf(() => resolveXml(xml))).toBe(code);
  });

  it.each([
    ['a BST without ValueType', `<wsse:BinarySecurityToken wsu:Id="bst">${CERT_B64}</wsse:BinarySecurityToken>`],
    ['a BST with a hex EncodingType', `<wsse:BinarySecurityToken wsu:Id="bst" ValueType="${X509V3}" EncodingType="urn:hex">${CERT_B64}</wsse:BinarySecurityToken>`],
    ['a BST with non-base64 characters', `<wsse:BinarySecurityToken wsu:Id="bst" ValueType="${X509V3}">${CERT_B64.slice(0, 40)}*${CERT_B64.slice(40)}</wsse:BinarySecurityToken>`],
    ['a BST holding PEM text', `<wsse:BinarySecurityToken wsu:Id="bst" ValueType="${X509V3}">${Buffer.from(`-----BEGIN CERTIFICATE-----\n${CERT_B64}\n-----END CERTIFICATE-----\n`).toString('base64')}</wsse:BinarySecurityToken>`],
    ['a BST holding an element', `<wsse:BinarySecurityToken wsu:Id="bst" ValueType="${X509V3}"><x/>${CERT_B64}</wsse:BinarySecurityToken>`],
    ['a truncated certificate', `<wsse:BinarySecurityToken wsu:Id="bst" ValueType="${X509V3}">${CERT_B64.slice(0, 400)}</wsse:BinarySecurityToken>`],
  ])('a direct reference to %s → GW_ERR_SEC_TOKEN_INVALID', (_name, bst) => {
    expect(codeOf(() => resolveXml(str('<wsse:Reference URI="#bst"/>'), bst))).toBe('GW_ERR_SEC_TOKEN_INVALID');
  });
});
