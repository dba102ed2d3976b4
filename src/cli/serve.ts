import cluster, { type Worker } from 'node:cluster';
import { loadOrCreateSigningKey } from '../audit/keys.ts';
import { AggregatorRegistry } from 'prom-client';
import { prepareGateway } from '../bootstrap.ts';
import { ConfigError } from '../config/problems.ts';
import { buildAdminApp } from '../plugins/admin.ts';
import { GatewayMetrics } from '../plugins/metrics.ts';
import { createLogger, startGateway, type RunningGateway } from '../server.ts';

type WorkerMessage = { readonly type: 'wsgate:ready'; readonly url: string };

function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
}

async function runSingle(configFile: string, worker: boolean): Promise<number> {
  let gw: RunningGateway;
  try {
    const metrics = worker ? new GatewayMetrics() : undefined;
    if (metrics) {
      // Constructing one installs prom-client's worker-side IPC listener; then point it at our registry.
      new AggregatorRegistry();
      AggregatorRegistry.setRegistries([metrics.registry]);
    }
    const slot = Number(process.env['WSGATE_WORKER_SLOT']);
    gw = await startGateway({ configFile, ...(worker ? { admin: { enabled: false }, metrics, ...(Number.isInteger(slot) && slot > 0 ? { workerSlot: slot } : {}) } : {}) });
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      return 1;
    }
    // Start-up failures other than configuration (audit store unreachable, port taken): one clear line.
    console.error(`wsgate: cannot start: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
  if (worker && process.send) process.send({ type: 'wsgate:ready', url: gw.url } satisfies WorkerMessage);
  await untilSignal();
  await gw.close();
  // A worker's IPC channel to the primary would keep it alive after the gateway closed.
  if (worker) process.disconnect?.();
  return 0;
}

/** Primary of `--workers N`: forks N gateway processes on one port, serves aggregated admin/metrics, restarts crashed workers. */
async function runPrimary(configFile: string, workers: number): Promise<number> {
  let prepared;
  try {
    prepared = prepareGateway(configFile);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      return 1;
    }
    throw err;
  }
  const { gateway } = prepared;
  const logger = createLogger(gateway.logging.level).child({ role: 'primary' });
  logger.warn({ workers }, `${workers} workers: with in-memory stores, rate limits and replay detection are per worker`);
  const aggregator = new AggregatorRegistry();
  const readyWorkers = new Set<number>();
  let stopping = false;
  // Each worker writes its own audit chain, `<instance>-w<slot>`; a restarted worker takes over its slot's chain.
  if (gateway.audit.sink !== 'off') {
    const { created, key } = loadOrCreateSigningKey(gateway.audit.signingKey, { create: gateway.audit.createSigningKey });
    if (created) logger.warn({ keyFile: gateway.audit.signingKey, keyId: key.keyId }, 'audit: created a new checkpoint signing key');
  }
  const slots = new Map<number, number>();
  const fork = (slot: number): Worker => {
    const w = cluster.fork({ WSGATE_WORKER_SLOT: String(slot) });
    slots.set(w.id, slot);
    w.on('message', (m: WorkerMessage) => {
      if (m?.type === 'wsgate:ready') {
        readyWorkers.add(w.id);
        if (readyWorkers.size === workers) logger.info({ url: m.url, workers }, 'wsgate listening');
      }
    });
    return w;
  };
  cluster.on('exit', (w, code, signal) => {
    readyWorkers.delete(w.id);
    if (!stopping) {
      logger.error({ worker: w.id, code, signal }, 'worker exited unexpectedly: starting a new one');
      fork(slots.get(w.id) ?? 0);
    }
  });
  for (let i = 0; i < workers; i++) fork(i + 1);
  const admin = gateway.admin.enabled
    ? buildAdminApp({
        logger,
        isReady: () => !stopping && readyWorkers.size === workers,
        metricsText: async () => ({ contentType: aggregator.contentType, body: await (await aggregator.clusterMetrics()) }),
      })
    : undefined;
  if (admin) await admin.listen({ host: gateway.admin.host, port: gateway.admin.port });

  await untilSignal();
  stopping = true;
  const alive = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
  await Promise.all(
    alive.map(
      (w) =>
        new Promise<void>((resolve) => {
          w.once('exit', () => resolve());
          w.process.kill('SIGTERM');
        }),
    ),
  );
  if (admin) await admin.close();
  logger.info('wsgate stopped');
  return 0;
}

export async function serve(configFile: string, workersOverride: number | undefined): Promise<number> {
  if (cluster.isWorker) return runSingle(configFile, true);
  let workers = workersOverride;
  if (workers === undefined) {
    try {
      workers = prepareGateway(configFile).gateway.workers;
    } catch (err) {
      if (err instanceof ConfigError) {
        console.error(err.message);
        return 1;
      }
      throw err;
    }
  }
  return workers > 1 ? runPrimary(configFile, workers) : runSingle(configFile, false);
}
