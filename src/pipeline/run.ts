import { hash as sha } from 'node:crypto';
import { XMLSerializer } from '@xmldom/xmldom';
import type { BackendAdapter } from '../backends/types.ts';
import { GatewayError, toGatewayError } from '../errors.ts';
import type { CompiledPort, CompiledService } from '../service/compiled.ts';
import { checkBodyMatches, dispatch } from '../soap/dispatch.ts';
import { readEnvelope } from '../soap/envelope.ts';
import { buildFault } from '../soap/fault.ts';
import { readSoapActionHeader, readSoapMediaType } from '../soap/media-type.ts';
import { MustUnderstandError, checkMustUnderstand } from '../soap/must-understand.ts';
import { parseXml } from '../xml/parse.ts';
import type { Clock } from '../clock.ts';
import { judgeOperationPolicy } from '../policy/enforce.ts';
import { policyRefOf } from '../audit/policy-ref.ts';
import { authorizeOperation } from '../auth/authorize.ts';
import { principalOf, summarizePrincipal } from '../auth/principal.ts';
import type { SecurityFacts } from '../security/types.ts';
import { processSecurity } from '../security/engine.ts';
import { stripForForwarding } from '../security/forward.ts';
import { checkReplay } from '../security/replay-check.ts';
import type { SecurityRuntime } from '../security/runtime.ts';
import { summarizeFacts } from '../security/summary.ts';
import { SchemaInvalidError } from '../validation/error.ts';
import { checkRequestSchema, checkResponseSchema } from '../validation/stage.ts';
import { startTrace, type ExchangeResult, type ExchangeTrace, type InboundRequest } from './exchange.ts';

/** Everything a request needs that was decided at start-up. */
export interface PipelineContext {
  readonly service: CompiledService;
  readonly port: CompiledPort;
  readonly backend: BackendAdapter;
  readonly clock: Clock;
  /** WS-Security runtime of the service; undefined when `security.mode` is off. */
  readonly security: SecurityRuntime | undefined;
  /** True while the service audits in `required` mode and the audit sink is failing. */
  readonly auditRefuses?: () => boolean;
}

function newTrace(ctx: PipelineContext, req: InboundRequest): ExchangeTrace {
  return startTrace({
    correlationId: req.correlationId,
    receivedAt: req.receivedAt.toISOString(),
    service: ctx.service.name,
    endpoint: ctx.port.path,
    version: ctx.port.version,
    bytesIn: req.body.length,
    requestSha256: sha('sha256', req.body, 'hex'),
    tlsClient: req.tlsClient ? { fingerprint256: req.tlsClient.fingerprint256, subject: req.tlsClient.subject, issuer: req.tlsClient.issuer } : undefined,
    clientIp: req.clientIp,
  });
}

async function timedAsync<T>(trace: ExchangeTrace, stage: string, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  try {
    return await fn();
  } finally {
    trace.stages.push({ stage, ms: performance.now() - t0 });
  }
}

function timed<T>(trace: ExchangeTrace, stage: string, fn: () => T): T {
  const t0 = performance.now();
  try {
    return fn();
  } finally {
    trace.stages.push({ stage, ms: performance.now() - t0 });
  }
}

/**
 * The request path, in order. This is the one place the order of stages is written
 * (docs/ARCHITECTURE.md lists the stages still to come between dispatch and backend).
 */
export async function runExchange(ctx: PipelineContext, req: InboundRequest): Promise<ExchangeResult> {
  const { port, service } = ctx;
  const trace = newTrace(ctx, req);
  try {
    // 0. audit: a service that audits in required mode takes no request its trail cannot record.
    if (ctx.auditRefuses?.() === true) throw new GatewayError('GW_ERR_AUDIT_UNAVAILABLE', 'the audit sink is failing and the service audits in required mode');
    // 1. read: the body arrived within maxBodyBytes (enforced while streaming by the transport).
    if (req.body.length === 0) throw new GatewayError('GW_ERR_HTTP_EMPTY_BODY', 'POST without a body');
    const media = timed(trace, 'media-type', () => readSoapMediaType(req.headers['content-type'], port.version));
    // 2. parse: decode, streaming pre-scan with hard limits, then the DOM.
    const parsed = timed(trace, 'parse', () => parseXml(req.body, media.charset, service.config.limits));
    trace.encoding = parsed.encoding;
    // 3. envelope shape and dispatch to the WSDL operation.
    const envelope = timed(trace, 'envelope', () => readEnvelope(parsed.doc, port.version));
    const httpAction = port.version === '1.1' ? readSoapActionHeader(req.headers['soapaction']) : media.action?.trim() || undefined;
    const dispatched = timed(trace, 'dispatch', () => dispatch(envelope, port, { httpAction }));
    trace.operation = dispatched.operation.name;
    trace.action = dispatched.action;
    trace.dispatchedBy = dispatched.by;
    // The SOAP processing model: mandatory headers for the gateway must be understood before any is processed.
    timed(trace, 'headers', () => checkMustUnderstand(envelope, port));
    let forwardEnvelope = envelope;
    let modified = false;
    let facts: SecurityFacts | undefined;
    const security = ctx.security;
    if (security !== undefined) {
      // 4. WS-Security processing (decrypts in place), 5. trust (inside the signature processor).
      const verified = await timedAsync(trace, 'security', () => processSecurity(envelope, port, security, ctx.clock));
      facts = verified;
      trace.security = summarizeFacts(verified);
      // Decryption changed the Body: its shape and the dispatched operation are checked again.
      forwardEnvelope = timed(trace, 'envelope-after-security', () => readEnvelope(parsed.doc, port.version));
      if (!dispatched.bodyChecked || verified.decryptions.length > 0) checkBodyMatches(forwardEnvelope, dispatched);
      // 6. policy, on the facts, by node identity.
      const requirements = port.policies.get(dispatched.operation.name);
      const policyMode = security.config.policyModes[dispatched.operation.name] ?? security.config.policyMode;
      trace.policy = policyRefOf(service.name, dispatched.operation.name, requirements, policyMode);
      const verdict = timed(trace, 'policy', () => judgeOperationPolicy(requirements, { facts: verified, envelope: forwardEnvelope, transport: req }));
      if (verdict instanceof GatewayError) {
        // report-only: the violation is recorded and the message goes on (processing failures were thrown already).
        if (policyMode === 'enforce') throw verdict;
        trace.policyViolation = { code: verdict.code, reason: verdict.reason, detail: verdict.detail };
      }
    } else if (!dispatched.bodyChecked) {
      // Without WS-Security an encrypted Body cannot be read, so it cannot match the operation.
      timed(trace, 'body-check', () => checkBodyMatches(envelope, dispatched));
    }
    // 7. identity, then authorization: the verified principal against the operation's rule (default deny once rules exist).
    const principal = principalOf(facts, req.tlsClient);
    trace.principal = summarizePrincipal(principal);
    const authz = service.config.authorization;
    if (authz !== undefined) {
      const operation = dispatched.operation.name;
      const decision = timed(trace, 'authorization', () => authorizeOperation(authz, operation, principal));
      trace.authorization = decision;
      if (!decision.allowed) throw new GatewayError('GW_ERR_AUTHZ_DENIED', decision.reason, { operation });
    }
    // 7a. schema: the (decrypted) Body against the WSDL's XML Schema, when the operation validates requests.
    checkRequestSchema(service.validation, dispatched.operation, forwardEnvelope, trace);
    if (security !== undefined && facts !== undefined) {
      const verified = facts;
      // Replay after every check, authorization included: only messages that passed them all are remembered.
      await timedAsync(trace, 'replay', () => checkReplay(verified, security, ctx.clock));
      trace.droppedHeaders = stripForForwarding(forwardEnvelope, verified, port);
      modified = true;
    }
    // 9. backend: forward the checked envelope.
    const body = parsed.encoding === 'utf-8' && !modified ? req.body : Buffer.from(`<?xml version="1.0" encoding="utf-8"?>${new XMLSerializer().serializeToString(forwardEnvelope.root)}`, 'utf8');
    const t0 = performance.now();
    try {
      const res = await ctx.backend.forward({
        url: port.backendUrl,
        version: port.version,
        body,
        action: dispatched.action ?? (dispatched.operation.soapAction || undefined),
        correlationId: req.correlationId,
        clientIp: req.clientIp,
        proto: req.proto,
        incomingHeaders: req.headers,
        signal: req.signal,
      });
      trace.backend = { url: port.backendUrl.href, status: res.status, ms: res.durationMs };
      trace.outcome = res.status >= 200 && res.status < 300 ? 'forwarded' : 'backend_fault';
      trace.bytesOut = res.body.length;
      checkResponseSchema(service.validation, dispatched.operation, res, port.version, service.config, trace);
      return { status: res.status, contentType: res.contentType, body: res.body, trace };
    } catch (err) {
      trace.backend ??= { url: port.backendUrl.href, status: undefined, ms: performance.now() - t0 };
      throw err;
    } finally {
      trace.stages.push({ stage: 'backend', ms: performance.now() - t0 });
    }
  } catch (err) {
    return reject(trace, err, port);
  }
}

/** Turns any failure into the client-facing fault, keeping the precise reason in the trace. */
export function reject(trace: ExchangeTrace, err: unknown, port: Pick<CompiledPort, 'version'>): ExchangeResult {
  const ge = toGatewayError(err);
  trace.errorCode = ge.code;
  trace.reason = ge.reason;
  trace.errorDetail = ge.detail;
  trace.outcome = ge.code === 'GW_ERR_HTTP_CLIENT_ABORTED' ? 'aborted' : ge.code.startsWith('GW_ERR_BACKEND_') || ge.code === 'GW_ERR_INTERNAL' ? 'failed' : 'rejected';
  const fault = buildFault(ge.code, port.version, {
    correlationId: trace.correlationId,
    ...(ge instanceof MustUnderstandError ? { notUnderstood: ge.notUnderstood } : {}),
    ...(ge instanceof SchemaInvalidError ? { violations: ge.violations } : {}),
  });
  trace.bytesOut = Buffer.byteLength(fault.body);
  return { status: fault.status, contentType: fault.contentType, body: fault.body, trace };
}
