import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Fastify, { LogController, type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { BackendAdapter } from './backends/types.ts';
import type { Clock } from './clock.ts';
import { readSecret } from './config/secrets.ts';
import type { GatewayConfig } from './config/types.ts';
import { GatewayError, type ErrorCode, type SoapVersion } from './errors.ts';
import { startTrace, type ExchangeTrace } from './pipeline/exchange.ts';
import { reject } from './pipeline/run.ts';
import type { GatewayMetrics } from './plugins/metrics.ts';
import { audited, recordExchange, registerEndpoint, type EndpointRouteConfig } from './plugins/service-endpoint.ts';
import type { AuditRuntime } from './audit/runtime.ts';
import type { CompiledService } from './service/compiled.ts';
import { publishedDocuments } from './service/published.ts';

export interface AppOptions {
  readonly gateway: GatewayConfig;
  readonly services: readonly CompiledService[];
  readonly backends: ReadonlyMap<string, BackendAdapter>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: GatewayMetrics;
  readonly env?: NodeJS.ProcessEnv;
  /** The audit trail (opened before the app is built); undefined: no audit records. */
  readonly audit?: AuditRuntime;
}

/** Fastify's own transport errors, as catalogue codes. */
function codeForFastifyError(err: FastifyError): ErrorCode {
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'GW_ERR_HTTP_BODY_TOO_LARGE';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_TYPE':
      return 'GW_ERR_HTTP_EMPTY_BODY';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return err.code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH' ? 'GW_ERR_HTTP_BODY_TOO_LARGE' : 'GW_ERR_HTTP_MEDIA_TYPE';
    default:
      if (err.statusCode === 408) return 'GW_ERR_HTTP_TIMEOUT';
      if (err.statusCode === 413) return 'GW_ERR_HTTP_BODY_TOO_LARGE';
      if (err.statusCode === 415) return 'GW_ERR_HTTP_MEDIA_TYPE';
      if (err.code === 'ECONNRESET' || err.code === 'ERR_STREAM_PREMATURE_CLOSE') return 'GW_ERR_HTTP_CLIENT_ABORTED';
      return 'GW_ERR_INTERNAL';
  }
}

/** For requests that matched no endpoint: answer in the version the media type suggests. */
function guessVersion(request: FastifyRequest): SoapVersion {
  return (request.headers['content-type'] ?? '').toLowerCase().includes('application/soap+xml') ? '1.2' : '1.1';
}

function httpsOptions(gateway: GatewayConfig, env: NodeJS.ProcessEnv): Record<string, unknown> | undefined {
  const tls = gateway.tls;
  if (!tls) return undefined;
  const passphrase = tls.passphrase ? readSecret(tls.passphrase, env) : undefined;
  const common = {
    minVersion: 'TLSv1.2',
    ...(tls.clientAuth !== 'none' && tls.clientCa ? { ca: tls.clientCa.map((f) => readFileSync(f)), requestCert: true, rejectUnauthorized: tls.clientAuth === 'require' } : {}),
  };
  if (tls.pfx) return { ...common, pfx: readFileSync(tls.pfx), ...(passphrase !== undefined ? { passphrase } : {}) };
  return { ...common, cert: readFileSync(tls.cert as string), key: readFileSync(tls.key as string), ...(passphrase !== undefined ? { passphrase } : {}) };
}

function bareTrace(request: FastifyRequest, service: string, endpoint: string, version: SoapVersion, clock: Clock): ExchangeTrace {
  return startTrace({
    correlationId: request.id,
    receivedAt: clock.now().toISOString(),
    service,
    endpoint,
    version,
    bytesIn: Number(request.headers['content-length'] ?? 0) || 0,
    requestSha256: '',
    tlsClient: undefined,
    clientIp: request.ip,
  });
}

/** The public listener: one POST/GET route per configured WSDL port, everything else a fault. */
export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const { gateway, clock, logger, metrics } = opts;
  const https = httpsOptions(gateway, opts.env ?? process.env);
  const maxBody = Math.max(1, ...opts.services.map((s) => s.config.limits.maxBodyBytes));
  const app = Fastify({
    loggerInstance: logger,
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    trustProxy: false,
    bodyLimit: maxBody,
    requestTimeout: gateway.requestTimeoutMs,
    return503OnClosing: true,
    ...(https ? { https } : {}),
  }) as unknown as FastifyInstance;

  // Every body arrives as bytes: media type, charset and XML are judged by the pipeline.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  // Without publicUrl, the published address is the one actually bound (listen.port 0 picks one at start).
  const publicBase = (): string => {
    if (gateway.publicUrl) return gateway.publicUrl;
    const addr = app.server.address();
    const port = addr !== null && typeof addr === 'object' ? addr.port : gateway.listen.port;
    return `${https ? 'https' : 'http'}://${gateway.listen.host}:${port}`;
  };
  for (const service of opts.services) {
    const backend = opts.backends.get(service.name);
    if (!backend) throw new Error(`no backend adapter for service ${service.name}`);
    for (const port of service.ports) {
      let rendered: ReadonlyMap<string, string> | undefined;
      const published = (): ReadonlyMap<string, string> => (rendered ??= publishedDocuments(service, port, publicBase()));
      const audit = opts.audit;
      registerEndpoint(
        app,
        { service, port, backend, clock, security: service.security, ...(audit ? { auditRefuses: () => audit.refuses(service.name) } : {}) },
        { clock, metrics, logger, published, audit },
      );
    }
  }

  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    const routeConfig = request.routeOptions.config as Partial<EndpointRouteConfig>;
    const port = routeConfig.wsgatePort;
    const version = port?.version ?? guessVersion(request);
    const trace = bareTrace(request, routeConfig.wsgateService ?? '(none)', port?.path ?? request.url, version, clock);
    const code = codeForFastifyError(error);
    const result = await audited(opts.audit, reject(trace, new GatewayError(code, `${error.code ?? error.name}: ${error.message}`), { version }), undefined, 0, { version });
    recordExchange({ metrics, logger }, result.trace, result.status, 0);
    if (code === 'GW_ERR_HTTP_BODY_TOO_LARGE') reply.header('connection', 'close');
    return reply.code(result.status).header('content-type', result.contentType).header('x-correlation-id', request.id).send(result.body);
  });

  app.setNotFoundHandler(async (request, reply) => {
    const version = guessVersion(request);
    const known = opts.services.some((s) => s.ports.some((p) => p.path === request.url.split('?')[0]));
    const trace = bareTrace(request, '(none)', request.url.split('?')[0] ?? '', version, clock);
    const code: ErrorCode = known ? 'GW_ERR_HTTP_METHOD' : 'GW_ERR_HTTP_NOT_FOUND';
    const result = await audited(opts.audit, reject(trace, new GatewayError(code, `${request.method} ${request.url.slice(0, 200)}`), { version }), undefined, 0, { version });
    recordExchange({ metrics, logger }, result.trace, result.status, 0);
    if (known) reply.header('allow', 'GET, POST');
    return reply.code(result.status).header('content-type', result.contentType).header('x-correlation-id', request.id).send(result.body);
  });

  return app;
}
