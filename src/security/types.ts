import type { X509Certificate } from 'node:crypto';
import type { Element } from '@xmldom/xmldom';

/** How a certificate was named in the message (WSS X.509 Token Profile 1.1 §3.2, XML-DSig §4.4.4). */
export type CertReferenceKind = 'bst-direct' | 'keyid-x509v3' | 'keyid-ski' | 'keyid-thumbprint' | 'issuer-serial' | 'embedded-x509' | 'saml-keyid';

/** A certificate resolved from the message or the known-certificate store — not yet trusted. */
export interface ResolvedCert {
  readonly cert: X509Certificate;
  readonly reference: CertReferenceKind;
  /** The BinarySecurityToken element when the certificate travelled in one. */
  readonly token: Element | undefined;
}

/** A certificate whose path to a trust anchor was validated at the gateway clock. */
export interface TrustedCert {
  readonly cert: X509Certificate;
  /** Leaf first, anchor last. */
  readonly path: readonly X509Certificate[];
  readonly fingerprint256: string;
  readonly subject: string;
  readonly issuer: string;
}

export interface SignedReference {
  /** The element the Reference digested, bound by node identity (never by Id string alone). */
  readonly node: Element;
  readonly uri: string;
  readonly digestMethod: string;
  readonly transforms: readonly string[];
}

export interface TimestampResult {
  readonly kind: 'timestamp';
  readonly element: Element;
  readonly created: Date;
  readonly expires: Date | undefined;
}

export interface UsernameTokenResult {
  readonly kind: 'usernameToken';
  readonly element: Element;
  readonly username: string;
  readonly passwordType: 'text' | 'digest';
  readonly nonce: string | undefined;
  readonly created: Date | undefined;
}

export interface BinarySecurityTokenResult {
  readonly kind: 'binarySecurityToken';
  readonly element: Element;
  readonly cert: X509Certificate;
}

export interface SignatureResult {
  readonly kind: 'signature';
  readonly element: Element;
  readonly signatureMethod: string;
  readonly canonicalization: string;
  readonly signer: TrustedCert;
  readonly signerReference: CertReferenceKind;
  /**
   * The token the signature's key reference points to: the BinarySecurityToken (`bst-direct`) or
   * the holder-of-key SAML assertion (`saml-keyid`); else undefined.
   */
  readonly signerToken: Element | undefined;
  readonly references: readonly SignedReference[];
  /** SHA-256 (hex) of the SignatureValue bytes. */
  readonly signatureValueDigest: string;
  /**
   * SHA-256 (hex) of the canonical SignedInfo: the replay-cache key. Keyed on what was signed, not
   * on the signature bytes, so a re-encoded signature (ECDSA s → n−s) is still a replay.
   */
  readonly signedInfoDigest: string;
}

export interface DecryptionResult {
  readonly kind: 'decryption';
  /** The EncryptedKey (or EncryptedData) element that was processed. */
  readonly element: Element;
  readonly keyTransport: string | undefined;
  /** How the EncryptedKey's KeyInfo named the gateway certificate. */
  readonly keyReference: CertReferenceKind;
  readonly dataAlgorithm: string;
  /** What was encrypted: the Body content, a whole element, or a header (wsse11:EncryptedHeader). */
  readonly target: 'content' | 'element' | 'header';
  /** The element whose content was replaced (Content), or the elements that replaced EncryptedData (Element). */
  readonly decrypted: readonly Element[];
}

export type SamlConfirmationMethod = 'bearer' | 'holder-of-key' | 'sender-vouches';

export type SamlVersion = '1.1' | '2.0';

/**
 * A SAML assertion (2.0, or 1.1 by opt-in) whose conditions and audience verified, and whose
 * signature by the pinned certificate of its issuer verified unless it is an unsigned
 * sender-vouches assertion (`signed: false`). Holder-of-key and sender-vouches assertions are
 * bound to a message signature once the whole Security header is processed.
 */
export interface SamlAssertionResult {
  readonly kind: 'samlAssertion';
  readonly element: Element;
  readonly version: SamlVersion;
  /** The Issuer value (one of the configured entityIds). */
  readonly issuer: string;
  /** The assertion's `ID` (2.0) or `AssertionID` (1.1). */
  readonly id: string;
  readonly issueInstant: Date;
  /** False only for a sender-vouches assertion without a signature of its own (`saml.senderVouches.requireSignedAssertion: false`). */
  readonly signed: boolean;
  /** NameID (2.0) / NameIdentifier (1.1). */
  readonly nameId: string | undefined;
  readonly nameIdFormat: string | undefined;
  /** Attribute Name (2.0) / AttributeName (1.1) → values, from the verified assertion only. */
  readonly attributes: ReadonlyMap<string, readonly string[]>;
  readonly confirmation: SamlConfirmationMethod;
  /**
   * Holder-of-key: the certificates of the satisfiable holder-of-key confirmations (one must have
   * signed the Body and Timestamp: checked once the whole header is processed). Empty otherwise.
   */
  readonly holderOfKeyCerts: readonly X509Certificate[];
  /** OneTimeUse (2.0) or DoNotCacheCondition (1.1): the ID is remembered whatever the confirmation. */
  readonly oneTimeUse: boolean;
  /** The earliest NotOnOrAfter that bounds the assertion (or IssueInstant + maxAge): the replay horizon, before skew. */
  readonly notOnOrAfter: Date;
}

export type ProcessingResult = TimestampResult | UsernameTokenResult | BinarySecurityTokenResult | SignatureResult | DecryptionResult | SamlAssertionResult;

/** What the WS-Security stage established about a message: consumed by policy, identity and audit. */
export interface SecurityFacts {
  /** The wsse:Security header the gateway processed (undefined when there was none). */
  readonly header: Element | undefined;
  readonly results: readonly ProcessingResult[];
  readonly timestamp: TimestampResult | undefined;
  readonly signatures: readonly SignatureResult[];
  /** Every element covered by a verified signature, by node identity. */
  readonly signedElements: ReadonlySet<Element>;
  readonly decryptions: readonly DecryptionResult[];
  readonly usernameTokens: readonly UsernameTokenResult[];
  /** Verified SAML assertions (at most one; holder-of-key and sender-vouches ones are bound to a message signature). */
  readonly samlAssertions: readonly SamlAssertionResult[];
  /** Weaker-than-default options that this message actually used (e.g. 'aes-cbc', 'sha1-digest'). */
  readonly legacyUsed: readonly string[];
}
