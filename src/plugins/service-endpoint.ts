import type { TLSSocket } from 'node:tls';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { ExchangeResult, ExchangeTrace, InboundRequest, TlsClientInfo } from '../pipeline/exchange.ts';
import { runExchange, type PipelineContext } from '../pipeline/run.ts';
import { ClientAbort } from '../pipeline/client-abort.ts';
import type { Clock } from '../clock.ts';
import type { GatewayMetrics } from './metrics.ts';
import { AuditUnavailableError, type AuditRuntime } from '../audit/runtime.ts';
import { GatewayError } from '../errors.ts';
import { reject } from '../pipeline/run.ts';

export interface EndpointDeps {
  readonly clock: Clock;
  readonly metrics: GatewayMetrics;
  readonly logger: Logger;
  /** Rendered ?wsdl / ?xsd documents of this endpoint: key 'wsdl' (main), 'wsdl=N', 'xsd=N' (rendered once, on first use, when the bound address is known). */
  readonly published: () => ReadonlyMap<string, string>;
  /** The audit trail; undefined when auditing is off. */
  readonly audit: AuditRuntime | undefined;
}

/** The route config Fastify carries for our endpoints (read by the error handler). */
export interface EndpointRouteConfig {
  readonly wsgatePort: PipelineContext['port'];
  readonly wsgateService: string;
}

export function tlsClientOf(request: FastifyRequest): TlsClientInfo | undefined {
  const socket = request.raw.socket as Partial<TLSSocket>;
  if (typeof socket.getPeerCertificate !== 'function' || socket.authorized !== true) return undefined;
  const cert = socket.getPeerCertificate(false);
  if (!cert || !cert.raw) return undefined;
  const dn = (o: Record<string, string | string[] | undefined>): string =>
    Object.entries(o)
      .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : (v ?? '')}`)
      .join(', ');
  return { fingerprint256: cert.fingerprint256, subject: dn(cert.subject as unknown as Record<string, string>), issuer: dn(cert.issuer as unknown as Record<string, string>), serialNumber: cert.serialNumber, raw: cert.raw };
}

/** One log line and one metrics observation per exchange, whatever its end. */
export function recordExchange(deps: Pick<EndpointDeps, 'metrics' | 'logger'>, trace: ExchangeTrace, status: number, totalMs: number): void {
  deps.metrics.observe(trace, totalMs);
  const ok = trace.outcome === 'forwarded' || trace.outcome === 'backend_fault';
  const level = ok ? 'info' : trace.outcome === 'failed' ? 'error' : 'warn';
  // The line is built only when it will be written. Object.assign, not `{ ...trace, status, totalMs }`
  // (same keys, same order): in V8 a spread followed by more properties is a slow runtime copy
  // (~5 µs for a trace).
  if (!deps.logger.isLevelEnabled(level)) return;
  const line = Object.assign({}, trace, { status, totalMs: Math.round(totalMs * 1000) / 1000 });
  if (ok) deps.logger.info(line, 'exchange');
  else if (level === 'error') deps.logger.error(line, 'exchange failed');
  else deps.logger.warn(line, 'exchange rejected');
}

/**
 * Hands the exchange to the audit trail; in `required` mode the response waits until its record is
 * durable, and is replaced by GW_ERR_AUDIT_UNAVAILABLE when it cannot be.
 */
export async function audited(audit: AuditRuntime | undefined, result: ExchangeResult, inbound: Pick<InboundRequest, 'body' | 'headers'> | undefined, totalMs: number, port: Pick<PipelineContext['port'], 'version'>): Promise<ExchangeResult> {
  if (audit === undefined) return result;
  try {
    await audit.record({
      trace: result.trace,
      status: result.status,
      totalMs,
      request: inbound?.body,
      requestContentType: inbound?.headers['content-type'],
      response: result.body,
      responseContentType: result.contentType,
    });
    return result;
  } catch (err) {
    if (!(err instanceof AuditUnavailableError)) throw err;
    const previous = result.trace.errorCode ?? result.trace.outcome;
    return reject(result.trace, new GatewayError('GW_ERR_AUDIT_UNAVAILABLE', `the record of this exchange (${previous}) could not be made durable: ${err.message}`), port);
  }
}

function send(reply: FastifyReply, result: ExchangeResult): FastifyReply {
  reply.code(result.status).header('x-correlation-id', result.trace.correlationId);
  if (result.contentType !== undefined) reply.header('content-type', result.contentType);
  return reply.send(result.body);
}

export function registerEndpoint(app: FastifyInstance, ctx: PipelineContext, deps: EndpointDeps): void {
  const config: EndpointRouteConfig = { wsgatePort: ctx.port, wsgateService: ctx.service.name };

  app.route({
    method: 'POST',
    url: ctx.port.path,
    bodyLimit: ctx.service.config.limits.maxBodyBytes,
    config,
    handler: async (request, reply) => {
      const started = performance.now();
      const aborter = new ClientAbort();
      const onClose = (): void => {
        if (!reply.raw.writableFinished) aborter.abort();
      };
      reply.raw.on('close', onClose);
      const inbound: InboundRequest = {
        correlationId: request.id,
        receivedAt: deps.clock.now(),
        headers: request.headers,
        body: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
        clientIp: request.ip,
        proto: request.protocol === 'https' ? 'https' : 'http',
        tlsClient: tlsClientOf(request),
        signal: aborter,
      };
      let result: ExchangeResult;
      try {
        result = await runExchange(ctx, inbound);
      } finally {
        // The signal only matters while the exchange runs (the backend call). Left attached, the
        // listener kept the controller and its signal alive with the response object: most were
        // promoted to the old generation, about half of what each scavenge promoted, and
        // mark-compacts came twice as often.
        reply.raw.removeListener('close', onClose);
      }
      result = await audited(deps.audit, result, inbound, performance.now() - started, ctx.port);
      recordExchange(deps, result.trace, result.status, performance.now() - started);
      if (result.trace.outcome === 'aborted') return reply.hijack();
      return send(reply, result);
    },
  });

  app.route({
    method: 'GET',
    url: ctx.port.path,
    config,
    handler: async (request, reply) => {
      const query = request.query as Record<string, string | undefined>;
      const key = Object.keys(query).map((k) => k.toLowerCase());
      let doc: string | undefined;
      if (key.length === 1 && key[0] === 'wsdl') {
        const n = Object.values(query)[0];
        doc = deps.published().get(n ? `wsdl=${n}` : 'wsdl');
      } else if (key.length === 1 && key[0] === 'xsd') {
        doc = deps.published().get(`xsd=${Object.values(query)[0] ?? ''}`);
      }
      if (doc === undefined) return reply.code(404).header('content-type', 'text/plain; charset=utf-8').send('Not found: use ?wsdl, ?wsdl=N or ?xsd=N\n');
      return reply.code(200).header('content-type', 'text/xml; charset=utf-8').header('cache-control', 'no-cache').send(doc);
    },
  });
}
