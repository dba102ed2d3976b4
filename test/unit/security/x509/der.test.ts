import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseCertificateDer } from '../../../../src/security/x509/cert-facts.ts';
import { DerError, readOid, readRoot, readTlv } from '../../../../src/security/x509/der.ts';
import { DnSyntaxError, nameKey, parseDnString, readName } from '../../../../src/security/x509/dn.ts';
import { interopPem, localPem } from './x509-test-helpers.ts';

// Expectations copied from `openssl x509 -noout -ext basicConstraints,keyUsage,subjectKeyIdentifier -in X`
// (OpenSSL 3.0.19) for every certificate of the interop PKI and of the local fixtures.
const LEAF_KU = ['digitalSignature', 'nonRepudiation'];
const CA_KU = ['keyCertSign', 'cRLSign'];
const EXPECTED: Record<string, { ca: boolean; pathLen?: number; ku: string[]; ski: string | undefined; local?: true }> = {
  'root-ca': { ca: true, ku: CA_KU, ski: '47735C76DF3169A6F6AAB72D71BB5E225643599C' },
  'issuing-ca': { ca: true, pathLen: 0, ku: CA_KU, ski: '570D7DEE718A5449A70BC1E7FF7B7E3B45C4CC1F' },
  'client-rsa': { ca: false, ku: LEAF_KU, ski: '6CDA8D2E00C4211A76925E46A80D003BF2A2A4A7' },
  'client-ec': { ca: false, ku: LEAF_KU, ski: '308F3D0749711437 60DC3403AEA48616350F56D0' },
  gateway: { ca: false, ku: ['digitalSignature', 'keyEncipherment', 'dataEncipherment'], ski: '06B331478172353A7646DE249289A796E1429E05' },
  idp: { ca: false, ku: ['digitalSignature'], ski: 'A5D26753CD2AD061CAB9FE1F2E4594278A6C30BF' },
  expired: { ca: false, ku: LEAF_KU, ski: '004A1614838ABE8F5D3C6C0FCD83BAE3602D2004' },
  'not-yet-valid': { ca: false, ku: LEAF_KU, ski: '82F4A542DA21943166A83B28D64D3DF7AA85483A' },
  untrusted: { ca: false, ku: LEAF_KU, ski: 'CB6FFFF82D91979EE437F11423DC31533DE03897' },
  'leaf-issued': { ca: false, ku: LEAF_KU, ski: '74A0AA6D67FD64347297DAAF2F14CFC44492C2F5' },
  'rogue-ca': { ca: true, ku: CA_KU, ski: '84592F4DB776A496AA9581C9324BD14F0C589190' },
  'rogue-idp': { ca: false, ku: ['digitalSignature'], ski: '9D0A17FDA36DB36CBE55BAD51150AEB66A7D2862' },
  'sub-ca': { ca: true, ku: CA_KU, ski: 'B83CE92D72BE770F1B1AD44FB342E2F4606CFEB7', local: true },
  'key-encipherment-only': { ca: false, ku: ['keyEncipherment'], ski: 'EA0BECFEE94DA94D28113844C79C72EF6B0AD85C', local: true },
  'no-ski': { ca: false, ku: ['digitalSignature'], ski: undefined, local: true },
  'weak-rsa1024': { ca: false, ku: LEAF_KU, ski: 'DB38475AB189BBCCD4387091218B1E3AE700C909', local: true },
};

const hex = (b: Uint8Array | undefined): string | undefined => (b === undefined ? undefined : Buffer.from(b).toString('hex').toUpperCase());

describe('DER reader: extensions of the interop certificates match openssl', () => {
  for (const [name, want] of Object.entries(EXPECTED)) {
    it(`${name}: basicConstraints, keyUsage, subjectKeyIdentifier`, () => {
      const pem = want.local ? localPem(name) : interopPem(name);
      const cert = new X509Certificate(pem);
      const f = parseCertificateDer(cert.raw);
      expect(f.basicConstraints).toEqual({ ca: want.ca, pathLen: want.pathLen });
      expect(f.basicConstraints?.ca).toBe(cert.ca);
      expect([...(f.keyUsage ?? [])].sort()).toEqual([...want.ku].sort());
      expect(hex(f.subjectKeyIdentifier)).toBe(want.ski?.replace(/ /g, ''));
      expect(f.extensions.get('2.5.29.19')?.critical).toBe(true);
      expect(f.extensions.get('2.5.29.15')?.critical).toBe(true);
      expect(f.serial).toBe(BigInt(`0x${cert.serialNumber}`));
      expect(f.notAfter.getTime()).toBe(Date.parse(cert.validTo));
      expect(f.notBefore.getTime()).toBe(Date.parse(cert.validFrom));
    });
  }

  it('without the extension, the effective SKI is RFC 5280 method 1 (what openssl "hash" computes for the same key)', () => {
    const f = parseCertificateDer(new X509Certificate(localPem('no-ski')).raw);
    expect(hex(f.effectiveSki)).toBe(EXPECTED['key-encipherment-only']?.ski);
  });

  it('reads issuer and subject names from DER', () => {
    const f = parseCertificateDer(new X509Certificate(interopPem('client-rsa')).raw);
    expect(f.issuer).toEqual([
      { oid: '2.5.4.6', value: 'nl' },
      { oid: '2.5.4.10', value: 'example mutual insurance (test only)' },
      { oid: '2.5.4.3', value: 'interop test issuing ca 1' },
    ]);
    expect(f.issuerKey).toBe(nameKey(parseDnString('CN=Interop Test Issuing CA 1,O=Example Mutual Insurance (TEST ONLY),C=NL')));
  });
});

describe('DER reader: malformed input', () => {
  const cert = new X509Certificate(interopPem('client-ec')).raw;

  it.each([
    ['truncated', cert.subarray(0, cert.length - 1)],
    ['trailing byte', Buffer.concat([cert, Buffer.from([0])])],
    ['indefinite length', Buffer.from([0x30, 0x80, 0x00, 0x00])],
    ['length beyond the buffer', Buffer.from([0x30, 0x84, 0x7f, 0xff, 0xff, 0xff, 0x00])],
    ['length field of 5 bytes', Buffer.from([0x30, 0x85, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00])],
    ['non-minimal length', Buffer.from([0x30, 0x81, 0x01, 0x05, 0x00])],
    ['high tag number', Buffer.from([0x1f, 0x81, 0x01, 0x00])],
    ['empty', Buffer.alloc(0)],
    ['a PEM text', Buffer.from(interopPem('client-ec'))],
  ])('refuses %s', (_name, bytes) => {
    expect(() => parseCertificateDer(bytes)).toThrow(DerError);
  });

  it('bounds a child length by its parent, not by the buffer', () => {
    // SEQUENCE(3) { OCTET STRING claiming 5 bytes } followed by more bytes in the buffer.
    const buf = Buffer.from([0x30, 0x03, 0x04, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00]);
    const root = readTlv(buf, 0, buf.length);
    expect(() => readTlv(buf, root.body, root.end)).toThrow(/enclosing/);
  });

  it('decodes OIDs', () => {
    const bc = Buffer.from('0603551d13', 'hex');
    expect(readOid(bc, readRoot(bc, 0x06))).toBe('2.5.29.19');
    const truncatedArc = Buffer.from('06022a86', 'hex');
    expect(() => readOid(truncatedArc, readRoot(truncatedArc, 0x06))).toThrow(DerError);
    const rsa = Buffer.from('06092a864886f70d010101', 'hex');
    expect(readOid(rsa, readRoot(rsa, 0x06))).toBe('1.2.840.113549.1.1.1');
  });
});

describe('RFC 4514 names', () => {
  const key = (s: string): string => nameKey(parseDnString(s));
  const issuer = 'CN=Interop Test Issuing CA 1,O=Example Mutual Insurance (TEST ONLY),C=NL';

  it('compares as a multiset of type=value pairs: order, case, spacing and type aliases do not matter', () => {
    expect(key('C=NL, O=Example  Mutual Insurance (TEST ONLY), cn=interop test issuing ca 1')).toBe(key(issuer));
    expect(key('2.5.4.3=Interop Test Issuing CA 1;OID.2.5.4.10=Example Mutual Insurance (TEST ONLY);C=NL')).toBe(key(issuer));
    expect(key('CN=Interop Test Issuing CA 1,O=Example Mutual Insurance (TEST ONLY),C=DE')).not.toBe(key(issuer));
    expect(key('CN=Interop Test Issuing CA 1,O=Example Mutual Insurance (TEST ONLY)')).not.toBe(key(issuer));
  });

  it('handles escapes, quotes, hex values and multi-valued RDNs', () => {
    expect(parseDnString('CN=a\\,b\\+c\\"d\\\\e,O=x')[0]?.value).toBe('a,b+c"d\\e');
    expect(parseDnString('CN=caf\\C3\\A9')[0]?.value).toBe('café');
    expect(parseDnString('CN="Smith, J",O=x')[0]?.value).toBe('smith, j');
    expect(parseDnString('CN=#0c03616263')[0]?.value).toBe('abc');
    expect(parseDnString('CN=a+OU=b,C=NL')).toHaveLength(3);
  });

  it.each(['', 'CN', 'XYZ=1', 'CN=a\\q', 'CN="open', 'CN=#0c0361', 'CN=a b"c'.replace('"', '\\'), 'x'.repeat(5000)])('refuses %j', (s) => {
    expect(() => parseDnString(s)).toThrow(DnSyntaxError);
  });

  it('reads names whatever their string type', () => {
    // Name with a PrintableString C and a BMPString CN.
    const der = Buffer.from('301c310b3009060355040613024e4c310d300b06035504031e0400610062', 'hex');
    expect(nameKey(readName(der, readRoot(der, 0x30)))).toBe(nameKey(parseDnString('CN=AB,C=nl')));
  });
});
