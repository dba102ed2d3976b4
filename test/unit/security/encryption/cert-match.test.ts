import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { keyInfoNamesCertificate } from '../../../../src/security/encryption/cert-match.ts';
import { parseCertificateDer } from '../../../../src/security/x509/cert-facts.ts';
import { clientCert, gatewayCert, parse } from './helpers.ts';

const WSSE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
const X509V3 = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3';
const SKI = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509SubjectKeyIdentifier';

function keyInfo(inner: string, extra = ''): ReturnType<typeof parse> {
  return parse(`<r xmlns:wsse="${WSSE}" xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:KeyInfo><wsse:SecurityTokenReference>${inner}</wsse:SecurityTokenReference></ds:KeyInfo>${extra}</r>`);
}

function matches(inner: string, extra = ''): boolean {
  const doc = keyInfo(inner, extra);
  const ki = doc.documentElement?.firstChild as Parameters<typeof keyInfoNamesCertificate>[0];
  const bst = doc.getElementsByTagNameNS(WSSE, 'BinarySecurityToken')[0] ?? undefined;
  return keyInfoNamesCertificate(ki, gatewayCert, (id) => (id === 'X509-1' ? bst : undefined)).ok;
}

const issuerSerial = (name: string, serial: string): string =>
  `<ds:X509Data><ds:X509IssuerSerial><ds:X509IssuerName>${name}</ds:X509IssuerName><ds:X509SerialNumber>${serial}</ds:X509SerialNumber></ds:X509IssuerSerial></ds:X509Data>`;

describe('EncryptedKey must name the gateway certificate', () => {
  const ISSUER = 'CN=Interop Test Issuing CA 1,O=Example Mutual Insurance (TEST ONLY),C=NL';
  const SERIAL = '67869402025597204927285164848';

  it('IssuerSerial: RFC 4514 spellings of the issuer, decimal serial', () => {
    expect(matches(issuerSerial(ISSUER, SERIAL))).toBe(true);
    expect(matches(issuerSerial('cn=Interop  Test Issuing CA 1, o=Example Mutual Insurance (TEST ONLY), 2.5.4.6=NL', SERIAL))).toBe(true);
    expect(matches(issuerSerial(ISSUER, '67869402025597204927285164849'))).toBe(false);
    expect(matches(issuerSerial('CN=Interop Test Root CA,O=Example Mutual Insurance (TEST ONLY),C=NL', SERIAL))).toBe(false);
    // Names compare as in TrustStore.findByIssuerSerial (x509/dn.ts nameKey): a multiset of
    // attributes, so RDN order does not matter (the former encryption/dn.ts was order-sensitive).
    expect(matches(issuerSerial('C=NL,O=Example Mutual Insurance (TEST ONLY),CN=Interop Test Issuing CA 1', SERIAL))).toBe(true);
    expect(matches(issuerSerial('CN=Interop Test Issuing CA 1,O=Example Mutual Insurance (TEST ONLY)', SERIAL))).toBe(false);
    // Not RFC 4514 (unknown attribute type, bad escape): no match, no exception.
    expect(matches(issuerSerial('XYZ=1,CN=Interop Test Issuing CA 1', SERIAL))).toBe(false);
    expect(matches(issuerSerial('CN=a\\q', SERIAL))).toBe(false);
    expect(matches(issuerSerial('', SERIAL))).toBe(false);
    expect(matches(issuerSerial(ISSUER, '0xDB4C'))).toBe(false);
  });

  it('SubjectKeyIdentifier from the certificate extension (the corpus value)', () => {
    const ski = (cert: typeof gatewayCert): string => Buffer.from(parseCertificateDer(cert.raw).effectiveSki).toString('base64');
    expect(ski(gatewayCert)).toBe('BrMxR4FyNTp2Rt4kkomnluFCngU=');
    expect(matches(`<wsse:KeyIdentifier ValueType="${SKI}">BrMxR4FyNTp2Rt4kkomnluFCngU=</wsse:KeyIdentifier>`)).toBe(true);
    expect(matches(`<wsse:KeyIdentifier ValueType="${SKI}">${ski(clientCert)}</wsse:KeyIdentifier>`)).toBe(false);
  });

  it('X509v3 KeyIdentifier and a direct Reference to an X509v3 BinarySecurityToken', () => {
    const b64 = gatewayCert.raw.toString('base64');
    expect(matches(`<wsse:KeyIdentifier ValueType="${X509V3}">${b64}</wsse:KeyIdentifier>`)).toBe(true);
    expect(matches(`<wsse:KeyIdentifier ValueType="${X509V3}">${clientCert.raw.toString('base64')}</wsse:KeyIdentifier>`)).toBe(false);
    const bst = (cert: string): string => `<wsse:BinarySecurityToken ValueType="${X509V3}">${cert}</wsse:BinarySecurityToken>`;
    expect(matches('<wsse:Reference URI="#X509-1"/>', bst(b64))).toBe(true);
    expect(matches('<wsse:Reference URI="#X509-1"/>', bst(clientCert.raw.toString('base64')))).toBe(false);
  });

  it('ThumbprintSHA1 of the DER', () => {
    const tp = createHash('sha1').update(gatewayCert.raw).digest('base64');
    expect(tp).toBe('x5/brryBxpqao+q4LrByDLAQ2ao=');
    expect(matches(`<wsse:KeyIdentifier ValueType="http://docs.oasis-open.org/wss/oasis-wss-soap-message-security-1.1#ThumbprintSHA1">${tp}</wsse:KeyIdentifier>`)).toBe(true);
  });

  it('no KeyInfo, two references, or an unknown ValueType do not match', () => {
    expect(keyInfoNamesCertificate(undefined, gatewayCert, () => undefined).ok).toBe(false);
    expect(matches(issuerSerial(ISSUER, SERIAL) + issuerSerial(ISSUER, SERIAL))).toBe(false);
    expect(matches('<wsse:KeyIdentifier ValueType="urn:other">AAAA</wsse:KeyIdentifier>')).toBe(false);
  });
});
