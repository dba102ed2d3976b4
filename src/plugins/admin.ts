import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';

export interface AdminOptions {
  readonly logger: Logger;
  /** Prometheus text exposition of the current metrics. */
  metricsText(): Promise<{ contentType: string; body: string }>;
  /** True while the gateway accepts traffic (false before listening and once shutdown began). */
  isReady(): boolean;
}

/** The admin listener: liveness, readiness and Prometheus metrics, apart from client traffic. */
export function buildAdminApp(opts: AdminOptions): FastifyInstance {
  const app = Fastify({ loggerInstance: opts.logger.child({ listener: 'admin' }), logController: new LogController({ disableRequestLogging: true }) }) as unknown as FastifyInstance;
  app.get('/healthz', async (_req, reply) => reply.send({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => (opts.isReady() ? reply.send({ status: 'ready' }) : reply.code(503).send({ status: 'not ready' })));
  app.get('/metrics', async (_req, reply) => {
    const m = await opts.metricsText();
    return reply.header('content-type', m.contentType).send(m.body);
  });
  return app;
}
