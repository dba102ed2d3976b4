/**
 * Real chains for the audit CLI tests: records built by buildRecord from exchange traces, chained
 * by the real AuditTrail into the real FileAuditSink, with a clock the test moves.
 */
import { generateKeyPairSync } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { AuditEntry } from '../../../src/audit/entries.ts';
import { signingKeyFromPem, type AuditSigningKey } from '../../../src/audit/keys.ts';
import { buildRecord } from '../../../src/audit/record.ts';
import type { AuditSink } from '../../../src/audit/sink.ts';
import { FileAuditSink } from '../../../src/audit/sinks/file.ts';
import { AuditTrail } from '../../../src/audit/trail.ts';
import type { AuditIo } from '../../../src/cli/audit/args.ts';
import { runAudit } from '../../../src/cli/audit/index.ts';
import type { ErrorCode } from '../../../src/errors.ts';
import { startTrace, type PrincipalSummary } from '../../../src/pipeline/exchange.ts';

export type Decision = 'accepted' | 'backend_fault' | 'rejected' | 'failed' | 'aborted';

export interface RecordSpec {
  readonly receivedAt: string;
  readonly operation?: string;
  readonly decision?: Decision;
  readonly fault?: ErrorCode;
  readonly principal?: string;
  readonly application?: string;
  readonly service?: string;
  readonly status?: number;
  readonly correlationId?: string;
}

/** One exchange's audit record, as the pipeline would hand it to the trail. */
export function recordOf(spec: RecordSpec, n: number): ReturnType<typeof buildRecord> {
  const trace = startTrace({
    correlationId: spec.correlationId ?? `corr-${String(n).padStart(4, '0')}`,
    receivedAt: spec.receivedAt,
    service: spec.service ?? 'policy-admin',
    endpoint: '/PolicyAdministration/soap11',
    version: '1.1',
    bytesIn: 4600,
    requestSha256: 'ab'.repeat(32),
    tlsClient: undefined,
    clientIp: '10.0.0.7',
  });
  const decision = spec.decision ?? 'accepted';
  trace.operation = spec.operation ?? 'GetPolicy';
  trace.outcome = decision === 'accepted' ? 'forwarded' : decision;
  if (spec.fault !== undefined) {
    trace.errorCode = spec.fault;
    trace.reason = `precise reason for ${spec.fault}`;
  }
  const principal: PrincipalSummary | undefined = spec.principal !== undefined ? { kind: 'x509', subject: spec.principal, issuer: 'CN=Demo CA', application: spec.application } : undefined;
  trace.principal = principal;
  const status = spec.status ?? (decision === 'accepted' ? 200 : 500);
  return buildRecord(trace, { instance: 'gw1', mode: 'required', status, totalMs: 12.5 + (n % 7), response: `response ${n}`, legacyOptIns: [] });
}

export function newKey(): AuditSigningKey {
  const { privateKey } = generateKeyPairSync('ed25519');
  return signingKeyFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }));
}

const made: string[] = [];

export function tempDir(prefix = 'wsgate-audit-cli-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Removes every directory tempDir made (call from afterAll). */
export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export interface ChainFixture {
  /** The audit directory (JSON Lines files, and the gateway's key pair like the gateway keeps it). */
  readonly dir: string;
  readonly key: AuditSigningKey;
  /** A copy of the public key kept apart from the trail: what a verifier pins. */
  readonly pinnedKey: string;
  readonly chain: string;
}

export interface ChainOptions {
  readonly dir?: string;
  readonly key?: AuditSigningKey;
  readonly chain?: string;
  readonly everyRecords?: number;
  /** Rotate files above this size (bytes). */
  readonly maxBytes?: number;
  /** Leave the chain open (no shutdown checkpoint), as a running gateway does. */
  readonly open?: boolean;
  readonly sink?: AuditSink;
}

/** Chains the records one write each (clock = each record's receivedAt + 5 ms) and closes the trail. */
export async function writeChain(specs: readonly RecordSpec[], o: ChainOptions = {}): Promise<ChainFixture> {
  const dir = o.dir ?? tempDir();
  const key = o.key ?? newKey();
  const chain = o.chain ?? 'gw1';
  let now = Date.parse(specs[0]?.receivedAt ?? '2026-03-01T00:00:00Z');
  const trail = new AuditTrail({
    sink: o.sink ?? new FileAuditSink({ dir, maxBytes: o.maxBytes ?? 64 * 1024 * 1024, daily: true }),
    key,
    chain,
    clock: { now: () => new Date(now) },
    logger: pino({ level: 'silent' }),
    checkpoint: { everyRecords: o.everyRecords ?? 5, everySeconds: 3600 },
    maxQueue: 1000,
    maxBatch: 100,
  });
  await trail.start();
  for (const [i, spec] of specs.entries()) {
    now = Math.max(now, Date.parse(spec.receivedAt) + 5);
    await trail.submit(recordOf(spec, i + 1), 'required');
  }
  now += 1000;
  if (o.open !== true) await trail.close();
  writeFileSync(join(dir, 'audit-signing.key.pub.pem'), key.publicPem);
  const pinnedKey = join(tempDir('wsgate-audit-key-'), 'trusted.pub.pem');
  writeFileSync(pinnedKey, key.publicPem);
  return { dir, key, pinnedKey, chain };
}

/** `count` records, one every `stepMinutes` from `start`, mixing operations, decisions and principals. */
export function mixedSpecs(count: number, start = '2026-03-02T08:00:00Z', stepMinutes = 30): RecordSpec[] {
  const ops = ['GetPolicy', 'ListPolicies', 'UpdatePolicy', 'CancelPolicy'];
  return Array.from({ length: count }, (_, i) => {
    const rejected = i % 4 === 3;
    return {
      receivedAt: new Date(Date.parse(start) + i * stepMinutes * 60_000).toISOString(),
      operation: ops[i % ops.length] as string,
      decision: rejected ? 'rejected' : 'accepted',
      ...(rejected ? { fault: (i % 8 === 3 ? 'GW_ERR_SEC_REJECTED' : 'GW_ERR_AUTHZ_DENIED') as ErrorCode } : {}),
      principal: i % 3 === 0 ? 'CN=broker-portal,O=Insurer' : 'CN=claims-batch,O=Insurer',
      application: i % 3 === 0 ? 'broker-portal' : 'claims-batch',
    } satisfies RecordSpec;
  });
}

/** A copy of an audit directory to tamper with. */
export function copyDir(dir: string): string {
  const to = tempDir('wsgate-audit-copy-');
  cpSync(dir, to, { recursive: true });
  return to;
}

export function jsonlFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => n.endsWith('.jsonl'))
    .sort();
}

export function linesOf(file: string): string[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

export function writeLines(file: string, lines: readonly string[]): void {
  writeFileSync(file, lines.map((l) => `${l}\n`).join(''));
}

export const entryAt = (file: string, line: number): AuditEntry => JSON.parse(linesOf(file)[line - 1] as string) as AuditEntry;

export interface CliResult {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** `wsgate audit ...` in this process, with its output captured. */
export async function audit(args: readonly string[], opts: { readonly env?: NodeJS.ProcessEnv; readonly now?: string } = {}): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const io: AuditIo = { out: (t) => out.push(t), err: (t) => err.push(t), env: opts.env ?? {}, now: () => new Date(opts.now ?? '2026-04-01T09:00:00Z') };
  const code = await runAudit(args, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}
