import { createHash } from 'node:crypto';
import type { ErrorDetail } from '../errors.ts';
import type { ExchangeTrace } from '../pipeline/exchange.ts';
import type { Json } from './canonical.ts';
import type { AuditRecordBody, Unchained, RecordEntry } from './entries.ts';
import type { AuditMode } from './trail.ts';

const ms = (n: number): number => Math.round(n * 1000) / 1000;

/** Body parts the facts name, as the record lists them. */
const PART_NAMES: Readonly<Record<string, string>> = {
  'http://schemas.xmlsoap.org/soap/envelope/}Body': 'Body',
  'http://www.w3.org/2003/05/soap-envelope}Body': 'Body',
  'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd}Timestamp': 'Timestamp',
};

function detailJson(detail: ErrorDetail | undefined): Json {
  if (detail === undefined) return null;
  return JSON.parse(JSON.stringify(detail)) as Json;
}

export interface RecordContext {
  readonly instance: string;
  readonly mode: AuditMode;
  readonly status: number;
  readonly totalMs: number;
  readonly response: Buffer | string;
  readonly legacyOptIns: readonly string[];
  readonly payload?: { readonly request: string | null; readonly response: string | null };
}

/**
 * The audit record of one exchange, from its trace. Only non-secret facts: identities, algorithm
 * URIs, element names, digests of the raw request and of the response; never passwords, keys,
 * tokens or assertions (payloads only when captured, after redaction).
 */
export function buildRecord(trace: ExchangeTrace, ctx: RecordContext): Unchained<RecordEntry> {
  const sec = trace.security;
  const decision: AuditRecordBody['decision'] = trace.outcome === 'forwarded' ? 'accepted' : trace.outcome;
  const body: AuditRecordBody = {
    kind: 'record',
    v: 1,
    correlationId: trace.correlationId,
    receivedAt: trace.receivedAt,
    instance: ctx.instance,
    service: trace.service,
    operation: trace.operation ?? null,
    endpoint: trace.endpoint,
    soapVersion: trace.version,
    action: trace.action ?? null,
    client: { ip: trace.clientIp, tls: trace.tlsClient ? { fingerprint256: trace.tlsClient.fingerprint256, subject: trace.tlsClient.subject, issuer: trace.tlsClient.issuer } : null },
    principal: trace.principal ? { kind: trace.principal.kind, subject: trace.principal.subject, issuer: trace.principal.issuer ?? null, application: trace.principal.application ?? null } : null,
    tokens: {
      signers: sec?.signers.map((s) => ({ subject: s.subject, issuer: s.issuer, fingerprint256: s.fingerprint256, reference: s.reference })) ?? [],
      usernames: sec ? [...sec.usernames] : [],
      saml: sec?.saml.map((a) => ({ issuer: a.issuer, nameId: a.nameId ?? null, confirmation: a.confirmation })) ?? [],
      timestamp: sec?.timestamp ? { created: sec.timestamp.created, expires: sec.timestamp.expires ?? null } : null,
    },
    algorithms: {
      signature: sec ? [...sec.signatureMethods] : [],
      digest: sec ? [...sec.digestMethods] : [],
      encryption: sec?.encryption.map((e) => ({ keyTransport: e.keyTransport ?? null, data: e.data })) ?? [],
      legacy: sec ? [...sec.legacyUsed] : [],
    },
    signedParts: sec ? sec.signedElements.map((q) => PART_NAMES[q.slice(1)] ?? q) : [],
    encryptedParts: sec ? [...new Set(sec.encryption.map((e) => e.target))] : [],
    policy: trace.policy ? { id: trace.policy.id, hash: trace.policy.hash, mode: trace.policy.mode } : null,
    ...(trace.policyViolation !== undefined ? { policyViolation: { code: trace.policyViolation.code, reason: trace.policyViolation.reason, detail: detailJson(trace.policyViolation.detail) } } : {}),
    decision,
    fault: trace.errorCode !== undefined ? { code: trace.errorCode, reason: trace.reason ?? '', detail: detailJson(trace.errorDetail) } : null,
    authorization: trace.authorization ? { allowed: trace.authorization.allowed, reason: trace.authorization.reason } : null,
    backend: trace.backend ? { url: trace.backend.url, status: trace.backend.status ?? null, ms: ms(trace.backend.ms) } : null,
    status: ctx.status,
    stages: trace.stages.map((s) => ({ stage: s.stage, ms: ms(s.ms) })),
    totalMs: ms(ctx.totalMs),
    bytesIn: trace.bytesIn,
    bytesOut: trace.bytesOut,
    requestSha256: trace.requestSha256,
    responseSha256: createHash('sha256').update(ctx.response).digest('hex'),
    droppedHeaders: trace.droppedHeaders ? [...trace.droppedHeaders] : [],
    audit: { mode: ctx.mode },
    legacyOptIns: [...ctx.legacyOptIns],
    ...(ctx.payload !== undefined ? { payload: ctx.payload } : {}),
    ...(trace.validation !== undefined ? { validation: JSON.parse(JSON.stringify(trace.validation)) as Json } : {}),
  };
  return body;
}
