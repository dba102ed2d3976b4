import { readFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../../src/errors.ts';
import { TrustStore } from '../../../../src/security/x509/trust-store.ts';
import { checkKeyStrength, defaultPathValidationOptions, validateCertificate } from '../../../../src/security/x509/validate-path.ts';
import { AT, LOCAL_FIXTURES, interopCert, interopPem, interopStore, localCert, localPem } from './x509-test-helpers.ts';
import { codeOf } from '../../../support/errors.ts';

const opts = defaultPathValidationOptions;

function reasonOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof GatewayError) return `${err.code}: ${err.reason}`;
    throw err;
  }
  return 'accepted';
}


describe('validateCertificate (interop PKI, POLICY.md §3)', () => {
  const store = interopStore();

  it.each(['client-rsa', 'client-ec', 'gateway'])('%s chains leaf → issuing CA → root at the corpus clock', (name) => {
    const leaf = interopCert(name);
    const trusted = validateCertificate(leaf, store, AT, opts);
    expect(trusted.path.map((c) => c.subject.split('\n').pop())).toEqual([
      expect.stringMatching(/^CN=/),
      'CN=Interop Test Issuing CA 1',
      'CN=Interop Test Root CA',
    ]);
    expect(trusted.cert).toBe(leaf);
    expect(trusted.fingerprint256).toBe(leaf.fingerprint256);
    expect(trusted.subject).toBe(leaf.subject);
    expect(trusted.issuer).toBe(leaf.issuer);
  });

  it.each([
    ['expired', 'GW_ERR_SEC_CERT_EXPIRED'],
    ['not-yet-valid', 'GW_ERR_SEC_CERT_EXPIRED'],
    ['untrusted', 'GW_ERR_SEC_CERT_UNTRUSTED'],
    ['leaf-issued', 'GW_ERR_SEC_CERT_UNTRUSTED'],
    ['rogue-ca', 'GW_ERR_SEC_CERT_UNTRUSTED'],
    ['idp', 'GW_ERR_SEC_CERT_UNTRUSTED'],
    ['issuing-ca', 'GW_ERR_SEC_CERT_UNTRUSTED'],
  ])('%s → %s', (name, code) => {
    expect(codeOf(() => validateCertificate(interopCert(name), store, AT, opts))).toBe(code);
  });

  it('leaf-issued stays untrusted even when its CA:FALSE issuer is handed to the path builder', () => {
    const s = interopStore({ intermediates: [interopPem('issuing-ca'), interopPem('client-rsa')] });
    let err: GatewayError | undefined;
    try {
      validateCertificate(interopCert('leaf-issued'), s, AT, opts);
    } catch (e) {
      err = e as GatewayError;
    }
    expect(err?.code).toBe('GW_ERR_SEC_CERT_UNTRUSTED');
    expect(err?.reason).toMatch(/not a CA/);
  });

  it('uses the clock it is given: client-rsa is expired after 2045 and not yet valid in 2024', () => {
    const leaf = interopCert('client-rsa');
    expect(codeOf(() => validateCertificate(leaf, store, new Date('2046-01-01T00:00:00Z'), opts))).toBe('GW_ERR_SEC_CERT_EXPIRED');
    expect(codeOf(() => validateCertificate(leaf, store, new Date('2024-12-31T23:59:59Z'), opts))).toBe('GW_ERR_SEC_CERT_EXPIRED');
    expect(codeOf(() => validateCertificate(leaf, store, new Date('2045-12-31T23:59:59Z'), opts))).toBeUndefined();
  });

  it('an intermediate outside its validity breaks the path (issuing CA from 2020-06-01)', () => {
    // client certificates start 2025, so pick a store where only the CA check can fail: an anchor-only store.
    expect(codeOf(() => validateCertificate(interopCert('issuing-ca'), TrustStore.fromPem({ anchors: [interopPem('root-ca')], intermediates: [], known: [] }), new Date('2020-05-31T00:00:00Z'), opts)))
      .toBe('GW_ERR_SEC_CERT_EXPIRED');
  });

  it('a leaf is trusted on its own only when it is itself an anchor', () => {
    const pinned = TrustStore.fromPem({ anchors: [interopPem('idp')], intermediates: [], known: [] });
    expect(validateCertificate(interopCert('idp'), pinned, AT, opts).path).toHaveLength(1);
    const known = TrustStore.fromPem({ anchors: [interopPem('root-ca')], intermediates: [], known: [interopPem('idp')] });
    expect(codeOf(() => validateCertificate(interopCert('idp'), known, AT, opts))).toBe('GW_ERR_SEC_CERT_UNTRUSTED');
  });

  it('without the intermediate configured there is no path (messages carry only the leaf)', () => {
    const s = TrustStore.fromPem({ anchors: [interopPem('root-ca')], intermediates: [], known: [] });
    expect(codeOf(() => validateCertificate(interopCert('client-rsa'), s, AT, opts))).toBe('GW_ERR_SEC_CERT_UNTRUSTED');
  });
});

describe('validateCertificate (generated fixtures)', () => {
  const store = interopStore({ intermediates: [interopPem('issuing-ca'), localPem('sub-ca')] });

  it('1024-bit RSA leaf → GW_ERR_SEC_KEY_TOO_WEAK', () => {
    expect(reasonOf(() => validateCertificate(localCert('weak-rsa1024'), store, AT, opts))).toBe('GW_ERR_SEC_KEY_TOO_WEAK: RSA key of 1024 bits, at least 2048 required');
  });

  it('secp256k1 leaf (not an allowed curve) → GW_ERR_SEC_KEY_TOO_WEAK; allowed when configured', () => {
    expect(codeOf(() => validateCertificate(localCert('ec-secp256k1'), store, AT, opts))).toBe('GW_ERR_SEC_KEY_TOO_WEAK');
    expect(validateCertificate(localCert('ec-secp256k1'), store, AT, { ...opts, allowedCurves: ['secp256k1'] }).path).toHaveLength(3);
  });

  it('pathLenConstraint 0 on the issuing CA: a sub-CA below it breaks the path', () => {
    expect(reasonOf(() => validateCertificate(localCert('under-sub-ca'), store, AT, opts))).toMatch(/^GW_ERR_SEC_CERT_UNTRUSTED: .*allows 0 CA certificate\(s\) below it, the path has 1/);
  });

  it('leaf keyUsage without digitalSignature/nonRepudiation → untrusted', () => {
    expect(reasonOf(() => validateCertificate(localCert('key-encipherment-only'), store, AT, opts))).toMatch(/^GW_ERR_SEC_CERT_UNTRUSTED: .*keyUsage allows neither/);
  });

  it('an unsupported critical extension (nameConstraints) → untrusted', () => {
    expect(reasonOf(() => validateCertificate(localCert('unknown-critical-ext'), store, AT, opts))).toMatch(/^GW_ERR_SEC_CERT_UNTRUSTED: .*unsupported critical extension 2\.5\.29\.30/);
  });

  it('a leaf without SubjectKeyIdentifier still validates', () => {
    expect(validateCertificate(localCert('no-ski'), store, AT, opts).path).toHaveLength(3);
  });
});

describe('CRLs', () => {
  const crlPem = localPem('issuing-ca.crl.pem');

  it.each([['PEM', crlPem], ['DER', new Uint8Array(readFileSync(new URL('issuing-ca.crl.der', LOCAL_FIXTURES)))]])('a serial on a %s CRL of the issuing CA → GW_ERR_SEC_CERT_REVOKED', (_f, crl) => {
    const store = interopStore({ crls: [crl] });
    expect(codeOf(() => validateCertificate(interopCert('client-ec'), store, AT, opts))).toBe('GW_ERR_SEC_CERT_REVOKED');
    expect(validateCertificate(interopCert('client-rsa'), store, AT, opts).path).toHaveLength(3);
  });

  it('a CRL past its nextUpdate leaves revocation status unknown → untrusted', () => {
    const store = interopStore({ crls: [crlPem] });
    expect(codeOf(() => validateCertificate(interopCert('client-rsa'), store, new Date('2027-06-01T00:00:00Z'), opts))).toBe('GW_ERR_SEC_CERT_UNTRUSTED');
  });

  it('a CRL not signed by a CA of the store is refused at start-up', () => {
    expect(() => TrustStore.fromPem({ anchors: [interopPem('rogue-ca')], intermediates: [], known: [], crls: [crlPem] })).toThrow(/not signed by a CA/);
  });
});

describe('checkKeyStrength', () => {
  it('applies the RSA floor and the curve allowlist; other key types are refused', () => {
    const rsa2048 = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    const rsa1536 = generateKeyPairSync('rsa', { modulusLength: 1536 }).publicKey;
    const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).publicKey;
    const ed = generateKeyPairSync('ed25519').publicKey;
    expect(() => checkKeyStrength(rsa2048, opts)).not.toThrow();
    expect(() => checkKeyStrength(p384, opts)).not.toThrow();
    expect(codeOf(() => checkKeyStrength(rsa1536, opts))).toBe('GW_ERR_SEC_KEY_TOO_WEAK');
    expect(codeOf(() => checkKeyStrength(rsa2048, { ...opts, minRsaBits: 3072 }))).toBe('GW_ERR_SEC_KEY_TOO_WEAK');
    expect(codeOf(() => checkKeyStrength(ed, opts))).toBe('GW_ERR_SEC_KEY_TOO_WEAK');
  });
});
