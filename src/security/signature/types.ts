import type { KeyObject } from 'node:crypto';
import type { Element } from '@xmldom/xmldom';
import type { SignedReference } from '../types.ts';

/** The algorithms and bounds one service accepts for message signatures (compiled once, frozen). */
export interface SignatureAlgorithmPolicy {
  /** SignatureMethod URIs (a subset of {@link SUPPORTED_SIGNATURE_METHODS}). */
  readonly signatureMethods: ReadonlySet<string>;
  /** DigestMethod URIs (a subset of {@link SUPPORTED_DIGEST_METHODS}). */
  readonly digestMethods: ReadonlySet<string>;
  readonly maxReferences: number;
  readonly maxTransforms: number;
}

export interface ResolvedSigningKey {
  readonly key: KeyObject;
  readonly signer: unknown;
}

export interface VerifyContext {
  readonly idIndex: { get(id: string): Element | undefined };
  readonly policy: SignatureAlgorithmPolicy;
  /** Resolves and trust-validates the signing key named by ds:KeyInfo; throws a GatewayError. */
  resolveKey(keyInfo: Element | undefined): ResolvedSigningKey;
}

export interface VerifiedSignature {
  readonly signatureMethod: string;
  readonly canonicalization: string;
  readonly references: readonly SignedReference[];
  /** SHA-256 (hex) of the canonical SignedInfo the SignatureValue verified over. */
  readonly signedInfoDigest: string;
  /** SHA-256 (hex) of the decoded SignatureValue bytes. */
  readonly signatureValueDigest: string;
  readonly keyInfo: Element | undefined;
  readonly signer: unknown;
}
