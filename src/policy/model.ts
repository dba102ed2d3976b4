/**
 * The parts of the requirements model that WS-SecurityPolicy says and service.yaml does not: plain,
 * frozen data built once at start-up (src/policy/wspolicy/) and judged per message by the pure
 * validators of src/policy/validators/. Every requirement carries the name of the assertion that
 * asked for it (`assertion`), so a rejection can say which one failed.
 */

/** How a token travels in requests (sp:IncludeToken, seen from the initiator's request). */
export type TokenInclusion = 'always' | 'never' | 'once';

/** How a signature or an EncryptedKey names an X.509 certificate it does not carry. */
export type X509ReferenceStyle = 'key-identifier' | 'issuer-serial' | 'thumbprint';

/** sp:X509Token as an initiator, recipient or supporting token. */
export interface X509TokenRequirement {
  /** e.g. `sp:AsymmetricBinding/sp:InitiatorToken/sp:X509Token`. */
  readonly assertion: string;
  readonly inclusion: TokenInclusion;
  /** Accepted reference styles (any one of them); empty: any style. */
  readonly references: readonly X509ReferenceStyle[];
  /** `WssX509V3Token10` / `WssX509V3Token11` when the policy names the token type. */
  readonly tokenType: string | undefined;
}

/** An sp:AlgorithmSuite, mapped to algorithm URIs (src/policy/wspolicy/algorithm-suites.ts). */
export interface AlgorithmSuiteRequirement {
  /** e.g. `sp:AlgorithmSuite/sp:Basic256Sha256`. */
  readonly assertion: string;
  readonly name: string;
  readonly signature: readonly string[];
  readonly digest: readonly string[];
  readonly keyTransport: readonly string[];
  readonly encryption: readonly string[];
  /** Bounds on the RSA modulus of a signing key, in bits. */
  readonly minRsaBits: number;
  readonly maxRsaBits: number;
}

export type LayoutKind = 'Strict' | 'Lax' | 'LaxTsFirst' | 'LaxTsLast';

export interface LayoutRequirement {
  readonly assertion: string;
  readonly layout: LayoutKind;
}

/** sp:TransportBinding with sp:HttpsToken: the request arrives over HTTPS (with a client certificate). */
export interface TransportRequirement {
  readonly assertion: string;
  readonly clientCertificate: boolean;
}

/** A SOAP header block by QName (`local` undefined: every header of the namespace; `ns` undefined: every header). */
export interface HeaderRequirement {
  readonly assertion: string;
  readonly ns: string | undefined;
  readonly local: string | undefined;
}

/** One step of a restricted XPath (src/policy/xpath.ts). */
export interface PathStep {
  readonly ns: string;
  readonly local: string;
}

/** sp:SignedElements / sp:EncryptedElements: one XPath of the documented subset. */
export interface ElementRequirement {
  readonly assertion: string;
  readonly xpath: string;
  /** `//a:B/c:D`: the first step may be at any depth. */
  readonly anywhere: boolean;
  readonly steps: readonly PathStep[];
}

export type SupportingContainer = 'SupportingTokens' | 'SignedSupportingTokens' | 'EndorsingSupportingTokens' | 'SignedEndorsingSupportingTokens';

export type SupportingTokenRequirement =
  | {
      readonly kind: 'username';
      readonly assertion: string;
      readonly container: SupportingContainer;
      readonly password: 'digest' | 'text';
      readonly nonce: boolean;
      readonly created: boolean;
    }
  | { readonly kind: 'x509'; readonly assertion: string; readonly container: SupportingContainer; readonly token: X509TokenRequirement }
  /** `version`: the SAML version the token names (sp:WssSamlV20Token11 / sp:WssSamlV11Token10|11); undefined: any of `saml.versions`. */
  | { readonly kind: 'saml'; readonly assertion: string; readonly container: SupportingContainer; readonly version: '1.1' | '2.0' | undefined };

/** An assertion that was accepted without a check of its own, and why (shown by `check --explain`). */
export interface RecordedAssertion {
  readonly assertion: string;
  readonly note: string;
}

/** Which assertion or service.yaml key asked for each of the basic requirements. */
export interface RequirementOrigins {
  readonly signature?: string;
  readonly signedBody?: string;
  readonly signedTimestamp?: string;
  readonly timestamp?: string;
  readonly encryptedBody?: string;
  readonly saml?: string;
}

/** Names accepted in service.yaml `allowAlgorithms`: what an AlgorithmSuite cannot name. */
export const algorithmAllowances = [
  'ecdsa-sha256',
  'ecdsa-sha384',
  'ecdsa-sha512',
  'rsa-pss-sha256',
  'rsa-pss-sha384',
  'rsa-pss-sha512',
  'rsa-sha384',
  'rsa-sha512',
  'sha384',
  'sha512',
  'aes128-gcm',
  'aes256-gcm',
  'rsa-oaep',
] as const;

export type AlgorithmAllowance = (typeof algorithmAllowances)[number];
