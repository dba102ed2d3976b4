/**
 * The configuration as written by operators, after JSON-Schema validation and defaults.
 * `schema.ts` is the source of truth for what is allowed; these types mirror it.
 * Paths are already resolved to absolute paths relative to the file that named them.
 */
import type {
  AlgorithmAllowance,
  AlgorithmSuiteRequirement,
  ElementRequirement,
  HeaderRequirement,
  LayoutRequirement,
  RecordedAssertion,
  RequirementOrigins,
  SupportingTokenRequirement,
  TransportRequirement,
  X509TokenRequirement,
} from '../policy/model.ts';

/** A secret is never written inline: it comes from a file or an environment variable. */
export type SecretRef = { readonly file: string } | { readonly env: string };

export interface TlsConfig {
  /** PEM certificate chain file, with `key`; or a PKCS#12 file in `pfx`. */
  readonly cert?: string;
  readonly key?: string;
  readonly pfx?: string;
  readonly passphrase?: SecretRef;
  /** Mutual TLS: trusted client CA files (PEM). */
  readonly clientCa?: readonly string[];
  /** With clientCa: `require` rejects handshakes without a trusted client cert, `optional` asks but lets through. */
  readonly clientAuth: 'none' | 'optional' | 'require';
}

export interface ListenConfig {
  readonly host: string;
  readonly port: number;
}

export interface GatewayConfig {
  /** The file this was read from (absolute). */
  readonly file: string;
  readonly listen: ListenConfig;
  /** Public base URL used when republishing WSDLs (soap:address). Default: derived from listen + TLS. */
  readonly publicUrl?: string;
  readonly tls?: TlsConfig;
  readonly admin: ListenConfig & { readonly enabled: boolean };
  /** Service directories (absolute), each holding a `service.yaml`. */
  readonly services: readonly string[];
  readonly logging: { readonly level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' };
  readonly shutdown: { readonly graceMs: number };
  readonly workers: number;
  /** Request body must be complete within this many ms. */
  readonly requestTimeoutMs: number;
  /** Instance id used in logs and (later) audit records. Default: hostname + pid. */
  readonly instanceId?: string;
  readonly audit: AuditTrailConfig;
}

export type AuditModeConfig = 'required' | 'best-effort' | 'off';

/** The gateway's audit trail (gateway file, `audit`). */
export interface AuditTrailConfig {
  readonly sink: 'file' | 'postgres' | 'off';
  /** File sink directory (absolute). */
  readonly dir: string;
  /** Ed25519 signing key file (absolute). */
  readonly signingKey: string;
  /** The key file is created on first start when it does not exist (it was not configured explicitly). */
  readonly createSigningKey: boolean;
  readonly signingKeyPassphrase?: SecretRef;
  readonly instanceId?: string;
  readonly checkpoint: { readonly everyRecords: number; readonly everySeconds: number };
  readonly rotate: { readonly maxBytes: number; readonly daily: boolean };
  readonly queue: { readonly maxEntries: number; readonly maxBatch: number };
  readonly postgres?: PostgresAuditConfig;
  readonly unroutedMode: AuditModeConfig;
}

export interface PostgresAuditConfig {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  readonly password?: SecretRef;
  readonly schema: string;
  readonly connectTimeoutMs: number;
  readonly ssl: boolean;
}

/** A service's audit settings (service.yaml, `audit`). */
export interface ServiceAuditConfig {
  readonly mode: AuditModeConfig;
  readonly capture: {
    readonly request: boolean;
    readonly response: boolean;
    readonly maxBytes: number;
    readonly redact: { readonly namespaces: Readonly<Record<string, string>>; readonly xml: readonly string[]; readonly json: readonly string[] };
  };
}

export interface XmlLimitsConfig {
  readonly maxBodyBytes: number;
  readonly maxDepth: number;
  readonly maxNodes: number;
  readonly maxAttributes: number;
  readonly maxNamespaceDeclarations: number;
  readonly maxNameLength: number;
  readonly maxAttributeValueLength: number;
  readonly maxTextLength: number;
  readonly allowComments: boolean;
}

export interface BackendConfig {
  readonly type: 'soap';
  /** Default backend URL for every port. */
  readonly url: string;
  readonly connectTimeoutMs: number;
  readonly responseTimeoutMs: number;
  readonly maxResponseBytes: number;
  /** Max pooled connections per backend origin. */
  readonly connections: number;
  /** Extra request headers removed before forwarding (lower-case). */
  readonly dropHeaders: readonly string[];
}

export interface PortConfig {
  /** The wsdl:port name inside the WSDL's service. */
  readonly wsdlPort: string;
  /** Public path on the gateway, e.g. `/ClaimsService/soap11`. */
  readonly path: string;
  /** Overrides `backend.url` for this port. */
  readonly backendUrl?: string;
}

export type LegacyOption = 'sha1' | 'rsa-sha1' | 'aes-cbc';
export type SignedPart = 'body' | 'timestamp';

/**
 * What a message must carry (one alternative of an operation's policy). service.yaml writes the
 * first six keys (`security.require`, `security.operations`); the others come only from a
 * WS-SecurityPolicy imported from the WSDL (src/policy/wspolicy/). Plain data, frozen at start-up.
 */
export interface SecurityRequirements {
  /** An X.509 signature by a trusted certificate. */
  readonly signature: boolean;
  readonly signedParts: readonly SignedPart[];
  readonly encryptedParts: readonly 'body'[];
  readonly timestamp: boolean;
  /** One verified SAML assertion (`security.saml`) in the Security header. */
  readonly saml: boolean;
  /** Algorithms accepted beyond an imported AlgorithmSuite (what WS-SecurityPolicy cannot name). */
  readonly allowAlgorithms?: readonly AlgorithmAllowance[];
  readonly transport?: TransportRequirement;
  /** The primary signature's token (sp:InitiatorToken / sp:InitiatorSignatureToken). */
  readonly signer?: X509TokenRequirement;
  /** How the EncryptedKey names the gateway certificate (sp:RecipientToken / sp:RecipientEncryptionToken). */
  readonly recipient?: X509TokenRequirement;
  readonly algorithmSuite?: AlgorithmSuiteRequirement;
  readonly layout?: LayoutRequirement;
  /** sp:OnlySignEntireHeadersAndBody (the assertion name when required). */
  readonly onlySignEntireHeadersAndBody?: string;
  /** sp:ProtectTokens (the assertion name when required). */
  readonly protectTokens?: string;
  readonly signedHeaders?: readonly HeaderRequirement[];
  readonly encryptedHeaders?: readonly HeaderRequirement[];
  readonly signedElements?: readonly ElementRequirement[];
  readonly encryptedElements?: readonly ElementRequirement[];
  readonly supportingTokens?: readonly SupportingTokenRequirement[];
  /** wsam:Addressing / wsaw:UsingAddressing (the assertion name when required): a wsa:Action header. */
  readonly addressing?: string;
  /** Assertions accepted and recorded without a check of their own (Wss11 options, Trust13, ...). */
  readonly recorded?: readonly RecordedAssertion[];
  /** Which assertion or service.yaml key asked for signature / signed parts / timestamp / encryption / SAML. */
  readonly origins?: RequirementOrigins;
}

/** The keys service.yaml may write, as written (no defaults: see src/policy/requirements.ts). */
export type WrittenRequirements = Partial<Pick<SecurityRequirements, 'signature' | 'signedParts' | 'encryptedParts' | 'timestamp' | 'saml' | 'allowAlgorithms'>>;

/** SAML 2.0 (and, by opt-in, 1.1) assertions as WS-Security tokens (SAML Token Profile 1.1). */
export interface SamlConfig {
  /** Accepted issuers, each with its pinned signing certificate (a PEM file); keys in the assertion are never used. */
  readonly issuers: readonly { readonly entityId: string; readonly certificate: string }[];
  /** This gateway's audience URI: every AudienceRestriction must name it. */
  readonly audience: string;
  readonly skewSeconds: number;
  /** How old IssueInstant may be when the assertion has no NotOnOrAfter. */
  readonly maxAgeSeconds: number;
  /** Accepted SAML versions; '1.1' only by opt-in. */
  readonly versions: readonly ('2.0' | '1.1')[];
  /** Endpoint URLs a bearer SubjectConfirmationData Recipient may name; empty: Recipient is not checked. */
  readonly recipients: readonly string[];
  /** Sender-vouches: the certificates (PEM files) whose message signature may vouch for an assertion; empty: sender-vouches is refused. */
  readonly senders: readonly { readonly certificate: string }[];
  readonly senderVouches: {
    /** A sender-vouches assertion must also carry its issuer's signature (default false: the sender's signature vouches for it). */
    readonly requireSignedAssertion: boolean;
  };
}

export type PolicyMode = 'enforce' | 'report-only';

export interface SecurityConfig {
  /** `off`: no WS-Security processing (a mustUnderstand Security header is then a MustUnderstand fault). */
  readonly mode: 'off' | 'enforce';
  /** The actor/role URI of the Security header meant for the gateway; absent = the header without actor/role. */
  readonly actor?: string;
  /**
   * `import` (default): the WSDL's WS-Policy is the base contract, this section adds to it.
   * `superseded`: this section states the contract instead (logged). `refuse`: a WSDL with
   * WS-Policy stops start-up.
   */
  readonly wsdlPolicy: 'import' | 'superseded' | 'refuse';
  /** `report-only`: policy violations are recorded and the message forwarded (processing failures still reject). */
  readonly policyMode: PolicyMode;
  /** Per-operation overrides of `policyMode`. */
  readonly policyModes: Readonly<Record<string, PolicyMode>>;
  readonly trust: {
    readonly anchors: readonly string[];
    readonly intermediates: readonly string[];
    readonly knownCertificates: readonly string[];
    readonly crls: readonly string[];
  };
  readonly decryption?: { readonly key: string; readonly certificate: string; readonly passphrase?: SecretRef };
  readonly timestamp: { readonly requireExpires: boolean; readonly futureSkewSeconds: number; readonly ttlSeconds: number; readonly expiresSkewSeconds: number };
  readonly usernameToken?: { readonly users: string; readonly passwordTypes: readonly ('text' | 'digest')[]; readonly maxAgeSeconds: number };
  readonly saml?: SamlConfig;
  /** Service-wide requirements as written (defaults apply only when the WSDL carries no policy). */
  readonly require: WrittenRequirements;
  readonly operations: Readonly<Record<string, WrittenRequirements>>;
  /** Weaker algorithms this service accepts; each is logged at start-up and recorded per message. */
  readonly legacy: readonly LegacyOption[];
  readonly replay: { readonly maxEntries: number };
}

/** Principal fields an authorization `match` can compare (see src/auth/principal.ts). */
export type AuthzField = 'x509.subject' | 'x509.issuer' | 'x509.fingerprint256' | 'tls.subject' | 'tls.fingerprint256' | 'username' | 'saml.issuer' | 'saml.nameId' | 'saml.attribute';

/** One comparison: the field (for `saml.attribute`: the attribute `name`, any of its values) equals `equals` or one of `in`. */
export interface AuthzMatch {
  readonly field: AuthzField;
  readonly name?: string;
  readonly equals?: string;
  readonly in?: readonly string[];
}

/** Exactly one of `anyOf`, `allOf`, `match` (checked at load). */
export type AuthzRule = { readonly anyOf: readonly AuthzRule[] } | { readonly allOf: readonly AuthzRule[] } | { readonly match: AuthzMatch };

export interface AuthorizationConfig {
  /** WSDL operation name (or `*` for every operation without its own rule) → rule. */
  readonly operations: Readonly<Record<string, AuthzRule>>;
}

/** `on`: invalid messages are refused; `report-only`: recorded and forwarded; `off`: not validated. */
export type ValidationMode = 'on' | 'off' | 'report-only';

export interface ValidationConfig {
  readonly request: ValidationMode;
  readonly response: ValidationMode;
  /** Most violations listed in a fault and recorded per message. */
  readonly maxViolations: number;
  /** WSDL operation name → modes replacing the service-wide ones. */
  readonly operations: Readonly<Record<string, { readonly request?: ValidationMode; readonly response?: ValidationMode }>>;
}

export interface ServiceConfig {
  /** The service.yaml file (absolute). */
  readonly file: string;
  /** Directory of the service (absolute). */
  readonly dir: string;
  /** Short name used in metrics, logs and audit. */
  readonly name: string;
  /** WSDL file (absolute, inside `dir`). */
  readonly wsdl: string;
  /** The wsdl:service to expose; required when the WSDL has more than one. */
  readonly wsdlService?: string;
  readonly ports: readonly PortConfig[];
  readonly backend: BackendConfig;
  readonly limits: XmlLimitsConfig;
  /** Header blocks (Clark notation `{ns}local`) that the backend understands: mustUnderstand on them is not a fault. */
  readonly passThroughHeaders: readonly string[];
  /** SOAP actors/roles (besides none/next/ultimateReceiver) that the gateway acts as. */
  readonly roles: readonly string[];
  readonly security: SecurityConfig;
  /** Who may call which operation; absent: no authorization stage (every authenticated request is allowed). */
  readonly authorization?: AuthorizationConfig;
  readonly audit: ServiceAuditConfig;
  /** XML Schema validation of Bodies against the WSDL's schemas (src/validation/); absent: off. */
  readonly validation?: ValidationConfig;
}
