import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { TrustStore } from '../../../../src/security/x509/trust-store.ts';
import type { TrustStoreSources } from '../../../../src/security/x509/trust-store.ts';

export const INTEROP_CERTS = new URL('../../../fixtures/interop/certs/', import.meta.url);
export const LOCAL_FIXTURES = new URL('./fixtures/', import.meta.url);
export const INTEROP_CASES = new URL('../../../fixtures/interop/cases/', import.meta.url);

/** The interop corpus clock (the messages were made at 2026-11-28T23:59:10Z). */
export const AT = new Date('2026-11-28T23:59:10Z');

export function interopPem(name: string): string {
  return readFileSync(new URL(`${name}.pem`, INTEROP_CERTS), 'utf8');
}

export function localPem(name: string): string {
  return readFileSync(new URL(name.includes('.') ? name : `${name}.pem`, LOCAL_FIXTURES), 'utf8');
}

export function interopCert(name: string): X509Certificate {
  return new X509Certificate(interopPem(name));
}

export function localCert(name: string): X509Certificate {
  return new X509Certificate(localPem(name));
}

/** The store the interop POLICY describes: root anchor, issuing CA intermediate, the two client certs known. */
export function interopStore(extra: Partial<TrustStoreSources> = {}): TrustStore {
  return TrustStore.fromPem({
    anchors: [interopPem('root-ca')],
    intermediates: [interopPem('issuing-ca')],
    known: [interopPem('client-rsa'), interopPem('client-ec')],
    ...extra,
  });
}
