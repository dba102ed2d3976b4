import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ExchangeTrace } from '../pipeline/exchange.ts';

/** Prometheus metrics of one gateway process (aggregated across workers by the primary in cluster mode). */
export class GatewayMetrics {
  readonly registry = new Registry();
  readonly #requests: Counter<'service' | 'operation' | 'outcome' | 'code'>;
  readonly #latency: Histogram<'service' | 'operation' | 'outcome'>;
  readonly #backend: Histogram<'service' | 'operation'>;
  readonly #auditDropped: Counter<'mode' | 'reason'>;
  readonly #auditWrite: Histogram;
  readonly #auditEntries: Counter;

  constructor(opts: { defaultMetrics?: boolean } = {}) {
    if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: 'wsgate_' });
    this.#requests = new Counter({
      name: 'wsgate_requests_total',
      help: 'SOAP exchanges by service, operation, outcome and gateway error code',
      labelNames: ['service', 'operation', 'outcome', 'code'],
      registers: [this.registry],
    });
    this.#latency = new Histogram({
      name: 'wsgate_request_duration_seconds',
      help: 'Time from request received to response sent, by service, operation and outcome',
      labelNames: ['service', 'operation', 'outcome'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [this.registry],
    });
    this.#backend = new Histogram({
      name: 'wsgate_backend_duration_seconds',
      help: 'Backend call time (connect to last byte), by service and operation',
      labelNames: ['service', 'operation'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [this.registry],
    });
    this.#auditDropped = new Counter({
      name: 'wsgate_audit_dropped_total',
      help: 'Audit records that could not be chained: best-effort queue full, or lost while the sink was failing (required-mode exchanges were refused)',
      labelNames: ['mode', 'reason'],
      registers: [this.registry],
    });
    this.#auditWrite = new Histogram({
      name: 'wsgate_audit_write_seconds',
      help: 'Duration of one audit write (one group commit: append + fsync, or one transaction)',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [this.registry],
    });
    this.#auditEntries = new Counter({ name: 'wsgate_audit_entries_written_total', help: 'Audit chain entries durably written (records, checkpoints, notices)', registers: [this.registry] });
  }

  /** Hooks for the audit trail. */
  readonly audit = {
    onDrop: (mode: string, reason: string): void => this.#auditDropped.inc({ mode, reason }),
    onWrite: (entries: number, ms: number): void => {
      this.#auditEntries.inc(entries);
      this.#auditWrite.observe(ms / 1000);
    },
  };

  observe(trace: ExchangeTrace, totalMs: number): void {
    const operation = trace.operation ?? '(none)';
    this.#requests.inc({ service: trace.service, operation, outcome: trace.outcome, code: trace.errorCode ?? '' });
    this.#latency.observe({ service: trace.service, operation, outcome: trace.outcome }, totalMs / 1000);
    if (trace.backend) this.#backend.observe({ service: trace.service, operation }, trace.backend.ms / 1000);
  }
}
