import { hash as sha } from 'node:crypto';
import type { ErrorDetail } from '../errors.ts';
import type { ExchangeTrace } from '../pipeline/exchange.ts';
import type { ValidationTrace } from '../validation/types.ts';
import { canonicalJson, inCanonicalOrder, vouchCanonicalOrder, type Json } from './canonical.ts';
import type { AuditRecordBody, Unchained, RecordEntry } from './entries.ts';
import type { AuditMode } from './trail.ts';

const ms = (n: number): number => Math.round(n * 1000) / 1000;

/** Body parts the facts name, as the record lists them. */
const PART_NAMES: Readonly<Record<string, string>> = {
  'http://schemas.xmlsoap.org/soap/envelope/}Body': 'Body',
  'http://www.w3.org/2003/05/soap-envelope}Body': 'Body',
  'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd}Timestamp': 'Timestamp',
};

/** A free-form member (fault detail, validation findings) as plain JSON with its keys in canonical order. */
function plainSorted(value: ErrorDetail | ValidationTrace | undefined): Json {
  if (value === undefined) return null;
  return JSON.parse(canonicalJson(JSON.parse(JSON.stringify(value)) as Json)) as Json;
}

/** Places for the members link() fills in, so that they keep their sorted position in the record. */
interface ChainSlots {
  readonly chain: string;
  readonly hash: undefined;
  readonly prev: string;
  readonly seq: number;
  readonly time: string;
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
  // Every object literal below lists its keys in sorted order (UTF-16 code units), so that the
  // entry's canonical form is JSON.stringify of it (canonical.ts, fast path 1). The chain members
  // (chain, hash, prev, seq, time) have slots in their places, filled by link() in chain.ts.
  // Free-form members (fault detail, validation findings) are copied in canonical order. Optional
  // members are present as undefined when absent (no spreads: V8 copies an object literal with a
  // spread slowly); JSON leaves them out. A unit test pins the order for every kind of exchange.
  const body: AuditRecordBody & ChainSlots = {
    action: trace.action ?? null,
    algorithms: {
      digest: sec ? [...sec.digestMethods] : [],
      encryption: sec?.encryption.map((e) => ({ data: e.data, keyTransport: e.keyTransport ?? null })) ?? [],
      legacy: sec ? [...sec.legacyUsed] : [],
      signature: sec ? [...sec.signatureMethods] : [],
    },
    audit: { mode: ctx.mode },
    authorization: trace.authorization ? { allowed: trace.authorization.allowed, reason: trace.authorization.reason } : null,
    backend: trace.backend ? { ms: ms(trace.backend.ms), status: trace.backend.status ?? null, url: trace.backend.url } : null,
    bytesIn: trace.bytesIn,
    bytesOut: trace.bytesOut,
    chain: '',
    client: { ip: trace.clientIp, tls: trace.tlsClient ? { fingerprint256: trace.tlsClient.fingerprint256, issuer: trace.tlsClient.issuer, subject: trace.tlsClient.subject } : null },
    correlationId: trace.correlationId,
    decision,
    droppedHeaders: trace.droppedHeaders ? [...trace.droppedHeaders] : [],
    encryptedParts: sec ? [...new Set(sec.encryption.map((e) => e.target))] : [],
    endpoint: trace.endpoint,
    fault: trace.errorCode !== undefined ? { code: trace.errorCode, detail: plainSorted(trace.errorDetail), reason: trace.reason ?? '' } : null,
    hash: undefined,
    instance: ctx.instance,
    kind: 'record',
    legacyOptIns: [...ctx.legacyOptIns],
    operation: trace.operation ?? null,
    payload: ctx.payload !== undefined ? { request: ctx.payload.request, response: ctx.payload.response } : undefined,
    policy: trace.policy ? { hash: trace.policy.hash, id: trace.policy.id, mode: trace.policy.mode } : null,
    policyViolation: trace.policyViolation !== undefined ? { code: trace.policyViolation.code, detail: plainSorted(trace.policyViolation.detail), reason: trace.policyViolation.reason } : undefined,
    prev: '',
    principal: trace.principal ? { application: trace.principal.application ?? null, issuer: trace.principal.issuer ?? null, kind: trace.principal.kind, subject: trace.principal.subject } : null,
    receivedAt: trace.receivedAt,
    requestSha256: trace.requestSha256,
    responseSha256: sha('sha256', ctx.response, 'hex'),
    seq: 0,
    service: trace.service,
    signedParts: sec ? sec.signedElements.map((q) => PART_NAMES[q.slice(1)] ?? q) : [],
    soapVersion: trace.version,
    stages: trace.stages.map((s) => ({ ms: ms(s.ms), stage: s.stage })),
    status: ctx.status,
    time: '',
    tokens: {
      saml: sec?.saml.map((a) => ({ confirmation: a.confirmation, issuer: a.issuer, nameId: a.nameId ?? null })) ?? [],
      signers: sec?.signers.map((s) => ({ fingerprint256: s.fingerprint256, issuer: s.issuer, reference: s.reference, subject: s.subject })) ?? [],
      timestamp: sec?.timestamp ? { created: sec.timestamp.created, expires: sec.timestamp.expires ?? null } : null,
      usernames: sec ? [...sec.usernames] : [],
    },
    totalMs: ms(ctx.totalMs),
    v: 1,
    validation: trace.validation !== undefined ? plainSorted(trace.validation) : undefined,
  };
  // The free-form members were copied in canonical order, unless they hold integer-like keys (which
  // JavaScript enumerates first): only then does link() have to sort the record.
  if ((body.fault === null || inCanonicalOrder(body.fault.detail)) && (body.policyViolation === undefined || inCanonicalOrder(body.policyViolation.detail)) && inCanonicalOrder(body.validation ?? null)) {
    vouchCanonicalOrder(body);
  }
  return body;
}
