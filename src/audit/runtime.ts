import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import { readSecret } from '../config/secrets.ts';
import type { AuditModeConfig, GatewayConfig } from '../config/types.ts';
import type { ExchangeTrace } from '../pipeline/exchange.ts';
import type { CompiledService } from '../service/compiled.ts';
import { loadOrCreateSigningKey, type AuditSigningKey } from './keys.ts';
import { buildRecord } from './record.ts';
import { payloadCapture, type PayloadCapture } from './redact.ts';
import type { AuditSink } from './sink.ts';
import { FileAuditSink } from './sinks/file.ts';
import { AuditTrail, AuditUnavailableError, type AuditMode } from './trail.ts';

export interface AuditMetricsHooks {
  onDrop(mode: AuditMode, why: string): void;
  onWrite(entries: number, ms: number): void;
}

interface ServiceAudit {
  readonly mode: AuditMode;
  readonly capture: PayloadCapture | undefined;
  readonly captureRequest: boolean;
  readonly captureResponse: boolean;
  readonly legacyOptIns: readonly string[];
}

/** What one finished exchange hands to the audit trail. */
export interface FinishedExchange {
  readonly trace: ExchangeTrace;
  readonly status: number;
  readonly totalMs: number;
  readonly request: Buffer | undefined;
  readonly requestContentType: string | undefined;
  readonly response: Buffer | string;
  readonly responseContentType: string | undefined;
}

/** The audit trail of this gateway instance, with each service's mode and payload capture. */
export class AuditRuntime {
  readonly trail: AuditTrail | undefined;
  readonly chain: string;
  readonly #services: ReadonlyMap<string, ServiceAudit>;
  readonly #unrouted: AuditMode;
  readonly #instance: string;

  constructor(trail: AuditTrail | undefined, chain: string, services: ReadonlyMap<string, ServiceAudit>, unrouted: AuditMode, instance: string) {
    this.trail = trail;
    this.chain = chain;
    this.#services = services;
    this.#unrouted = unrouted;
    this.#instance = instance;
  }

  modeOf(service: string): AuditMode {
    if (this.trail === undefined) return 'off';
    return this.#services.get(service)?.mode ?? this.#unrouted;
  }

  /** Required-mode services refuse requests while the sink is failing, before any backend call. */
  refuses(service: string): boolean {
    return this.modeOf(service) === 'required' && this.trail !== undefined && !this.trail.available;
  }

  /** Records one exchange; rejects with AuditUnavailableError when a required record could not be made durable. */
  record(x: FinishedExchange): Promise<void> {
    const trail = this.trail;
    const mode = this.modeOf(x.trace.service);
    if (trail === undefined || mode === 'off') return Promise.resolve();
    const svc = this.#services.get(x.trace.service);
    const capture = svc?.capture;
    const payload =
      capture !== undefined
        ? {
            request: svc?.captureRequest && x.request !== undefined ? capture.capture(x.request, x.requestContentType) : null,
            response: svc?.captureResponse ? capture.capture(x.response, x.responseContentType) : null,
          }
        : undefined;
    const record = buildRecord(x.trace, { instance: this.#instance, mode, status: x.status, totalMs: x.totalMs, response: x.response, legacyOptIns: svc?.legacyOptIns ?? [], ...(payload ? { payload } : {}) });
    return trail.submit(record, mode);
  }

  async close(): Promise<void> {
    await this.trail?.close();
  }
}

export { AuditUnavailableError };

/** This instance's chain id: configured, or the host name; workers add `-w<slot>`. */
export function chainIdOf(gateway: GatewayConfig, workerSlot: number | undefined): string {
  const base = (gateway.audit.instanceId ?? hostname().replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 56)) || 'wsgate';
  return workerSlot === undefined ? base : `${base}-w${workerSlot}`;
}

export interface OpenAuditOptions {
  readonly gateway: GatewayConfig;
  readonly services: readonly CompiledService[];
  readonly clock: Clock;
  readonly logger: Logger;
  readonly env: NodeJS.ProcessEnv;
  readonly workerSlot?: number;
  readonly metrics?: AuditMetricsHooks;
}

async function sinkOf(gateway: GatewayConfig, env: NodeJS.ProcessEnv): Promise<AuditSink> {
  const a = gateway.audit;
  if (a.sink === 'postgres') {
    const pg = a.postgres;
    if (pg === undefined) throw new Error('audit.sink is postgres but audit.postgres is missing');
    // The PostgreSQL client is loaded only by gateways that use it.
    const { PostgresAuditSink } = await import('./sinks/postgres.ts');
    return new PostgresAuditSink(pg, pg.password !== undefined ? readSecret(pg.password, env) : undefined);
  }
  return new FileAuditSink({ dir: a.dir, maxBytes: a.rotate.maxBytes, daily: a.rotate.daily });
}

/** Opens the sink and the chain (sealing what a crash left open) before the gateway takes traffic. */
export async function openAudit(o: OpenAuditOptions): Promise<AuditRuntime> {
  const a = o.gateway.audit;
  const chain = chainIdOf(o.gateway, o.workerSlot);
  const services = new Map<string, ServiceAudit>(
    o.services.map((s) => {
      const c = s.config.audit.capture;
      const capture = c.request || c.response ? payloadCapture(c, s.config.limits) : undefined;
      return [s.name, { mode: s.config.audit.mode as AuditModeConfig, capture, captureRequest: c.request, captureResponse: c.response, legacyOptIns: s.config.security.legacy.map(String) }];
    }),
  );
  if (a.sink === 'off') return new AuditRuntime(undefined, chain, services, 'off', chain);
  const { key, created } = loadOrCreateSigningKey(a.signingKey, {
    create: a.createSigningKey && o.workerSlot === undefined,
    ...(a.signingKeyPassphrase !== undefined ? { passphrase: readSecret(a.signingKeyPassphrase, o.env) } : {}),
  });
  if (created) o.logger.warn({ keyFile: a.signingKey, keyId: key.keyId }, `audit: created a new checkpoint signing key; give ${a.signingKey}.pub.pem (key id ${key.keyId}) to whoever verifies the trail`);
  const trail = new AuditTrail({
    sink: await sinkOf(o.gateway, o.env),
    key: key as AuditSigningKey,
    chain,
    clock: o.clock,
    logger: o.logger,
    checkpoint: a.checkpoint,
    maxQueue: a.queue.maxEntries,
    maxBatch: a.queue.maxBatch,
    ...(o.metrics ? { onDrop: (m: AuditMode, why: string) => o.metrics?.onDrop(m, why), onWrite: (n: number, ms: number) => o.metrics?.onWrite(n, ms) } : {}),
  });
  await trail.start();
  o.logger.info({ chain, sink: a.sink, keyId: key.keyId, head: trail.head.seq }, 'audit trail open');
  return new AuditRuntime(trail, chain, services, a.unroutedMode, chain);
}
