/**
 * The one catalogue of gateway error codes (`GW_ERR_<AREA>_<WHAT>`).
 *
 * Every rejection the gateway makes carries one of these codes. Clients see the code's public
 * message, a SOAP fault of the request's SOAP version and a correlation id; the precise internal
 * reason travels in `GatewayError.reason` to the log and the audit trail only.
 *
 * `fault` picks the SOAP fault code (1.1: Client/Server/VersionMismatch/MustUnderstand,
 * 1.2: Sender/Receiver/VersionMismatch/MustUnderstand). `http` overrides the HTTP status that the
 * SOAP binding rules would give (SOAP 1.1 §6.2: 500 for every fault; SOAP 1.2 part 2 §7.5.2:
 * Sender 400, Receiver/VersionMismatch/MustUnderstand 500) for conditions that are HTTP-level
 * (size, media type, routing, throttling, backend reachability).
 * `publicAs` masks a code outward (WSS4J's getSafeFaultCode): the client sees the masking code,
 * the audit record keeps the real one.
 */

export type FaultKind = 'sender' | 'receiver' | 'versionMismatch' | 'mustUnderstand';

export interface ErrorDef {
  readonly fault: FaultKind;
  /** Explicit HTTP status; when absent the SOAP binding rules decide. */
  readonly http?: number;
  /** Safe text shown to clients. Never contains configuration, paths or library messages. */
  readonly message: string;
  /** One line for the generated error table: when it happens. */
  readonly when: string;
  readonly publicAs?: 'GW_ERR_SEC_REJECTED';
}

const catalogue = {
  // ── HTTP / transport ────────────────────────────────────────────────────────
  GW_ERR_HTTP_METHOD: { fault: 'sender', http: 405, message: 'Method not allowed', when: 'A service endpoint received a method other than POST (or GET for ?wsdl/?xsd).' },
  GW_ERR_HTTP_NOT_FOUND: { fault: 'sender', http: 404, message: 'No service at this address', when: 'No configured service port or published document matches the request path.' },
  GW_ERR_HTTP_BODY_TOO_LARGE: { fault: 'sender', http: 413, message: 'Request body too large', when: 'The request body exceeds the service limit `limits.maxBodyBytes` (default 1 MiB); reading stops at the limit.' },
  GW_ERR_HTTP_EMPTY_BODY: { fault: 'sender', http: 400, message: 'Empty request body', when: 'A POST arrived without a body.' },
  GW_ERR_HTTP_MEDIA_TYPE: { fault: 'sender', http: 415, message: 'Unsupported media type', when: 'Content-Type is neither text/xml (SOAP 1.1) nor application/soap+xml (SOAP 1.2), or it disagrees with the Envelope version.' },
  GW_ERR_HTTP_CHARSET: { fault: 'sender', http: 415, message: 'Unsupported or inconsistent character encoding', when: 'The charset parameter is not UTF-8/UTF-16, disagrees with the byte order mark or XML declaration, or the bytes are not valid in that encoding.' },
  GW_ERR_HTTP_CLIENT_ABORTED: { fault: 'sender', http: 400, message: 'Request aborted by client', when: 'The client closed the connection before the request was complete (recorded, no response possible).' },
  GW_ERR_HTTP_TIMEOUT: { fault: 'sender', http: 408, message: 'Request not received in time', when: 'The request body was not received within the request timeout.' },

  // ── XML parsing (before any DOM) ────────────────────────────────────────────
  GW_ERR_XML_MALFORMED: { fault: 'sender', message: 'Request is not well-formed XML', when: 'The document does not parse (unclosed tags, bad characters, undeclared prefixes, undefined entities, trailing content).' },
  GW_ERR_XML_DOCTYPE: { fault: 'sender', message: 'Document type declarations are not allowed', when: 'Any DOCTYPE, harmless or not (XXE, external DTD, entity expansion). Nothing is expanded or fetched.' },
  GW_ERR_XML_PROCESSING_INSTRUCTION: { fault: 'sender', message: 'Processing instructions are not allowed', when: 'A processing instruction other than the XML declaration.' },
  GW_ERR_XML_COMMENT: { fault: 'sender', message: 'XML comments are not allowed', when: 'A comment, when the service keeps the default `limits.allowComments: false`.' },
  GW_ERR_XML_FORBIDDEN_CHARACTER: { fault: 'sender', message: 'Forbidden character in document', when: 'U+0085 (NEL) or U+2028 (LS) anywhere in the document (line-end normalisation tricks).' },
  GW_ERR_XML_LIMIT_DEPTH: { fault: 'sender', message: 'Document nesting too deep', when: 'Element depth exceeds `limits.maxDepth` (default 64).' },
  GW_ERR_XML_LIMIT_NODES: { fault: 'sender', message: 'Document has too many nodes', when: 'Elements + attributes + text nodes exceed `limits.maxNodes` (default 20,000).' },
  GW_ERR_XML_LIMIT_ATTRIBUTES: { fault: 'sender', message: 'Element has too many attributes', when: 'An element has more than `limits.maxAttributes` attributes (default 64).' },
  GW_ERR_XML_LIMIT_NAMESPACES: { fault: 'sender', message: 'Element declares too many namespaces', when: 'An element declares more than `limits.maxNamespaceDeclarations` namespaces (default 32).' },
  GW_ERR_XML_LIMIT_NAME_LENGTH: { fault: 'sender', message: 'Name too long', when: 'An element or attribute name is longer than `limits.maxNameLength` (default 256).' },
  GW_ERR_XML_LIMIT_ATTRIBUTE_VALUE: { fault: 'sender', message: 'Attribute value too long', when: 'An attribute value is longer than `limits.maxAttributeValueLength` (default 64 KiB).' },
  GW_ERR_XML_LIMIT_TEXT: { fault: 'sender', message: 'Text node too long', when: 'A text node is longer than `limits.maxTextLength` (default 1 MiB).' },

  // ── SOAP envelope and dispatch ──────────────────────────────────────────────
  GW_ERR_SOAP_VERSION_MISMATCH: { fault: 'versionMismatch', message: 'Unsupported SOAP envelope version', when: 'The root is not a SOAP 1.1 or 1.2 Envelope (e.g. the 2001/12 draft namespace), or the version is not bound at this endpoint.' },
  GW_ERR_SOAP_NOT_ENVELOPE: { fault: 'sender', message: 'Request is not a SOAP envelope', when: 'The document element is not an Envelope.' },
  GW_ERR_SOAP_ENVELOPE_SHAPE: { fault: 'sender', message: 'Invalid SOAP envelope structure', when: 'The Envelope is not an optional Header followed by exactly one Body with nothing else (two Bodies, two Headers, elements after the Body, text content, or envelope attributes in the SOAP namespace).' },
  GW_ERR_SOAP_EMPTY_BODY: { fault: 'sender', message: 'SOAP Body is empty', when: 'The Body has no element child.' },
  GW_ERR_SOAP_BODY_SHAPE: { fault: 'sender', message: 'SOAP Body must hold exactly one element', when: 'The Body holds more than one element, or non-whitespace text.' },
  GW_ERR_SOAP_UNKNOWN_OPERATION: { fault: 'sender', message: 'Operation not offered by this service', when: 'Neither the action nor the Body element matches an operation of the WSDL port.' },
  GW_ERR_SOAP_ACTION_MISMATCH: { fault: 'sender', message: 'SOAP action does not match the message', when: 'SOAPAction, the SOAP 1.2 action parameter, wsa:Action and the Body element do not all name the same WSDL operation.' },
  GW_ERR_SOAP_MUST_UNDERSTAND: { fault: 'mustUnderstand', message: 'Mandatory header not understood', when: 'A header block targeted at the gateway carries mustUnderstand="1"/"true" and the gateway does not process it.' },
  GW_ERR_SOAP_INVALID_HEADER_ATTRIBUTE: { fault: 'sender', message: 'Invalid SOAP header attribute', when: 'A mustUnderstand value other than 0/1/true/false (per version).' },

  // ── WS-Security (all shown to clients as GW_ERR_SEC_REJECTED; the audit keeps the precise code) ──
  GW_ERR_SEC_REJECTED: { fault: 'sender', message: 'Security requirements not met', when: 'The public face of every GW_ERR_SEC_* and GW_ERR_POLICY_* code (one generic fault, WSS4J getSafeFaultCode): the precise code is in the log/audit record.' },
  GW_ERR_SEC_HEADER_MISSING: { fault: 'sender', message: 'Security requirements not met', publicAs: 'GW_ERR_SEC_REJECTED', when: 'The service requires WS-Security and no wsse:Security header is addressed to the gateway.' },
  GW_ERR_SEC_HEADER_DUPLICATE: { fault: 'sender', message: 'Security requirements not met', publicAs: 'GW_ERR_SEC_REJECTED', when: 'More than one wsse:Security header for the gateway\'s role (WSS 1.1 §6.1).' },
  GW_ERR_SEC_UNSUPPORTED_ELEMENT: { fault: 'sender', message: 'Security requirements not met', publicAs: 'GW_ERR_SEC_REJECTED', when: 'A child of wsse:Security that no processor handles (fail closed), or a SAML assertion the service is not configured for (no `security.saml`, SAML 1.0, a version outside `saml.versions`: SAML 1.1 is opt-in).' },
  GW_ERR_SEC_DUPLICATE_ID: { fault: 'sender', message: 'Security requirements not met', publicAs: 'GW_ERR_SEC_REJECTED', when: 'An Id value (wsu:Id, Id, ID, AssertionID, xml:id) occurs twice anywhere in the message (signature-wrapping defence).' },
  GW_ERR_SEC_TIMESTAMP_INVALID: { fault: 'sender', message: 'Security requirements not met', publicAs: 'GW_ERR_SEC_REJECTED', when: 'A malformed Timestamp: second Timestamp (BSP R3227), missing Created (R3203) or Expires, non-UTC or unparseable xsd:dateTime, Expires before Created.' },
  GW_ERR_SEC_TIMESTAMP_EXPIRED: { fault: 'sender', message: 'Security requirements not met', publicAs: 'GW_ERR_SEC_REJECTED', when: 'The Timestamp expired (beyond the allowed skew) or Created is older than the allowed TTL.' },
  GW_ERR_SEC_TIMESTAMP_FUTURE: { fault: 'sender', message: 'Security requirements not met', publicAs: 'GW_ERR_SEC_REJECTED', when: 'Timestamp Created (or UsernameToken Created) is further in the future than the allowed skew.' },
  GW_ERR_SEC_UNSUPPORTED_ALGORITHM: { fault: 'sender', message: 'Security requirements not met', publicAs: 'GW_ERR_SEC_REJECTED', when: 'An algorithm outside the service\'s allowlist (RSA-1_5, SHA-1 or AES-CBC without the legacy opt-in, HMAC, unknown URIs).' },
  GW_ERR_SEC_SIGNATURE_MALFORMED: { fault: 'sender', message: 'Security requirements not met', publicAs: 'GW_ERR_SEC_REJECTED', when: 'A signature outside the accepted shape: two SignedInfo, too many References or Transforms, forbidden transforms (XPath, XSLT), external or empty URIs, Manifest/Object references, RetrievalMethod.' },
  GW_ERR_SEC_SIGNATURE_INVALID: { fault: 'sender', message: 'Security requirements not met', publicAs: 'GW_ERR_SEC_REJECTED', when: 'The SignatureValue does not verify over SignedInfo, or a Reference digest does not match.' },
  GW_ERR_SEC_REFERENCE_UNRESOLVED: { fault: 'sender', message: 'Security requirements not met', publicAs: 'GW_ERR_SEC_REJECTED', when: 'A Reference or token reference points to no element of the message.' },
  GW_ERR_SEC_TOKEN_INVALID: { fault: 'sender', message: 'Security requirements not met', publicAs: 'GW_ERR_SEC_REJECTED', when: 'A malformed security token (BinarySecurityToken, SecurityTokenReference, certificate that does not parse), or a SAML KeyIdentifier in a signature KeyInfo that names a bearer or sender-vouches assertion, or one of the other SAML version.' },
  GW_ERR_SEC_TOKEN_UNRESOLVED: { fault: 'sender', message: 'Security requirements not met', publicAs: 'GW_ERR_SEC_REJECTED', when: 'A key reference (SKI, IssuerSerial, thumbprint, KeyIdentifier) that names no known certificate, or a SAML KeyIdentifier that names no holder-of-key assertion processed before the signature (or one with several certificates).' },
  GW_ERR_SEC_CERT_UNTRUSTED: { fault: 'sender', message: 'Security requirements not met', publicAs: 'GW_ERR_SEC_REJECTED', when: 'The signing certificate does not chain to a configured trust anchor (signatures, basicConstraints, pathLen, keyUsage).' },
  GW_ERR_SEC_CERT_EXPIRED: { fault: 'sender', message: 'Security requirements not met', publicAs: 'GW_ERR_SEC_REJECTED', when: 'A certificate of the path is expired or not yet valid at the gateway clock.' },
  GW_ERR_SEC_CERT_REVOKED: { fault: 'sender', message: 'Security requirements not met', publicAs: 'GW_ERR_SEC_REJECTED', when: 'A certificate of the path is listed in a configured CRL.' },
  GW_ERR_SEC_KEY_TOO_WEAK: { fault: 'sender', message: 'Security requirements not met', publicAs: 'GW_ERR_SEC_REJECTED', when: 'RSA key under 2048 bits or an EC curve below P-256.' },
  GW_ERR_SEC_DECRYPTION_FAILED: { fault: 'sender', message: 'Security requirements not met', publicAs: 'GW_ERR_SEC_REJECTED', when: 'Any decryption failure (unknown key, OAEP unwrap, GCM tag, CBC padding, plaintext that does not parse): one uniform code.' },
  GW_ERR_SEC_AUTHENTICATION_FAILED: { fault: 'sender', message: 'Security requirements not met', publicAs: 'GW_ERR_SEC_REJECTED', when: 'UsernameToken with an unknown user, a wrong password, a refused password type or a missing Nonce/Created.' },
  GW_ERR_SEC_REPLAY: { fault: 'sender', message: 'Security requirements not met', publicAs: 'GW_ERR_SEC_REJECTED', when: 'A signature (Timestamp Created + SignatureValue), a UsernameToken nonce or a bearer / OneTimeUse SAML assertion (issuer + ID) already accepted within its lifetime.' },
  GW_ERR_SEC_SAML_INVALID: { fault: 'sender', message: 'Security requirements not met', publicAs: 'GW_ERR_SEC_REJECTED', when: 'A malformed SAML assertion (missing Issuer/IssueInstant/Subject, unknown Condition, second assertion), or its signature is not an enveloped exc-c14n signature over the assertion itself that verifies with the pinned certificate of its issuer, or it has none (allowed only for sender-vouches, see `saml.senderVouches`).' },
  GW_ERR_SEC_SAML_UNTRUSTED_ISSUER: { fault: 'sender', message: 'Security requirements not met', publicAs: 'GW_ERR_SEC_REJECTED', when: 'The SAML assertion\'s Issuer is not one of `security.saml.issuers` (keys in the assertion itself are never used).' },
  GW_ERR_SEC_SAML_EXPIRED: { fault: 'sender', message: 'Security requirements not met', publicAs: 'GW_ERR_SEC_REJECTED', when: 'The SAML assertion is outside its time bounds (Conditions or SubjectConfirmationData NotBefore/NotOnOrAfter, IssueInstant older than `saml.maxAgeSeconds` or in the future), beyond the allowed skew.' },
  GW_ERR_SEC_SAML_AUDIENCE: { fault: 'sender', message: 'Security requirements not met', publicAs: 'GW_ERR_SEC_REJECTED', when: 'The SAML assertion has no AudienceRestriction, or one that does not name `security.saml.audience`.' },
  GW_ERR_SEC_SAML_CONFIRMATION: { fault: 'sender', message: 'Security requirements not met', publicAs: 'GW_ERR_SEC_REJECTED', when: 'No SubjectConfirmation of the SAML assertion is satisfied: holder-of-key certificate that did not sign the Body (and Timestamp); bearer Recipient not configured, or a SAML 1.1 bearer assertion without NotOnOrAfter; sender-vouches without a message signature by a `saml.senders` certificate covering the assertion, the Body and the Timestamp, combined with another method, or with no senders configured; an unknown method.' },
  GW_ERR_POLICY_SIGNATURE_REQUIRED: { fault: 'sender', message: 'Security requirements not met', publicAs: 'GW_ERR_SEC_REJECTED', when: 'The operation requires an X.509 signature (an AsymmetricBinding that signs something, or `signature: true`) and the message has none.' },
  GW_ERR_POLICY_SIGNED_PARTS: { fault: 'sender', message: 'Security requirements not met', publicAs: 'GW_ERR_SEC_REJECTED', when: 'A part the policy requires to be signed (the Envelope\'s own Body, the Timestamp of the gateway\'s Security header, a header block named by sp:SignedParts, an element selected by sp:SignedElements) is not among the nodes the signature verified.' },
  GW_ERR_POLICY_TIMESTAMP_REQUIRED: { fault: 'sender', message: 'Security requirements not met', publicAs: 'GW_ERR_SEC_REJECTED', when: 'The operation requires a Timestamp (sp:IncludeTimestamp, `timestamp: true`) and the Security header has none.' },
  GW_ERR_POLICY_ENCRYPTED_PARTS: { fault: 'sender', message: 'Security requirements not met', publicAs: 'GW_ERR_SEC_REJECTED', when: 'A part the policy requires to be encrypted (the Body, a header block named by sp:EncryptedParts, an element selected by sp:EncryptedElements) arrived in clear, or encrypted data is not covered by a verified signature where the algorithm demands it (AES-CBC).' },
  GW_ERR_POLICY_SAML_REQUIRED: { fault: 'sender', message: 'Security requirements not met', publicAs: 'GW_ERR_SEC_REJECTED', when: 'The operation requires a SAML assertion (sp:SamlToken, `saml: true`) and the message carries no verified one.' },
  GW_ERR_POLICY_TRANSPORT: { fault: 'sender', message: 'Security requirements not met', publicAs: 'GW_ERR_SEC_REJECTED', when: 'The policy\'s TransportBinding requires HTTPS (sp:HttpsToken) or a verified TLS client certificate (sp:RequireClientCertificate) and the request lacks it.' },
  GW_ERR_POLICY_TOKEN: { fault: 'sender', message: 'Security requirements not met', publicAs: 'GW_ERR_SEC_REJECTED', when: 'A token is not as the policy names it: the signing or recipient certificate included or referenced the wrong way (sp:X509Token IncludeToken, Require…Reference), a supporting UsernameToken missing, of the wrong password type or without Nonce/Created, a signed supporting token not covered by the signature, an endorsing signature missing.' },
  GW_ERR_POLICY_ALGORITHM: { fault: 'sender', message: 'Security requirements not met', publicAs: 'GW_ERR_SEC_REJECTED', when: 'A signature, digest, key transport or data encryption algorithm outside the policy\'s sp:AlgorithmSuite and the service\'s `allowAlgorithms`, or an RSA signing key outside the suite\'s key-length bounds.' },
  GW_ERR_POLICY_LAYOUT: { fault: 'sender', message: 'Security requirements not met', publicAs: 'GW_ERR_SEC_REJECTED', when: 'The Security header does not follow the policy\'s sp:Layout (Strict order of tokens and signed elements, Timestamp first for LaxTsFirst, last for LaxTsLast).' },
  GW_ERR_POLICY_PROTECTION: { fault: 'sender', message: 'Security requirements not met', publicAs: 'GW_ERR_SEC_REJECTED', when: 'A signature covers part of a header or of the Body (sp:OnlySignEntireHeadersAndBody), or does not cover its own signing token (sp:ProtectTokens).' },
  GW_ERR_POLICY_ADDRESSING: { fault: 'sender', message: 'Security requirements not met', publicAs: 'GW_ERR_SEC_REJECTED', when: 'The policy requires WS-Addressing (wsam:Addressing, wsaw:UsingAddressing) and the message has no wsa:Action header.' },

  // ── Authorization ───────────────────────────────────────────────────────────
  GW_ERR_AUTHZ_DENIED: { fault: 'sender', http: 403, message: 'Not authorized for this operation', when: 'The verified principal (X.509 signer, TLS client certificate, UsernameToken user, SAML assertion) does not satisfy the `authorization` rule of the operation, or the operation has no rule (and no `*` rule) while the service declares rules. The failed condition is in the log/audit record.' },

  // ── Schema validation ───────────────────────────────────────────────────────
  GW_ERR_SCHEMA_INVALID: { fault: 'sender', message: 'Request does not match the service schema', when: 'With `validation.request: on` for the operation, the request Body (after decryption) is not valid against the WSDL\'s XML Schema: a value of the wrong type, a missing, unexpected or misplaced element, a wrong namespace. Not masked: the fault detail lists the first violations (element path and message, at most `validation.maxViolations`).' },

  // ── Backend ─────────────────────────────────────────────────────────────────
  GW_ERR_BACKEND_UNAVAILABLE: { fault: 'receiver', http: 502, message: 'Backend service unavailable', when: 'The backend refused the connection, reset it, or its name did not resolve.' },
  GW_ERR_BACKEND_TIMEOUT: { fault: 'receiver', http: 504, message: 'Backend service did not answer in time', when: 'Connecting took longer than `backend.connectTimeoutMs`, or the response headers/body took longer than `backend.responseTimeoutMs`.' },
  GW_ERR_BACKEND_RESPONSE_TOO_LARGE: { fault: 'receiver', http: 502, message: 'Backend response too large', when: 'The backend response exceeded `backend.maxResponseBytes`.' },
  GW_ERR_BACKEND_BAD_RESPONSE: { fault: 'receiver', http: 502, message: 'Backend returned an invalid response', when: 'The backend answered with a status or content type that is neither a SOAP response nor a SOAP fault of the request version.' },
  GW_ERR_BACKEND_RESPONSE_INVALID: { fault: 'receiver', http: 502, message: 'Backend returned a response that does not match the service schema', when: 'With `validation.response: on` for the operation, a 2xx backend response that is not a SOAP fault is not a readable SOAP envelope or its Body is not valid against the WSDL\'s XML Schema. The violations are in the log/audit record only.' },

  // ── Audit trail ─────────────────────────────────────────────────────────────
  GW_ERR_AUDIT_UNAVAILABLE: { fault: 'receiver', http: 503, message: 'Service temporarily unavailable', when: 'The service audits in `required` mode and its record could not be made durable (the audit sink is failing): the request is refused before reaching the backend, or its response is withheld.' },

  // ── Gateway internal ────────────────────────────────────────────────────────
  GW_ERR_INTERNAL: { fault: 'receiver', http: 500, message: 'Internal gateway error', when: 'An unexpected condition; the correlation id finds the details in the log.' },
  GW_ERR_SHUTTING_DOWN: { fault: 'receiver', http: 503, message: 'Gateway is shutting down', when: 'A request arrived after shutdown began on a kept-alive connection.' },
} as const satisfies Record<string, ErrorDef>;

export type ErrorCode = keyof typeof catalogue;

export const errorCatalogue: Readonly<Record<ErrorCode, ErrorDef>> = catalogue;

export const errorCodes: readonly ErrorCode[] = Object.keys(catalogue) as ErrorCode[];

export function isErrorCode(value: string): value is ErrorCode {
  return Object.hasOwn(catalogue, value);
}

/** Structured, non-secret facts that explain a rejection (go to log/audit, never to the client). */
export type ErrorDetail = Readonly<Record<string, string | number | boolean | null>>;

export class GatewayError extends Error {
  override readonly name = 'GatewayError';
  readonly code: ErrorCode;
  /** The precise internal reason (log/audit only). */
  readonly reason: string;
  readonly detail: ErrorDetail | undefined;

  constructor(code: ErrorCode, reason: string, detail?: ErrorDetail, options?: { cause?: unknown }) {
    super(`${code}: ${reason}`, options);
    this.code = code;
    this.reason = reason;
    this.detail = detail;
  }
}

export function isGatewayError(err: unknown): err is GatewayError {
  return err instanceof GatewayError;
}

/** Any thrown value as a GatewayError (unknown errors become GW_ERR_INTERNAL, keeping the cause). */
export function toGatewayError(err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  const reason = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return new GatewayError('GW_ERR_INTERNAL', reason, undefined, { cause: err });
}

export type SoapVersion = '1.1' | '1.2';

/** HTTP status for a code under a SOAP version. */
export function httpStatusFor(code: ErrorCode, version: SoapVersion): number {
  const def = catalogue[code] as ErrorDef;
  if (def.http !== undefined) return def.http;
  if (version === '1.1') return 500;
  return def.fault === 'sender' ? 400 : 500;
}

/** The code a client is shown (after masking). */
export function publicCodeFor(code: ErrorCode): ErrorCode {
  const def = catalogue[code] as ErrorDef;
  return def.publicAs ?? code;
}
