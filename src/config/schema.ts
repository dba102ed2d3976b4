/**
 * JSON Schemas (draft-07, validated with ajv) of the two kinds of configuration file. They are the
 * source of truth for what an operator may write: `load.ts` validates against them and
 * `src/docs/generate.ts` renders the configuration reference from their descriptions and defaults.
 *
 * Two annotation keywords of our own: `mustBe` completes the sentence "<key> must be ..." in error
 * messages and docs; `secret` marks a secret reference (its value is never echoed).
 */
import { algorithmAllowances } from '../policy/model.ts';
import type { GatewayConfig, ServiceConfig } from './types.ts';
import { validationSchema } from './validation.ts';

export type SchemaType = 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';

export interface SchemaNode {
  readonly $schema?: string;
  readonly $id?: string;
  readonly title?: string;
  readonly description?: string;
  readonly type?: SchemaType;
  readonly default?: unknown;
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | SchemaNode;
  readonly minProperties?: number;
  readonly maxProperties?: number;
  readonly items?: SchemaNode;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly uniqueItems?: boolean;
  readonly enum?: readonly (string | number | boolean)[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly format?: 'http-url' | 'absolute-uri';
  readonly mustBe?: string;
  readonly secret?: boolean;
}

/** A gateway file after validation and defaults, before paths are resolved. */
export type GatewayDocument = Omit<GatewayConfig, 'file'>;
/** A service file after validation and defaults, before paths are resolved. */
export type ServiceDocument = Omit<ServiceConfig, 'file' | 'dir'>;

const KiB = 1024;
const MiB = 1024 * KiB;

const host = {
  type: 'string',
  minLength: 1,
  maxLength: 253,
  pattern: '^[^\\s/]+$',
  mustBe: 'a host name or IP address',
} as const;

const port = { type: 'integer', minimum: 0, maximum: 65535 } as const;

const httpUrl = {
  type: 'string',
  format: 'http-url',
  mustBe: 'an http or https URL (without user:password)',
} as const;

const fileRef = { type: 'string', minLength: 1, mustBe: 'a file path' } as const;

const secretRef = (description: string) =>
  ({
    type: 'object',
    secret: true,
    mustBe: '{file: path} or {env: VARIABLE}; secrets are never written inline',
    description,
    additionalProperties: false,
    minProperties: 1,
    maxProperties: 1,
    properties: {
      file: { ...fileRef, description: 'File holding the secret; one trailing newline is removed.' },
      env: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$', mustBe: 'an environment variable name (letters, digits and _)', description: 'Environment variable holding the secret.' },
    },
  }) as const;

export const gatewaySchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://wsgate.dev/schema/gateway.json',
  title: 'Gateway file',
  description: 'The file passed with `--config`: listeners, TLS, admin endpoint and the list of service directories. Relative paths are relative to this file.',
  type: 'object',
  additionalProperties: false,
  required: ['services'],
  properties: {
    listen: {
      type: 'object',
      description: 'Where the gateway accepts SOAP traffic.',
      additionalProperties: false,
      default: {},
      properties: {
        host: { ...host, default: '127.0.0.1', description: 'Address to bind. Use `0.0.0.0` or `::` to accept traffic from other hosts.' },
        port: { ...port, default: 8080, description: 'TCP port (0 picks a free port, for tests).' },
      },
    },
    publicUrl: {
      ...httpUrl,
      description: 'Public base URL used when republishing WSDLs (`soap:address`). Default: derived from `listen` and `tls`.',
    },
    tls: {
      type: 'object',
      description: 'Serve HTTPS. Give `cert` and `key` (PEM) or `pfx` (PKCS#12). Without this section the gateway speaks plain HTTP.',
      additionalProperties: false,
      properties: {
        cert: { ...fileRef, description: 'PEM certificate chain (server certificate first). Goes with `key`.' },
        key: { ...fileRef, description: 'PEM private key of `cert`.' },
        pfx: { ...fileRef, description: 'PKCS#12 file with key and certificate chain, instead of `cert` + `key`.' },
        passphrase: {
          type: 'object',
          secret: true,
          mustBe: '{file: path} or {env: VARIABLE}; secrets are never written inline',
          description: 'Passphrase of `key` or `pfx`, read at start-up from a file or an environment variable.',
          additionalProperties: false,
          minProperties: 1,
          maxProperties: 1,
          properties: {
            file: { ...fileRef, description: 'File holding the passphrase; one trailing newline is removed.' },
            env: {
              type: 'string',
              pattern: '^[A-Za-z_][A-Za-z0-9_]*$',
              mustBe: 'an environment variable name (letters, digits and _)',
              description: 'Environment variable holding the passphrase; it must be set and non-empty.',
            },
          },
        },
        clientCa: {
          type: 'array',
          minItems: 1,
          uniqueItems: true,
          items: fileRef,
          description: 'Mutual TLS: PEM files of the CAs that issue trusted client certificates. Needs `clientAuth` `optional` or `require`.',
        },
        clientAuth: {
          type: 'string',
          enum: ['none', 'optional', 'require'],
          default: 'none',
          description: '`require` rejects handshakes without a trusted client certificate; `optional` asks for one but lets clients without one through.',
        },
      },
    },
    admin: {
      type: 'object',
      description: 'The admin listener (health, readiness, metrics). Keep it on a loopback or management address.',
      additionalProperties: false,
      default: {},
      properties: {
        enabled: { type: 'boolean', default: true, description: 'Start the admin listener.' },
        host: { ...host, default: '127.0.0.1', description: 'Address to bind.' },
        port: { ...port, default: 9090, description: 'TCP port; must differ from `listen.port` on the same address.' },
      },
    },
    services: {
      type: 'array',
      minItems: 1,
      uniqueItems: true,
      items: { type: 'string', minLength: 1, mustBe: 'a directory path' },
      description: 'Service directories, relative to this file; each holds a `service.yaml` and its WSDL.',
    },
    logging: {
      type: 'object',
      description: 'Log output.',
      additionalProperties: false,
      default: {},
      properties: {
        level: {
          type: 'string',
          enum: ['trace', 'debug', 'info', 'warn', 'error', 'fatal'],
          default: 'info',
          description: 'Lowest level written.',
        },
      },
    },
    shutdown: {
      type: 'object',
      description: 'Graceful shutdown.',
      additionalProperties: false,
      default: {},
      properties: {
        graceMs: {
          type: 'integer',
          minimum: 0,
          maximum: 600_000,
          default: 10_000,
          description: 'After SIGTERM, how long in-flight requests may finish before connections are closed.',
        },
      },
    },
    workers: {
      type: 'integer',
      minimum: 1,
      maximum: 64,
      default: 1,
      description: 'Worker processes. Throttles and replay detection keep in-memory state per worker.',
    },
    requestTimeoutMs: {
      type: 'integer',
      minimum: 100,
      maximum: 600_000,
      default: 30_000,
      description: 'The request body must be complete within this many milliseconds.',
    },
    audit: {
      type: 'object',
      additionalProperties: false,
      default: {},
      description:
        'The audit trail: one hash-chained record per exchange, sealed by Ed25519-signed checkpoints. One chain per gateway instance (per worker with `workers` > 1). `wsgate audit verify` checks it.',
      properties: {
        sink: { type: 'string', enum: ['file', 'postgres', 'off'], default: 'file', description: '`file`: JSON Lines files in `dir` (0600); `postgres`: a central PostgreSQL store; `off`: no audit trail (every service must then say `audit.mode: off`).' },
        dir: { ...fileRef, default: 'audit', description: 'Directory of the file sink (created 0700). Relative to this file.' },
        signingKey: { ...fileRef, description: 'Ed25519 private key (PKCS#8 PEM) that signs checkpoints. Default: `audit-signing.key` in `dir`, created on first start (a warning says so; pin its `.pub.pem` for verifiers).' },
        signingKeyPassphrase: secretRef('Passphrase of an encrypted `signingKey`.'),
        instanceId: {
          type: 'string',
          pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,55}$',
          mustBe: 'letters, digits, ., _ and - (at most 56, starting with a letter or digit)',
          description: "This instance's chain id. Default: the host name. Workers append `-w<N>`. Keep it stable across restarts: a restart continues the chain.",
        },
        checkpoint: {
          type: 'object',
          additionalProperties: false,
          default: {},
          description: 'When the chain is sealed by a signed checkpoint (also at shutdown, at file rotation and after a crash).',
          properties: {
            everyRecords: { type: 'integer', minimum: 1, maximum: 1_000_000, default: 1000, description: 'Seal after this many records.' },
            everySeconds: { type: 'integer', minimum: 1, maximum: 86_400, default: 60, description: 'Seal at least this often while records arrive.' },
          },
        },
        rotate: {
          type: 'object',
          additionalProperties: false,
          default: {},
          description: 'File sink rotation; each new file is chained to the previous one.',
          properties: {
            maxBytes: { type: 'integer', minimum: 64 * KiB, maximum: 64 * 1024 * MiB, default: 64 * MiB, description: 'Start a new file beyond this size.' },
            daily: { type: 'boolean', default: true, description: 'Start a new file when the UTC day changes.' },
          },
        },
        queue: {
          type: 'object',
          additionalProperties: false,
          default: {},
          description: 'Group commit: records queued while a write is in flight go out together in the next write (one fsync / one transaction).',
          properties: {
            maxEntries: { type: 'integer', minimum: 100, maximum: 1_000_000, default: 10_000, description: 'Best-effort records beyond this many waiting are dropped and counted (`wsgate_audit_dropped_total`).' },
            maxBatch: { type: 'integer', minimum: 1, maximum: 100_000, default: 1000, description: 'Most entries in one write.' },
          },
        },
        postgres: {
          type: 'object',
          additionalProperties: false,
          description: 'The PostgreSQL sink (`sink: postgres`). The gateway creates and migrates its tables in `schema`.',
          required: ['host', 'database', 'user'],
          properties: {
            host: { type: 'string', minLength: 1, description: 'Server host name or address.' },
            port: { ...port, default: 5432, description: 'Server port.' },
            database: { type: 'string', minLength: 1, description: 'Database name.' },
            user: { type: 'string', minLength: 1, description: 'User name.' },
            password: secretRef('Password of `user`.'),
            schema: { type: 'string', pattern: '^[a-z_][a-z0-9_]{0,62}$', mustBe: 'a lower-case SQL identifier', default: 'wsgate_audit', description: 'Schema holding the audit tables.' },
            connectTimeoutMs: { type: 'integer', minimum: 100, maximum: 60_000, default: 3000, description: 'Time allowed to connect.' },
            ssl: { type: 'boolean', default: false, description: 'Connect with TLS (verifying the server certificate against the system CAs).' },
          },
        },
        unroutedMode: { type: 'string', enum: ['required', 'best-effort', 'off'], default: 'best-effort', description: 'Audit mode for requests that match no service (unknown path, wrong method).' },
      },
    },
    instanceId: {
      type: 'string',
      pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$',
      mustBe: 'letters, digits, ., _, : and - (at most 128, starting with a letter or digit)',
      description: 'Instance id in logs and audit records. Default: host name + process id.',
    },
  },
} as const satisfies SchemaNode;

const limit = (def: number, minimum: number, maximum: number, description: string) =>
  ({ type: 'integer', minimum, maximum, default: def, description }) as const;


const files = (description: string) =>
  ({ type: 'array', uniqueItems: true, default: [], items: fileRef, description }) as const;

/**
 * `security.require` and `security.operations.<op>`: no schema defaults, because with a WSDL
 * policy only what is written adds to it. Without one, the defaults named in the descriptions
 * apply (src/policy/requirements.ts DEFAULT_REQUIREMENTS).
 */
const requirements = (serviceWide: boolean) =>
  ({
    type: 'object',
    additionalProperties: false,
    ...(serviceWide ? { default: {} } : {}),
    description: serviceWide
      ? 'What every message must carry. With a WS-Policy imported from the WSDL (`wsdlPolicy: import`) the WSDL policy is the base and these keys only add to every one of its alternatives (`false` or `[]` cannot loosen it and is refused); without one they are the whole contract, with the defaults shown.'
      : 'What messages for this operation must carry. With an imported WSDL policy: added to that operation\'s policy, like `require`. Without one: replaces the service-wide value key by key.',
    properties: {
      signature: { type: 'boolean', description: `An XML signature by a certificate that chains to \`trust.anchors\`.${serviceWide ? ' Default without a WSDL policy: `true`.' : ''}` },
      signedParts: {
        type: 'array',
        uniqueItems: true,
        items: { type: 'string', enum: ['body', 'timestamp'] },
        description: `Parts the signature must cover, by node identity: \`body\` (the Envelope's own Body), \`timestamp\` (the Timestamp of the gateway's Security header).${serviceWide ? ' Default without a WSDL policy: `[body, timestamp]`.' : ''}`,
      },
      encryptedParts: {
        type: 'array',
        uniqueItems: true,
        items: { type: 'string', enum: ['body'] },
        description: `Parts that must arrive encrypted to \`decryption.certificate\`.${serviceWide ? ' Default without a WSDL policy: `[]`.' : ''}`,
      },
      timestamp: { type: 'boolean', description: `A wsu:Timestamp in the Security header.${serviceWide ? ' Default without a WSDL policy: `true`.' : ''}` },
      saml: { type: 'boolean', description: `One SAML assertion (a version in \`saml.versions\`) from a \`saml.issuers\` issuer, verified against \`saml\` (e.g. \`ListPolicies: {saml: true}\`).${serviceWide ? ' Default without a WSDL policy: `false`.' : ''}` },
      allowAlgorithms: {
        type: 'array',
        uniqueItems: true,
        items: { type: 'string', enum: algorithmAllowances },
        description:
          'Algorithms accepted beyond the AlgorithmSuite of an imported WSDL policy, for what WS-SecurityPolicy cannot name (e.g. `[ecdsa-sha256, aes256-gcm]`). The gateway\'s own floor still applies (RSA-1_5 never, SHA-1 and AES-CBC only with `legacy`). Without an imported AlgorithmSuite the gateway\'s default allowlist applies and this key changes nothing.',
      },
    },
  }) as const;

const securitySchema = {
  type: 'object',
  additionalProperties: false,
  default: {},
  description: 'WS-Security processing of requests. With `mode: enforce` every request is verified (signatures, trust, timestamps, decryption, replay) before it is forwarded.',
  properties: {
    mode: { type: 'string', enum: ['off', 'enforce'], default: 'off', description: '`off`: no WS-Security processing. `enforce`: process the Security header and reject what does not meet `require`.' },
    actor: { type: 'string', format: 'absolute-uri', mustBe: 'an absolute URI', description: 'SOAP 1.1 actor / 1.2 role of the Security header meant for the gateway. Default: the header without actor/role.' },
    wsdlPolicy: {
      type: 'string',
      enum: ['import', 'superseded', 'refuse'],
      default: 'import',
      description:
        '`import`: the WS-Policy / WS-SecurityPolicy attached to the WSDL binding, its operations and their inputs is the base contract of each operation (see docs/ws-policy.md); `require` and `operations` only add to it, together with what WS-SecurityPolicy cannot say (`trust`, `saml` issuers and audience, `allowAlgorithms`). An assertion the gateway cannot enforce stops start-up. A WSDL without policy: this section is the whole contract. `superseded`: the WSDL policy is not read and this section is the enforced contract instead (needs `mode: enforce`; logged at start-up). `refuse`: a WSDL that carries WS-Policy stops start-up. With `mode: off`, a WSDL that carries WS-Policy always stops start-up.',
    },
    policyMode: {
      type: 'string',
      enum: ['enforce', 'report-only'],
      default: 'enforce',
      description:
        "`enforce`: a message that does not satisfy the operation's policy is rejected. `report-only`: policy violations (what must be signed/encrypted, tokens, algorithm suite, layout, presence of the Security header) are recorded in the log and the audit record and the message is forwarded, for rolling out a policy safely. Processing failures are still rejected in both modes: a signature or decryption that fails, an untrusted certificate, an expired Timestamp, a replay. Warned at start-up; shown by `check` and in every record.",
    },
    policyModes: {
      type: 'object',
      default: {},
      description: 'Per-operation `policyMode`, overriding the service-wide one (WSDL operation name → `enforce` | `report-only`).',
      additionalProperties: { type: 'string', enum: ['enforce', 'report-only'] },
    },
    trust: {
      type: 'object',
      additionalProperties: false,
      default: {},
      description: 'Certificates, PEM files. A certificate found in a message is never trusted on its own.',
      properties: {
        anchors: files('Trust anchors (root CAs) that signing certificates must chain to.'),
        intermediates: files('Intermediate CA certificates used to build paths.'),
        knownCertificates: files('Client certificates that messages reference by SubjectKeyIdentifier, IssuerSerial or thumbprint (they must still chain to an anchor).'),
        crls: files('Certificate revocation lists (PEM or DER) checked along the path.'),
      },
    },
    decryption: {
      type: 'object',
      additionalProperties: false,
      required: ['key', 'certificate'],
      description: 'The key clients encrypt to.',
      properties: {
        key: { ...fileRef, description: 'PEM private key.' },
        certificate: { ...fileRef, description: 'PEM certificate of the key (clients name it by IssuerSerial, SKI, thumbprint or X509v3 KeyIdentifier).' },
        passphrase: secretRef('Passphrase of an encrypted PEM key.'),
      },
    },
    timestamp: {
      type: 'object',
      additionalProperties: false,
      default: {},
      description: 'Freshness of wsu:Timestamp.',
      properties: {
        requireExpires: { type: 'boolean', default: true, description: 'Refuse a Timestamp without Expires.' },
        futureSkewSeconds: { type: 'integer', minimum: 0, maximum: 3600, default: 60, description: 'How far Created may be ahead of the gateway clock.' },
        ttlSeconds: { type: 'integer', minimum: 1, maximum: 86_400, default: 300, description: 'How old Created may be.' },
        expiresSkewSeconds: { type: 'integer', minimum: 0, maximum: 3600, default: 60, description: 'How long after Expires a message is still accepted (clock skew).' },
      },
    },
    usernameToken: {
      type: 'object',
      additionalProperties: false,
      required: ['users'],
      description: 'Accept wsse:UsernameToken for the users in a credential file.',
      properties: {
        users: { ...fileRef, description: 'YAML credential file (see docs): scrypt hashes for PasswordText, secret references for PasswordDigest.' },
        passwordTypes: { type: 'array', uniqueItems: true, minItems: 1, default: ['digest'], items: { type: 'string', enum: ['text', 'digest'] }, description: 'Accepted password types.' },
        maxAgeSeconds: { type: 'integer', minimum: 1, maximum: 3600, default: 300, description: 'How old the token Created may be.' },
      },
    },
    saml: {
      type: 'object',
      additionalProperties: false,
      required: ['issuers', 'audience'],
      description:
        "Accept one SAML assertion (SAML Token Profile 1.1) as a direct child of the Security header: SAML 2.0, and SAML 1.1 when `versions` lists it. Checked: the enveloped exc-c14n signature by the pinned certificate of its issuer (over the assertion itself, by node identity), time bounds with skew, audience, ID replay, and one subject confirmation: `bearer`; `holder-of-key` (a message signature over Body and Timestamp made with the key in the confirmation, named by any key reference the gateway resolves or by a SAML KeyIdentifier to the assertion); `sender-vouches` (a message signature by a `senders` certificate covering the assertion, the Body and the Timestamp). SAML 1.0 is refused. See docs/saml.md.",
      properties: {
        issuers: {
          type: 'array',
          minItems: 1,
          description: 'Trusted identity providers.',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['entityId', 'certificate'],
            properties: {
              entityId: { type: 'string', minLength: 1, mustBe: 'a non-empty string', description: 'The exact Issuer of this identity provider: the `saml2:Issuer` value (2.0), the `Issuer` attribute (1.1).' },
              certificate: { ...fileRef, description: "PEM certificate pinned for this issuer's assertion signatures (a certificate or key carried in the assertion is never used)." },
            },
          },
        },
        audience: { type: 'string', minLength: 1, mustBe: 'a non-empty string', description: "This gateway's audience URI: every `AudienceRestriction` (2.0) / `AudienceRestrictionCondition` (1.1) of an assertion must name it." },
        skewSeconds: { type: 'integer', minimum: 0, maximum: 3600, default: 60, description: 'Clock skew allowed on NotBefore, NotOnOrAfter and IssueInstant.' },
        maxAgeSeconds: { type: 'integer', minimum: 1, maximum: 86_400, default: 1800, description: 'How old IssueInstant may be when the assertion carries no NotOnOrAfter.' },
        versions: {
          type: 'array',
          uniqueItems: true,
          minItems: 1,
          default: ['2.0'],
          items: { type: 'string', enum: ['2.0', '1.1'] },
          description: "Accepted SAML versions. SAML 1.1 (`urn:oasis:names:tc:SAML:1.0:assertion`, MajorVersion 1 MinorVersion 1) is opt-in: `versions: ['2.0', '1.1']` (quoted: YAML reads 2.0 as a number). SAML 1.0 is never accepted.",
        },
        recipients: {
          type: 'array',
          uniqueItems: true,
          default: [],
          items: { type: 'string', format: 'absolute-uri', mustBe: 'an absolute URI' },
          description: 'Public endpoint URLs of this service: a bearer `SubjectConfirmationData/@Recipient` must be one of them. Empty: Recipient is not checked.',
        },
        senders: {
          type: 'array',
          default: [],
          description:
            'Sender-vouches: who may vouch for an assertion. A sender-vouches assertion is accepted only when a verified message signature by one of these exact certificates (which must also chain to `trust`) covers the assertion itself, the Body and, when present, the Timestamp. A message signed by any other certificate is refused, never read as bearer. Empty: sender-vouches assertions are refused.',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['certificate'],
            properties: { certificate: { ...fileRef, description: 'PEM certificate of a sender (compared byte for byte with the message signer).' } },
          },
        },
        senderVouches: {
          type: 'object',
          additionalProperties: false,
          default: {},
          description: 'How sender-vouches assertions are judged.',
          properties: {
            requireSignedAssertion: {
              type: 'boolean',
              default: false,
              description:
                "`false` (SAML Token Profile 1.1 §3.5.2): a sender-vouches assertion may be unsigned, the sender's message signature vouches for it (its Issuer must still be one of `issuers`). `true`: it must also carry a valid signature by its issuer's pinned certificate. Bearer and holder-of-key assertions are always signed by their issuer.",
            },
          },
        },
      },
    },
    require: requirements(true),
    operations: {
      type: 'object',
      default: {},
      description: 'Per-operation requirements by WSDL operation name, e.g. `SubmitClaim: {encryptedParts: [body]}`: added to the operation\'s imported WSDL policy, or (without one) replacing `require` key by key.',
      additionalProperties: requirements(false),
    },
    legacy: {
      type: 'array',
      uniqueItems: true,
      default: [],
      items: { type: 'string', enum: ['sha1', 'rsa-sha1', 'aes-cbc'] },
      description: 'Weaker algorithms accepted by opt-in: `sha1` digests, `rsa-sha1` signatures, `aes-cbc` data encryption (only inside a verified signature). Logged at start-up and recorded per message. RSA-1_5 is never accepted.',
    },
    replay: {
      type: 'object',
      additionalProperties: false,
      default: {},
      description: 'Replay detection (signature and nonce cache).',
      properties: {
        maxEntries: { type: 'integer', minimum: 1000, maximum: 10_000_000, default: 100_000, description: 'Entries held in memory per worker.' },
      },
    },
  },
} as const;

/** The principal fields a `match` may name (src/auth/principal.ts). */
export const authzFields = ['x509.subject', 'x509.issuer', 'x509.fingerprint256', 'tls.subject', 'tls.fingerprint256', 'username', 'saml.issuer', 'saml.nameId', 'saml.attribute'] as const;

const nestedRule = {
  type: 'object',
  description: 'A nested rule, of the same shape as an operation rule (checked when the file is loaded).',
} as const;

/**
 * A rule is an object with exactly one of `anyOf`, `allOf`, `match`: the "exactly one" and nested
 * rules are checked in src/config/authorization.ts (the schema stays non-recursive).
 */
const authzRule = {
  type: 'object',
  additionalProperties: false,
  description: 'Exactly one of `anyOf`, `allOf` or `match`, e.g. `{match: {field: x509.subject, equals: "CN=broker"}}`.',
  properties: {
    anyOf: { type: 'array', minItems: 1, items: nestedRule, description: 'Allowed when at least one of these rules allows.' },
    allOf: { type: 'array', minItems: 1, items: nestedRule, description: 'Allowed when every one of these rules allows.' },
    match: {
      type: 'object',
      additionalProperties: false,
      required: ['field'],
      description: 'Compares one verified field of the principal; a field the message did not establish never matches. Exactly one of `equals` or `in`.',
      properties: {
        field: {
          type: 'string',
          enum: authzFields,
          description:
            '`x509.*`: the certificate of the verified message signature; `tls.*`: the verified TLS client certificate; `username`: the authenticated UsernameToken; `saml.*`: the verified SAML assertion (`saml.attribute` with `name`). Distinguished names are compared exactly in the form `C=NL, O=Example, CN=broker-7731` (certificate order, `, ` between RDNs) for both `x509.*` and `tls.*`; fingerprints as `AA:BB:..` (upper-case hex).',
        },
        name: { type: 'string', minLength: 1, mustBe: 'a non-empty string', description: 'With `field: saml.attribute`: the attribute Name (any of its values may match).' },
        equals: { type: 'string', description: 'The field must be exactly this string.' },
        in: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string' }, description: 'The field must be exactly one of these strings.' },
      },
    },
  },
} as const;

const authorizationSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['operations'],
  description:
    'Authorization per operation, on the principal the security stage verified. With this section every operation needs a rule (its own or `*`): an operation without one is refused (GW_ERR_AUTHZ_DENIED, HTTP 403). Without it nothing is checked.',
  properties: {
    operations: {
      type: 'object',
      minProperties: 1,
      description: 'WSDL operation name, or `*` for every operation without its own rule → rule.',
      additionalProperties: authzRule,
    },
  },
} as const;

export const serviceSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://wsgate.dev/schema/service.json',
  title: 'Service file (service.yaml)',
  description: 'One per service directory, beside the WSDL: which WSDL ports are exposed where, the backend, and the XML limits. Relative paths are relative to the service directory.',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'wsdl', 'ports', 'backend'],
  properties: {
    name: {
      type: 'string',
      pattern: '^[A-Za-z][A-Za-z0-9_-]{0,63}$',
      mustBe: 'a letter followed by up to 63 letters, digits, _ or -',
      description: 'Short name used in metrics, logs and audit records; unique across the gateway.',
    },
    wsdl: {
      type: 'string',
      minLength: 1,
      mustBe: 'a file path',
      description: 'The WSDL file, relative to the service directory and inside it.',
    },
    wsdlService: {
      type: 'string',
      pattern: '^[A-Za-z_][A-Za-z0-9._-]*$',
      mustBe: 'a wsdl:service name',
      description: 'The wsdl:service to expose; required when the WSDL has more than one.',
    },
    ports: {
      type: 'array',
      minItems: 1,
      description: 'The WSDL ports exposed by the gateway.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['wsdlPort', 'path'],
        properties: {
          wsdlPort: {
            type: 'string',
            pattern: '^[A-Za-z_][A-Za-z0-9._-]*$',
            mustBe: 'a wsdl:port name',
            description: 'The wsdl:port name inside the WSDL service.',
          },
          path: {
            type: 'string',
            maxLength: 1024,
            pattern: "^(?:/(?!\\.\\.?(?:/|$))[A-Za-z0-9._~!$&'()*+,;=:@%-]+)+$",
            mustBe: "a URL path starting with '/', without '?', '#', '.' or '..' segments, empty segments or a trailing '/'",
            description: 'Public path on the gateway, e.g. `/ClaimsService/soap11`; unique across all services.',
          },
          backendUrl: { ...httpUrl, description: 'Backend URL for this port, instead of `backend.url`.' },
        },
      },
    },
    backend: {
      type: 'object',
      description: 'Where verified requests are forwarded.',
      additionalProperties: false,
      required: ['url'],
      properties: {
        type: { type: 'string', enum: ['soap'], default: 'soap', description: 'Backend kind: `soap` forwards the SOAP envelope.' },
        url: { ...httpUrl, description: 'Backend URL for every port without its own `backendUrl`.' },
        connectTimeoutMs: { type: 'integer', minimum: 100, maximum: 120_000, default: 5000, description: 'Time allowed to connect to the backend.' },
        responseTimeoutMs: { type: 'integer', minimum: 100, maximum: 600_000, default: 30_000, description: 'Time allowed for the backend response headers and body.' },
        maxResponseBytes: { type: 'integer', minimum: KiB, maximum: 256 * MiB, default: 10 * MiB, description: 'Largest backend response body accepted.' },
        connections: { type: 'integer', minimum: 1, maximum: 4096, default: 64, description: 'Most pooled connections per backend origin.' },
        dropHeaders: {
          type: 'array',
          uniqueItems: true,
          default: [],
          items: { type: 'string', pattern: "^[a-z0-9!#$%&'*+.^_`|~-]+$", mustBe: 'a lower-case HTTP header name' },
          description: 'Extra request headers removed before forwarding (lower-case names).',
        },
      },
    },
    limits: {
      type: 'object',
      description: 'Hard limits on requests, checked while streaming before any DOM is built. Raising one is reported as a warning at start-up.',
      additionalProperties: false,
      default: {},
      properties: {
        maxBodyBytes: limit(MiB, KiB, 64 * MiB, 'Largest request body; reading stops at the limit.'),
        maxDepth: limit(64, 8, 512, 'Deepest element nesting.'),
        maxNodes: limit(20_000, 100, 1_000_000, 'Most elements + attributes + text nodes.'),
        maxAttributes: limit(64, 8, 1024, 'Most attributes on one element.'),
        maxNamespaceDeclarations: limit(32, 4, 256, 'Most namespace declarations on one element.'),
        maxNameLength: limit(256, 32, 4096, 'Longest element or attribute name.'),
        maxAttributeValueLength: limit(64 * KiB, KiB, 16 * MiB, 'Longest attribute value (characters).'),
        maxTextLength: limit(MiB, KiB, 64 * MiB, 'Longest text node (characters).'),
        allowComments: { type: 'boolean', default: false, description: 'Accept XML comments (they are rejected by default).' },
      },
    },
    passThroughHeaders: {
      type: 'array',
      uniqueItems: true,
      default: [],
      items: {
        type: 'string',
        pattern: '^\\{[^{}\\s]+\\}[A-Za-z_][A-Za-z0-9._-]*$',
        mustBe: "a header name in Clark notation, '{namespace}localName'",
      },
      description: 'Header blocks the backend understands, as `{namespace}localName`: mustUnderstand on them is not a fault.',
    },
    roles: {
      type: 'array',
      uniqueItems: true,
      default: [],
      items: { type: 'string', format: 'absolute-uri', mustBe: 'an absolute URI' },
      description: 'SOAP actors/roles the gateway acts as, besides none, next and ultimateReceiver.',
    },
    security: securitySchema,
    authorization: authorizationSchema,
    validation: validationSchema,
    audit: {
      type: 'object',
      additionalProperties: false,
      default: {},
      description: "This service's audit records (the trail itself is configured in the gateway file).",
      properties: {
        mode: {
          type: 'string',
          enum: ['required', 'best-effort', 'off'],
          default: 'required',
          description:
            '`required`: the response is sent only once the record is durable; while the sink cannot write, requests are refused (GW_ERR_AUDIT_UNAVAILABLE) before reaching the backend. `best-effort`: records are queued (bounded) and drops are counted. `off`: no records (a warning at start-up).',
        },
        capture: {
          type: 'object',
          additionalProperties: false,
          default: {},
          description: 'Payload capture, off by default. The wsse:Security header is always removed from captured requests; `redact` applies before anything is written.',
          properties: {
            request: { type: 'boolean', default: false, description: 'Keep the received envelope (without its Security header) in the record.' },
            response: { type: 'boolean', default: false, description: 'Keep the response body in the record.' },
            maxBytes: { type: 'integer', minimum: 256, maximum: 16 * MiB, default: 64 * KiB, description: 'Captured payloads beyond this size are cut (the record says so).' },
            redact: {
              type: 'object',
              additionalProperties: false,
              default: {},
              description: 'What is replaced by `[redacted]` in captured payloads.',
              properties: {
                namespaces: {
                  type: 'object',
                  default: {},
                  description: 'Prefixes used in `xml` paths → namespace URIs.',
                  additionalProperties: { type: 'string', minLength: 1, description: 'Namespace URI.' },
                },
                xml: {
                  type: 'array',
                  uniqueItems: true,
                  default: [],
                  items: {
                    type: 'string',
                    pattern: '^(//?[A-Za-z_][\\w.-]*:[A-Za-z_][\\w.-]*)+(/@[A-Za-z_][\\w.-]*)?$',
                    mustBe: "a path of prefixed element names, '/a:x/b:y' (from the document element) or '//a:x' (anywhere), optionally ending in '/@attr'",
                  },
                  description: 'Elements (their whole content) or attributes to redact in XML payloads.',
                },
                json: {
                  type: 'array',
                  uniqueItems: true,
                  default: [],
                  items: { type: 'string', pattern: '^[A-Za-z_$][\\w$-]*(\\[\\])?(\\.[A-Za-z_$][\\w$-]*(\\[\\])?)*$', mustBe: "a field path such as 'customer.ssn' or 'cards[].number'" },
                  description: 'Fields to redact in JSON payloads.',
                },
              },
            },
          },
        },
      },
    },
  },
} as const satisfies SchemaNode;
