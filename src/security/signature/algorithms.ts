import type { SignatureAlgorithmPolicy } from './types.ts';

export const ALG_EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
export const NS_EXC_C14N = ALG_EXC_C14N;
export const ALG_ENVELOPED_SIGNATURE = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';
export const ALG_STR_TRANSFORM = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#STR-Transform';
export const TYPE_MANIFEST = 'http://www.w3.org/2000/09/xmldsig#Manifest';

export const SIG_RSA_SHA1 = 'http://www.w3.org/2000/09/xmldsig#rsa-sha1';
export const SIG_RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
export const SIG_RSA_SHA384 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha384';
export const SIG_RSA_SHA512 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512';
export const SIG_RSA_PSS_SHA256 = 'http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1';
export const SIG_RSA_PSS_SHA384 = 'http://www.w3.org/2007/05/xmldsig-more#sha384-rsa-MGF1';
export const SIG_RSA_PSS_SHA512 = 'http://www.w3.org/2007/05/xmldsig-more#sha512-rsa-MGF1';
export const SIG_ECDSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256';
export const SIG_ECDSA_SHA384 = 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384';
export const SIG_ECDSA_SHA512 = 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512';

export const DIGEST_SHA1 = 'http://www.w3.org/2000/09/xmldsig#sha1';
export const DIGEST_SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';
export const DIGEST_SHA384 = 'http://www.w3.org/2001/04/xmldsig-more#sha384';
export const DIGEST_SHA512 = 'http://www.w3.org/2001/04/xmlenc#sha512';

export type HashName = 'sha1' | 'sha256' | 'sha384' | 'sha512';

/** How node:crypto verifies one SignatureMethod (RFC 6931 / XML-DSig 1.1 URIs). */
export interface SignatureScheme {
  readonly hash: HashName;
  readonly family: 'rsa' | 'rsa-pss' | 'ecdsa';
}

const HASH_BYTES: Readonly<Record<HashName, number>> = { sha1: 20, sha256: 32, sha384: 48, sha512: 64 };

export function hashLength(hash: HashName): number {
  return HASH_BYTES[hash];
}

/** Everything this module can verify; HMAC and DSA are deliberately absent (refused as unsupported). */
export const SUPPORTED_SIGNATURE_METHODS: ReadonlyMap<string, SignatureScheme> = new Map<string, SignatureScheme>([
  [SIG_RSA_SHA1, { hash: 'sha1', family: 'rsa' }],
  [SIG_RSA_SHA256, { hash: 'sha256', family: 'rsa' }],
  [SIG_RSA_SHA384, { hash: 'sha384', family: 'rsa' }],
  [SIG_RSA_SHA512, { hash: 'sha512', family: 'rsa' }],
  [SIG_RSA_PSS_SHA256, { hash: 'sha256', family: 'rsa-pss' }],
  [SIG_RSA_PSS_SHA384, { hash: 'sha384', family: 'rsa-pss' }],
  [SIG_RSA_PSS_SHA512, { hash: 'sha512', family: 'rsa-pss' }],
  [SIG_ECDSA_SHA256, { hash: 'sha256', family: 'ecdsa' }],
  [SIG_ECDSA_SHA384, { hash: 'sha384', family: 'ecdsa' }],
  [SIG_ECDSA_SHA512, { hash: 'sha512', family: 'ecdsa' }],
]);

export const SUPPORTED_DIGEST_METHODS: ReadonlyMap<string, HashName> = new Map<string, HashName>([
  [DIGEST_SHA1, 'sha1'],
  [DIGEST_SHA256, 'sha256'],
  [DIGEST_SHA384, 'sha384'],
  [DIGEST_SHA512, 'sha512'],
]);

const MODERN_SIGNATURES = [SIG_RSA_SHA256, SIG_RSA_SHA384, SIG_RSA_SHA512, SIG_RSA_PSS_SHA256, SIG_RSA_PSS_SHA384, SIG_RSA_PSS_SHA512, SIG_ECDSA_SHA256, SIG_ECDSA_SHA384, SIG_ECDSA_SHA512];
const MODERN_DIGESTS = [DIGEST_SHA256, DIGEST_SHA384, DIGEST_SHA512];

/**
 * The default policy. Legacy opt-ins of the service: `legacySha1` adds both rsa-sha1 and the sha1
 * digest; `sha1Digest` / `rsaSha1` add one each.
 */
export function signaturePolicy(options: { readonly legacySha1?: boolean; readonly sha1Digest?: boolean; readonly rsaSha1?: boolean } = {}): SignatureAlgorithmPolicy {
  const rsaSha1 = options.legacySha1 === true || options.rsaSha1 === true;
  const sha1Digest = options.legacySha1 === true || options.sha1Digest === true;
  return Object.freeze({
    signatureMethods: new Set(rsaSha1 ? [...MODERN_SIGNATURES, SIG_RSA_SHA1] : MODERN_SIGNATURES),
    digestMethods: new Set(sha1Digest ? [...MODERN_DIGESTS, DIGEST_SHA1] : MODERN_DIGESTS),
    maxReferences: 8,
    maxTransforms: 2,
  });
}

export const defaultSignaturePolicy: SignatureAlgorithmPolicy = signaturePolicy();
