import type { KeyObject, X509Certificate } from 'node:crypto';
import { GatewayError } from '../../errors.ts';
import type { ErrorCode } from '../../errors.ts';
import type { TrustedCert } from '../types.ts';
import { pathCacheFor } from './cert-cache.ts';
import type { CertFacts } from './cert-facts.ts';
import type { TrustStore } from './trust-store.ts';

export interface KeyStrengthOptions {
  /** Smallest RSA modulus accepted (bits); 2048 by default. */
  readonly minRsaBits: number;
  /** OpenSSL curve names accepted for EC keys. */
  readonly allowedCurves: readonly string[];
}

export type PathValidationOptions = KeyStrengthOptions;

export const defaultPathValidationOptions: PathValidationOptions = Object.freeze({
  minRsaBits: 2048,
  allowedCurves: Object.freeze(['prime256v1', 'secp384r1', 'secp521r1']),
});

/** Most certificates in a path, leaf and anchor included. */
export const MAX_PATH_LENGTH = 8;
/** Most issuer signatures tried while building one path (bounds the work a crafted store could cause). */
const MAX_SIGNATURE_CHECKS = 32;

/**
 * Extensions whose semantics the validator applies or which carry no constraint on the path.
 * Any other extension marked critical rejects the certificate (RFC 5280 §4.2): we do not enforce
 * name constraints, policy constraints or certificate policies, so we must not accept them.
 */
const UNDERSTOOD_EXTENSIONS: ReadonlySet<string> = new Set([
  '2.5.29.19', // basicConstraints
  '2.5.29.15', // keyUsage
  '2.5.29.37', // extKeyUsage (not restricted for message signatures)
  '2.5.29.14', // subjectKeyIdentifier
  '2.5.29.35', // authorityKeyIdentifier
  '2.5.29.17', // subjectAltName
]);

function dn(cert: X509Certificate): string {
  return cert.subject.replace(/\n/g, ', ');
}

function fail(code: ErrorCode, reason: string, cert: X509Certificate): GatewayError {
  return new GatewayError(code, reason, { subject: dn(cert).slice(0, 200), serial: cert.serialNumber });
}

/** Security floors for a public key: RSA modulus size, EC named curve; other key types are refused. */
export function checkKeyStrength(key: KeyObject, opts: KeyStrengthOptions): void {
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails ?? {};
  if (type === 'rsa' || type === 'rsa-pss') {
    const bits = details.modulusLength ?? 0;
    if (bits < opts.minRsaBits) {
      throw new GatewayError('GW_ERR_SEC_KEY_TOO_WEAK', `RSA key of ${bits} bits, at least ${opts.minRsaBits} required`, { keyType: type, bits });
    }
    return;
  }
  if (type === 'ec') {
    const curve = details.namedCurve ?? 'unknown';
    if (!opts.allowedCurves.includes(curve)) {
      throw new GatewayError('GW_ERR_SEC_KEY_TOO_WEAK', `EC curve ${curve} is not allowed (allowed: ${opts.allowedCurves.join(', ')})`, { keyType: type, curve });
    }
    return;
  }
  throw new GatewayError('GW_ERR_SEC_KEY_TOO_WEAK', `key type ${type ?? 'unknown'} is not accepted for X.509 signatures`, { keyType: type ?? 'unknown' });
}

function factsOf(store: TrustStore, cert: X509Certificate): CertFacts {
  try {
    return store.facts(cert);
  } catch (err) {
    throw new GatewayError('GW_ERR_SEC_CERT_UNTRUSTED', `certificate ${dn(cert)} is not a well-formed X.509 certificate: ${(err as Error).message}`, undefined, { cause: err });
  }
}

function checkCommon(cert: X509Certificate, facts: CertFacts, at: Date, opts: PathValidationOptions, role: string): void {
  if (at.getTime() < facts.notBefore.getTime()) {
    throw fail('GW_ERR_SEC_CERT_EXPIRED', `${role} ${dn(cert)} is not valid before ${facts.notBefore.toISOString()}`, cert);
  }
  if (at.getTime() > facts.notAfter.getTime()) {
    throw fail('GW_ERR_SEC_CERT_EXPIRED', `${role} ${dn(cert)} expired at ${facts.notAfter.toISOString()}`, cert);
  }
  for (const [oid, ext] of facts.extensions) {
    if (ext.critical && !UNDERSTOOD_EXTENSIONS.has(oid)) {
      throw fail('GW_ERR_SEC_CERT_UNTRUSTED', `${role} ${dn(cert)} has an unsupported critical extension ${oid}`, cert);
    }
  }
  checkKeyStrength(cert.publicKey, opts);
}

/** The checks on `ca` as the issuer of `child`, which sits `below` CA certificates above the leaf. */
function checkIssuer(child: X509Certificate, ca: X509Certificate, caFacts: CertFacts, below: number, at: Date, opts: PathValidationOptions): void {
  if (caFacts.basicConstraints?.ca !== true || !ca.ca) throw fail('GW_ERR_SEC_CERT_UNTRUSTED', `issuer ${dn(ca)} is not a CA (basicConstraints cA is not TRUE)`, ca);
  if (caFacts.keyUsage !== undefined && !caFacts.keyUsage.has('keyCertSign')) throw fail('GW_ERR_SEC_CERT_UNTRUSTED', `issuer ${dn(ca)} keyUsage lacks keyCertSign`, ca);
  if (!child.checkIssued(ca)) throw fail('GW_ERR_SEC_CERT_UNTRUSTED', `${dn(ca)} is not the issuer named by ${dn(child)} (name or key identifier mismatch)`, child);
  if (!child.verify(ca.publicKey)) throw fail('GW_ERR_SEC_CERT_UNTRUSTED', `signature on ${dn(child)} does not verify with the key of ${dn(ca)}`, child);
  const pathLen = caFacts.basicConstraints.pathLen;
  if (pathLen !== undefined && below > pathLen) throw fail('GW_ERR_SEC_CERT_UNTRUSTED', `issuer ${dn(ca)} allows ${pathLen} CA certificate(s) below it, the path has ${below}`, ca);
  checkCommon(ca, caFacts, at, opts, 'issuer');
}

/** RFC 5280 §6.3.3 reduced: is `child` listed on a CRL that `ca` signed, and is that CRL current? */
function checkRevocation(child: X509Certificate, childFacts: CertFacts, ca: X509Certificate, store: TrustStore, at: Date): void {
  for (const crl of store.crlsIssuedBy(ca)) {
    if (crl.revoked.has(childFacts.serial)) throw fail('GW_ERR_SEC_CERT_REVOKED', `${dn(child)} (serial ${childFacts.serial}) is revoked by a CRL of ${dn(ca)}`, child);
    if (crl.nextUpdate !== undefined && crl.nextUpdate.getTime() < at.getTime()) {
      throw fail('GW_ERR_SEC_CERT_UNTRUSTED', `revocation status of ${dn(child)} unknown: the CRL of ${dn(ca)} expired at ${crl.nextUpdate.toISOString()}`, child);
    }
  }
}

interface Search {
  checks: number;
  failure: GatewayError | undefined;
}

function extend(path: X509Certificate[], store: TrustStore, at: Date, opts: PathValidationOptions, search: Search): X509Certificate[] | undefined {
  const child = path[path.length - 1] as X509Certificate;
  for (const ca of store.issuerCandidates(child)) {
    if (path.some((p) => p.raw.equals(ca.raw))) continue;
    if (path.length >= MAX_PATH_LENGTH) {
      search.failure ??= fail('GW_ERR_SEC_CERT_UNTRUSTED', `no path within ${MAX_PATH_LENGTH} certificates`, path[0] as X509Certificate);
      return undefined;
    }
    if (++search.checks > MAX_SIGNATURE_CHECKS) throw fail('GW_ERR_SEC_CERT_UNTRUSTED', 'path building gave up: too many issuer candidates', path[0] as X509Certificate);
    try {
      const caFacts = factsOf(store, ca);
      checkIssuer(child, ca, caFacts, path.length - 1, at, opts);
      checkRevocation(child, factsOf(store, child), ca, store, at);
      if (store.anchorFor(ca) !== undefined) return [...path, ca];
      const found = extend([...path, ca], store, at, opts, search);
      if (found !== undefined) return found;
    } catch (err) {
      if (!(err instanceof GatewayError) || err.code === 'GW_ERR_SEC_CERT_REVOKED') throw err;
      search.failure = err;
    }
  }
  return undefined;
}

/**
 * Validates `leaf` at time `at`: a path leaf → intermediates → anchor built from the store only
 * (the message supplies nothing but the leaf), with validity, signatures, basicConstraints,
 * pathLenConstraint, keyUsage, key strength and CRLs checked for every certificate.
 * A leaf is trusted on its own only when it is itself one of the configured anchors.
 * Successful paths are cached (cert-cache.ts): a repeat leaf costs only the validity checks.
 */
export function validateCertificate(leaf: X509Certificate, store: TrustStore, at: Date, opts: PathValidationOptions = defaultPathValidationOptions): TrustedCert {
  const cache = pathCacheFor(store);
  const key = `${leaf.fingerprint256}|${opts.minRsaBits}|${opts.allowedCurves.join(',')}`;
  const cached = cache.get(key);
  // A cached path was fully validated before; only the clock can have changed since. Anything
  // outside its validity now goes through full validation again, which reports it.
  if (cached !== undefined && cached[0]?.raw.equals(leaf.raw) === true && cached.every((c) => withinValidity(store, c, at))) return trusted(leaf, cached);
  const path = buildPath(leaf, store, at, opts);
  // CRLs have their own clock (nextUpdate) and may be replaced: paths they apply to are not cached.
  if (path.slice(1).every((ca) => store.crlsIssuedBy(ca).length === 0)) cache.set(key, path);
  return trusted(leaf, path);
}

function withinValidity(store: TrustStore, cert: X509Certificate, at: Date): boolean {
  const f = store.facts(cert);
  return at.getTime() >= f.notBefore.getTime() && at.getTime() <= f.notAfter.getTime();
}

function trusted(leaf: X509Certificate, path: readonly X509Certificate[]): TrustedCert {
  return Object.freeze({ cert: leaf, path: Object.freeze([leaf, ...path.slice(1)]), fingerprint256: leaf.fingerprint256, subject: leaf.subject, issuer: leaf.issuer });
}

function buildPath(leaf: X509Certificate, store: TrustStore, at: Date, opts: PathValidationOptions): readonly X509Certificate[] {
  const facts = factsOf(store, leaf);
  checkCommon(leaf, facts, at, opts, 'certificate');
  if (facts.keyUsage !== undefined && !facts.keyUsage.has('digitalSignature') && !facts.keyUsage.has('nonRepudiation')) {
    throw fail('GW_ERR_SEC_CERT_UNTRUSTED', `${dn(leaf)} keyUsage allows neither digitalSignature nor nonRepudiation`, leaf);
  }
  if (store.anchorFor(leaf) !== undefined) return [leaf];
  const search: Search = { checks: 0, failure: undefined };
  const path = extend([leaf], store, at, opts, search);
  if (path === undefined) {
    throw search.failure ?? fail('GW_ERR_SEC_CERT_UNTRUSTED', `no trusted issuer ${leaf.issuer.replace(/\n/g, ', ')} for ${dn(leaf)}`, leaf);
  }
  return path;
}
