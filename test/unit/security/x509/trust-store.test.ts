import { createHash } from 'node:crypto';
import type { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TrustStore, TrustStoreError } from '../../../../src/security/x509/trust-store.ts';
import { interopCert, interopPem, interopStore, localPem } from './x509-test-helpers.ts';

const b64 = (s: string): Buffer => Buffer.from(s, 'base64');
const fps = (certs: readonly X509Certificate[]): string[] => certs.map((c) => c.fingerprint256);

describe('TrustStore', () => {
  const store = interopStore();

  it('finds known certificates by the SKI, thumbprint and IssuerSerial values of certs/README.md', () => {
    const rsa = interopCert('client-rsa');
    const ec = interopCert('client-ec');
    expect(fps(store.findBySki(b64('bNqNLgDEIRp2kl5GqA0AO/KipKc=')))).toEqual(fps([rsa]));
    expect(fps(store.findBySki(b64('MI89B0lxFDdg3DQDrqSGFjUPVtA=')))).toEqual(fps([ec]));
    expect(fps(store.findByThumbprintSha1(b64('ljpmcsshvChvD5WcS/ClxsjuLOA=')))).toEqual(fps([rsa]));
    expect(fps(store.findByThumbprintSha1(b64('7Gm1TrRl63YTBAv12Ycpd+yiBUA=')))).toEqual(fps([ec]));
    const issuer = 'CN=Interop Test Issuing CA 1,O=Example Mutual Insurance (TEST ONLY),C=NL';
    expect(fps(store.findByIssuerSerial(issuer, 24948604563960631531029432420n))).toEqual(fps([rsa]));
    expect(fps(store.findByIssuerSerial(issuer, 78416435248402741608049372315n))).toEqual(fps([ec]));
    expect(store.findByIssuerSerial(issuer, 1n)).toEqual([]);
    expect(store.findByIssuerSerial('CN=Interop Test Root CA,O=Example Mutual Insurance (TEST ONLY),C=NL', 24948604563960631531029432420n)).toEqual([]);
  });

  it('indexes intermediates too, but not anchors, for references', () => {
    expect(store.findBySki(b64('Vw197nGKVEmnC8Hn/3t+O0XEzB8='))).toHaveLength(1);
    expect(store.findBySki(b64('R3Ncdt8xaab2qrctcbteIlZDWZw='))).toHaveLength(0);
  });

  it('indexes a certificate without the SKI extension by RFC 5280 method 1', () => {
    const s = interopStore({ known: [localPem('no-ski')] });
    expect(s.findBySki(Buffer.from('EA0BECFEE94DA94D28113844C79C72EF6B0AD85C', 'hex'))).toHaveLength(1);
  });

  it('reads several certificates per PEM text (chain.pem) and de-duplicates', () => {
    const s = TrustStore.fromPem({ anchors: [interopPem('root-ca')], intermediates: [interopPem('chain'), interopPem('issuing-ca')], known: [] });
    expect(s.issuerCandidates(interopCert('client-rsa'))).toHaveLength(1);
    const raw = interopCert('issuing-ca').raw;
    expect(s.findByThumbprintSha1(createHash('sha1').update(raw).digest())).toHaveLength(1);
  });

  it('matches anchors by exact DER', () => {
    expect(store.anchorFor(interopCert('root-ca'))).toBeDefined();
    expect(store.anchorFor(interopCert('rogue-ca'))).toBeUndefined();
  });

  it.each([
    ['no anchor', { anchors: [], intermediates: [], known: [] }],
    ['a text without certificate', { anchors: ['hello'], intermediates: [], known: [] }],
    ['a private key among anchors', { anchors: [`${interopPem('root-ca')}-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n`], intermediates: [], known: [] }],
    ['a corrupt certificate', { anchors: ['-----BEGIN CERTIFICATE-----\nMAMCAQE=\n-----END CERTIFICATE-----'], intermediates: [], known: [] }],
    ['a CRL text that holds no CRL', { anchors: [interopPem('root-ca')], intermediates: [], known: [], crls: ['nothing'] }],
  ])('refuses %s at start-up', (_name, src) => {
    expect(() => TrustStore.fromPem(src)).toThrow(TrustStoreError);
  });
});
