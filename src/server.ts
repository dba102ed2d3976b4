import { hostname } from 'node:os';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { buildApp } from './app.ts';
import { SoapPassthroughBackend } from './backends/soap-passthrough.ts';
import type { BackendAdapter } from './backends/types.ts';
import { prepareGateway, type PreparedGateway } from './bootstrap.ts';
import { systemClock, type Clock } from './clock.ts';
import type { ListenConfig } from './config/types.ts';
import { formatWarning } from './config/warnings.ts';
import { buildAdminApp } from './plugins/admin.ts';
import { GatewayMetrics } from './plugins/metrics.ts';
import { openAudit, type AuditRuntime } from './audit/runtime.ts';

export interface StartOptions {
  readonly configFile: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Overrides of the configured listeners (tests use port 0). */
  readonly listen?: Partial<ListenConfig>;
  readonly admin?: Partial<ListenConfig> & { readonly enabled?: boolean };
  /** In cluster mode the primary serves admin/metrics; workers report to it. */
  readonly metrics?: GatewayMetrics;
  /** In cluster mode, this worker's slot: its audit chain is `<instance>-w<slot>`. */
  readonly workerSlot?: number;
}

export interface RunningGateway {
  readonly url: string;
  /** The public Fastify instance (tests use `app.inject`). */
  readonly app: FastifyInstance;
  readonly adminUrl: string | undefined;
  readonly prepared: PreparedGateway;
  readonly metrics: GatewayMetrics;
  readonly audit: AuditRuntime;
  /** Stops accepting, lets in-flight exchanges finish up to shutdown.graceMs, then closes everything. */
  close(): Promise<void>;
}

function urlOf(address: AddressInfo | string | null, proto: string): string {
  if (address === null || typeof address === 'string') return String(address);
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `${proto}://${host}:${address.port}`;
}

export function createLogger(level: string): Logger {
  // Asynchronous stdout: lines written while a write is pending are coalesced, so one JSON line per
  // exchange does not cost a write(2) each under load. pino flushes on exit; close() flushes too.
  return pino(
    { level, base: { instance: `${hostname()}:${process.pid}` }, redact: { paths: ['*.authorization', '*.passphrase', 'headers.authorization', 'headers.cookie'], censor: '[redacted]' } },
    pino.destination({ dest: 1, sync: false }),
  );
}

/** Loads, validates and compiles the configuration, then starts the public and admin listeners. */
export async function startGateway(opts: StartOptions): Promise<RunningGateway> {
  const env = opts.env ?? process.env;
  const prepared = prepareGateway(opts.configFile, env);
  const { gateway } = prepared;
  const logger = opts.logger ?? createLogger(gateway.logging.level);
  for (const w of prepared.warnings) logger.warn({ warning: w.code }, formatWarning(w));
  const clock = opts.clock ?? systemClock;
  const metrics = opts.metrics ?? new GatewayMetrics();
  const backends = new Map<string, BackendAdapter>(prepared.services.map((s) => [s.name, new SoapPassthroughBackend(s.config.backend)]));
  // The audit trail opens first: a required-mode gateway that cannot record does not take traffic.
  const audit = await openAudit({ gateway, services: prepared.services, clock, logger, env, metrics: metrics.audit, ...(opts.workerSlot !== undefined ? { workerSlot: opts.workerSlot } : {}) });
  const app = await buildApp({ gateway, services: prepared.services, backends, clock, logger, metrics, env, audit });

  let ready = false;
  let shuttingDown = false;
  // Once shutdown begins, responses close their connection so keep-alive clients cannot hold it open.
  app.addHook('onSend', async (_request, reply, payload) => {
    if (shuttingDown) reply.header('connection', 'close');
    return payload;
  });
  const adminCfg = { ...gateway.admin, ...opts.admin };
  const admin = adminCfg.enabled
    ? buildAdminApp({
        logger,
        isReady: () => ready,
        metricsText: async () => ({ contentType: metrics.registry.contentType, body: await metrics.registry.metrics() }),
      })
    : undefined;

  const listen = { ...gateway.listen, ...opts.listen };
  await app.listen({ host: listen.host, port: listen.port });
  const url = urlOf(app.server.address(), gateway.tls ? 'https' : 'http');
  let adminUrl: string | undefined;
  if (admin) {
    await admin.listen({ host: adminCfg.host, port: adminCfg.port });
    adminUrl = urlOf(admin.server.address(), 'http');
  }
  ready = true;
  for (const s of prepared.services) {
    for (const p of s.ports) logger.info({ service: s.name, port: p.wsdlPort.name, soap: p.version, path: p.path, backend: p.backendUrl.href, operations: p.operations.length }, 'endpoint ready');
  }
  logger.info({ url, adminUrl }, 'wsgate listening');

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      ready = false;
      shuttingDown = true;
      const sweeper = setInterval(() => app.server.closeIdleConnections(), 50);
      const deadline = new Promise<'timeout'>((resolve) => setTimeout(resolve, gateway.shutdown.graceMs, 'timeout').unref());
      const result = await Promise.race([app.close().then(() => 'closed' as const), deadline]);
      if (result === 'timeout') {
        logger.warn({ graceMs: gateway.shutdown.graceMs }, 'shutdown grace period over: closing remaining connections');
        app.server.closeAllConnections();
        await app.close();
      }
      clearInterval(sweeper);
      await Promise.all([...backends.values()].map((b) => b.close()));
      // Every exchange has finished: seal the chain with the final checkpoint.
      await audit.close().catch((err: unknown) => logger.error({ err: err instanceof Error ? err.message : String(err) }, 'audit: could not write the final checkpoint'));
      if (admin) await admin.close();
      logger.info('wsgate stopped');
      logger.flush();
    })();
    return closing;
  };
  return { url, app, adminUrl, prepared, metrics, audit, close };
}
