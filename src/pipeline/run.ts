import { createHash } from 'node:crypto';
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
import type { ExchangeResult, ExchangeTrace, InboundRequest } from './exchange.ts';

/** Everything a request needs that was decided at start-up. */
export interface PipelineContext {
  readonly service: CompiledService;
  readonly port: CompiledPort;
  readonly backend: BackendAdapter;
}

function newTrace(ctx: PipelineContext, req: InboundRequest): ExchangeTrace {
  return {
    correlationId: req.correlationId,
    receivedAt: req.receivedAt.toISOString(),
    service: ctx.service.name,
    endpoint: ctx.port.path,
    version: ctx.port.version,
    operation: undefined,
    action: undefined,
    dispatchedBy: undefined,
    outcome: 'rejected',
    errorCode: undefined,
    reason: undefined,
    errorDetail: undefined,
    stages: [],
    backend: undefined,
    bytesIn: req.body.length,
    bytesOut: 0,
    requestSha256: createHash('sha256').update(req.body).digest('hex'),
    encoding: undefined,
    tlsClient: req.tlsClient ? { fingerprint256: req.tlsClient.fingerprint256, subject: req.tlsClient.subject, issuer: req.tlsClient.issuer } : undefined,
  };
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
    // 4-8 (WS-Security, trust, policy, identity, throttling) run here as they land; until then an
    // encrypted Body cannot be read and is refused by the Body check below.
    if (!dispatched.bodyChecked) timed(trace, 'body-check', () => checkBodyMatches(envelope, dispatched));
    timed(trace, 'headers', () => checkMustUnderstand(envelope, port));
    // 9. backend: forward the checked envelope.
    const body = parsed.encoding === 'utf-8' ? req.body : Buffer.from(`<?xml version="1.0" encoding="utf-8"?>${new XMLSerializer().serializeToString(envelope.root)}`, 'utf8');
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
      return { status: res.status, contentType: res.contentType, body: res.body, trace };
    } catch (err) {
      trace.backend = { url: port.backendUrl.href, status: undefined, ms: performance.now() - t0 };
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
  });
  trace.bytesOut = Buffer.byteLength(fault.body);
  return { status: fault.status, contentType: fault.contentType, body: fault.body, trace };
}
