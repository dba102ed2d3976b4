/**
 * What the audit trail costs, in one run: the same signed requests through the gateway with WS-Security
 * enforced and the audit trail off / best-effort (file) / required (file) / required (PostgreSQL).
 *
 *   npm run bench:audit                 (= node --import tsx bench/audit.ts)
 *   npm run bench:audit -- --duration 20 --warmup 3 --connections 50 --round 1 [--no-pin] [--no-postgres]
 *
 * Setup (reused from bench/gateway.ts): the orders service of bench/gateway-servers.ts with security
 * `enforce` (signed Body + Timestamp, trust anchor = the bench client certificate, replay detection
 * on) in front of its fixed-response backend, and SubmitOrder requests of 4.6 KiB (4,744 bytes; RSA-2048,
 * exc-c14n) from bench/gateway-messages.ts, each one distinct, signed before any measurement. Every
 * configuration is a gateway process of its own, so each has its own replay cache and takes the same
 * messages in the same order. The example PolicyAdministration service is not used: its node-soap
 * backend costs more CPU per request than the gateway's audit work, and on the load core it would
 * hide what is measured here.
 *
 * All gateways run at once (idle while another one is loaded) and are measured in alternating
 * rounds (--round s each, until --duration s per configuration), so that each sees the same
 * background on a shared machine. Load: closed loop, --connections keep-alive connections (undici),
 * here; latency percentiles from every 2xx response. Pinning (default; --no-pin to switch off):
 * the gateways on CPU 0, backend and load generator on CPU 1.
 *
 * From each gateway's /metrics (deltas over its measured rounds): writes (group commits) per second,
 * entries per write (wsgate_audit_entries_written_total / wsgate_audit_write_seconds_count), mean
 * write time, drops, and the worst per-round event-loop delay p99. The file chains are
 * verified after their gateways stopped (final checkpoint).
 *
 * PostgreSQL: 127.0.0.1:5432, database `test`, user `postgres`, a schema of its own that is dropped
 * at the end. Skipped (and said so) when src/audit/sinks/postgres.ts is missing or the gateway cannot
 * open it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { arch, cpus, platform, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { parse, stringify } from 'yaml';
import { publicKeyFromPem } from '../src/audit/keys.ts';
import { readFileChain } from '../src/audit/sinks/file-read.ts';
import { verifyChain } from '../src/audit/verify.ts';
import { reserveFreePort } from '../src/example/temp-gateway-config.ts';
import { CpuAccumulator } from './cpu-usage.ts';
import { CLIENT_CERT, ensureClientKey, generateMessages } from './gateway-messages.ts';
import { ORDERS_PATH, SUBMIT_ORDER_ACTION, startServerProcess, writeOrdersConfig, type ServerProcess } from './gateway-servers.ts';
import { percentile } from './open-loop.ts';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '3' },
    round: { type: 'string', default: '1' },
    connections: { type: 'string', default: '50' },
    messages: { type: 'string', default: '20000' },
    'no-pin': { type: 'boolean', default: false },
    'no-postgres': { type: 'boolean', default: false },
  },
});
const DURATION = Number(values.duration);
const WARMUP = Number(values.warmup);
const ROUND = Math.min(Number(values.round), DURATION);
const ROUNDS = Math.max(1, Math.round(DURATION / ROUND));
const CONNECTIONS = Number(values.connections);
const PIN = !values['no-pin'] && cpus().length >= 2;
const GATEWAY_CPUS = PIN ? '0' : undefined;
const LOAD_CPUS = PIN ? '1' : undefined;
const LIFETIME_SECONDS = 600;
const TARGET_COST = 0.15;
const HEADERS = { 'content-type': 'text/xml; charset=utf-8', soapaction: `"${SUBMIT_ORDER_ACTION}"` };
const REPO = join(dirname(new URL(import.meta.url).pathname), '..');

type Kind = 'off' | 'best-effort' | 'required-file' | 'required-postgres';
const KINDS: readonly { kind: Kind; label: string }[] = [
  { kind: 'off', label: 'audit off' },
  { kind: 'best-effort', label: 'best-effort (file)' },
  { kind: 'required-file', label: 'required (file)' },
  { kind: 'required-postgres', label: 'required (postgres)' },
];

interface Target {
  readonly kind: Kind;
  readonly label: string;
  readonly proc: ServerProcess;
  readonly adminUrl: string;
  readonly auditDir: string | undefined;
  readonly client: Pool;
  /** Next message of the pool for this gateway (each message at most once: replay detection). */
  next: number;
  ok: number;
  errors: number;
  firstError: string | undefined;
  seconds: number;
  latencies: number[];
  exhausted: boolean;
  /** Messages per second of its last run (warm-up or round). */
  lastRate: number;
  metrics: Map<string, number>;
  loopP99Ms: number;
}

const work = mkdtempSync(join(tmpdir(), 'wsgate-bench-audit-'));
const logFile = join(tmpdir(), `wsgate-bench-audit-${process.pid}.log`);
const children = new Set<ServerProcess>();
let messages: Buffer[] = [];
const pgSchema = `wsgate_bench_${process.pid}_${Date.now().toString(36)}`;
let pgUsed = false;

async function dropPgSchema(): Promise<void> {
  if (!pgUsed) return;
  pgUsed = false;
  const { default: pg } = await import('pg');
  const c = new pg.Client({ host: '127.0.0.1', database: 'test', user: 'postgres' });
  await c.connect();
  try {
    await c.query(`DROP SCHEMA IF EXISTS ${pgSchema} CASCADE`);
  } finally {
    await c.end();
  }
}

async function stopAll(): Promise<void> {
  await Promise.all([...children].map((c) => c.stop()));
  children.clear();
  await dropPgSchema().catch((err: unknown) => process.stderr.write(`could not drop schema ${pgSchema}: ${String(err)}\n`));
  rmSync(work, { recursive: true, force: true });
}

for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    process.stderr.write(`\n${sig}: stopping the servers\n`);
    void stopAll().finally(() => process.exit(130));
  });
}

/** Pins every thread of this process (the load generator) to `list`. */
function pinSelf(list: string | undefined): void {
  if (list !== undefined) execFileSync('taskset', ['-a', '-p', '-c', list, String(process.pid)], { stdio: 'ignore' });
}

/** The orders config of bench/gateway.ts (security enforce), with an admin listener and this configuration's audit settings. */
async function writeConfig(backendUrl: string, kind: Kind): Promise<{ file: string; adminPort: number; auditDir: string | undefined }> {
  const file = writeOrdersConfig(work, backendUrl, 'enforce', CLIENT_CERT);
  const dir = dirname(file);
  const adminPort = await reserveFreePort();
  const gateway = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const auditDir = kind === 'best-effort' || kind === 'required-file' ? join(dir, 'audit') : undefined;
  gateway['admin'] = { enabled: true, host: '127.0.0.1', port: adminPort };
  gateway['audit'] =
    kind === 'off'
      ? { sink: 'off' }
      : kind === 'required-postgres'
        ? { sink: 'postgres', instanceId: `bench-${kind}`, postgres: { host: '127.0.0.1', database: 'test', user: 'postgres', schema: pgSchema } }
        : { sink: 'file', dir: auditDir, instanceId: `bench-${kind}` };
  writeFileSync(file, stringify(gateway));
  const serviceFile = join(dir, 'orders', 'service.yaml');
  const service = parse(readFileSync(serviceFile, 'utf8')) as Record<string, unknown>;
  service['audit'] = { mode: kind === 'off' ? 'off' : kind === 'best-effort' ? 'best-effort' : 'required' };
  writeFileSync(serviceFile, stringify(service));
  return { file, adminPort, auditDir };
}

async function scrape(adminUrl: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${adminUrl}/metrics`)).text();
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^(wsgate_audit_\w+|wsgate_nodejs_eventloop_lag_p99_seconds)(\{[^}]*\})? (\S+)$/.exec(line);
    if (!m?.[1] || m[1].endsWith('_bucket')) continue;
    out.set(m[1], (out.get(m[1]) ?? 0) + Number(m[3]));
  }
  return out;
}

/** Closed loop on one gateway for `seconds`; `measured`: counts go into the target's figures. */
async function drive(t: Target, seconds: number, measured: boolean): Promise<number> {
  const end = performance.now() + seconds * 1000;
  const start = performance.now();
  let sent = 0;
  const loop = async (): Promise<void> => {
    while (performance.now() < end) {
      const i = t.next++;
      const body = messages[i];
      if (body === undefined) {
        t.exhausted = true;
        return;
      }
      sent += 1;
      const t0 = performance.now();
      try {
        const res = await t.client.request({ path: ORDERS_PATH, method: 'POST', headers: HEADERS, body });
        const text = await res.body.text();
        if (!measured) continue;
        if (res.statusCode >= 200 && res.statusCode < 300) {
          t.ok += 1;
          t.latencies.push(performance.now() - t0);
        } else {
          t.errors += 1;
          t.firstError ??= `${res.statusCode}: ${text.slice(0, 300)}`;
        }
      } catch (err) {
        if (!measured) continue;
        t.errors += 1;
        t.firstError ??= String(err);
      }
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, loop));
  if (measured) t.seconds += (performance.now() - start) / 1000;
  return sent / ((performance.now() - start) / 1000);
}

async function checkOnce(t: Target): Promise<void> {
  const res = await t.client.request({ path: ORDERS_PATH, method: 'POST', headers: HEADERS, body: messages[t.next++] as Buffer });
  const text = await res.body.text();
  if (res.statusCode !== 200 || !text.includes('SubmitOrderResponse')) throw new Error(`${t.label}: expected 200 with SubmitOrderResponse, got ${res.statusCode}: ${text.slice(0, 400)}`);
}

async function startTarget(backendUrl: string, kind: Kind, label: string): Promise<Target> {
  const cfg = await writeConfig(backendUrl, kind);
  const proc = await startServerProcess(['gateway', cfg.file], logFile, GATEWAY_CPUS);
  children.add(proc);
  const t: Target = {
    kind,
    label,
    proc,
    adminUrl: `http://127.0.0.1:${cfg.adminPort}`,
    auditDir: cfg.auditDir,
    client: new Pool(proc.url, { connections: CONNECTIONS, pipelining: 1 }),
    next: 0,
    ok: 0,
    errors: 0,
    firstError: undefined,
    seconds: 0,
    latencies: [],
    exhausted: false,
    lastRate: 0,
    metrics: new Map(),
    loopP99Ms: Number.NaN,
  };
  await checkOnce(t);
  return t;
}

function loadMessages(file: string): Buffer[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => Buffer.from(l));
}

async function main(): Promise<void> {
  const cpu = cpus();
  process.stdout.write(
    `wsgate audit trail benchmark (bench/audit.ts)\n` +
      `node ${process.version}, ${platform()} ${arch()}, ${cpu.length} CPUs (${cpu[0]?.model.trim() ?? 'unknown'})\n` +
      `command: ${['node --import tsx', ...process.argv.slice(1).map((a) => a.replace(`${process.cwd()}/`, ''))].join(' ')}\n` +
      `load: closed loop, ${CONNECTIONS} keep-alive connections (undici), ${WARMUP} s warm-up each, then ${ROUNDS} alternating rounds of ${ROUND} s per configuration\n` +
      (PIN ? `pinning: gateways on CPU ${GATEWAY_CPUS}; backend + load generator on CPU ${LOAD_CPUS}\n` : 'pinning: none\n') +
      `server output: ${logFile}\n` +
      `audit files in ${work} (${readFileSync('/proc/mounts', 'utf8').includes(' /tmp tmpfs ') ? 'tmpfs: fsync is free, figures are not representative' : 'the file system of /tmp'})\n`,
  );
  ensureClientKey();
  const pool = join(work, 'messages.txt');
  let poolSize = Number(values.messages);
  process.stderr.write(`signing ${poolSize} messages...\n`);
  let genSecs = await generateMessages(pool, 0, poolSize, LIFETIME_SECONDS);
  messages = loadMessages(pool);
  /** Signs more distinct messages until the pool holds `need` (using every CPU: call it only between measurements). */
  const topUp = async (need: number): Promise<void> => {
    if (need <= poolSize) return;
    process.stderr.write(`signing ${need - poolSize} more messages\n`);
    pinSelf(cpu.map((_, i) => i).join(','));
    genSecs += await generateMessages(pool, poolSize, need - poolSize, LIFETIME_SECONDS);
    messages = loadMessages(pool);
    poolSize = messages.length;
  };
  process.stdout.write(`requests: SubmitOrder, ${messages[0]?.length ?? 0} bytes, signed (RSA-2048, rsa-sha256, exc-c14n, Body + Timestamp), each distinct per gateway\n\n`);

  const backend = await startServerProcess(['backend'], logFile, LOAD_CPUS);
  children.add(backend);
  const postgresSink = existsSync(join(REPO, 'src', 'audit', 'sinks', 'postgres.ts'));
  const targets: Target[] = [];
  const skipped: string[] = [];
  for (const { kind, label } of KINDS) {
    if (kind === 'required-postgres') {
      if (values['no-postgres']) {
        skipped.push(`${label}: skipped (--no-postgres)`);
        continue;
      }
      if (!postgresSink) {
        skipped.push(`${label}: skipped: postgres sink not available (src/audit/sinks/postgres.ts is missing)`);
        continue;
      }
      pgUsed = true;
    }
    try {
      targets.push(await startTarget(backend.url, kind, label));
    } catch (err) {
      if (kind !== 'required-postgres') throw err;
      skipped.push(`${label}: skipped: postgres sink not available (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`);
    }
  }

  for (const t of targets) {
    process.stderr.write(`[${t.label}] warm-up ${WARMUP} s\n`);
    const rate = await drive(t, WARMUP, false);
    // Enough distinct messages for the measured rounds: the warm-up rate x duration, plus 40% (the
    // warm-up runs cold; the rounds below top the pool up again when a gateway runs faster).
    t.lastRate = rate;
    await topUp(t.next + Math.ceil(rate * DURATION * 1.4) + CONNECTIONS);
  }
  pinSelf(LOAD_CPUS);

  const pids = new Map<string, number>([['backend', backend.pid], ['loader', process.pid], ...targets.map((t) => [t.kind, t.proc.pid] as [string, number])]);
  const acc = new CpuAccumulator(pids, targets.length);
  for (let round = 0; round < ROUNDS; round++) {
    // The order turns each round, so that no configuration always follows the same one.
    for (let k = 0; k < targets.length; k++) {
      const i = (k + round) % targets.length;
      const t = targets[i] as Target;
      process.stderr.write(`[round ${round + 1}/${ROUNDS}] ${t.label}\n`);
      // Between rounds (no CPU is being accounted): enough messages left for this round at twice the last rate?
      if (t.next + Math.ceil(t.lastRate * ROUND * 2) + CONNECTIONS > poolSize) {
        await topUp(t.next + Math.ceil(t.lastRate * ROUND * (ROUNDS - round) * 1.5) + CONNECTIONS);
        pinSelf(LOAD_CPUS);
      }
      const before = await scrape(t.adminUrl);
      acc.switchTo(i);
      t.lastRate = await drive(t, ROUND, true);
      acc.switchTo(undefined);
      const after = await scrape(t.adminUrl);
      for (const [k, v] of after) t.metrics.set(k, (t.metrics.get(k) ?? 0) + v - (before.get(k) ?? 0));
      t.loopP99Ms = Math.max(Number.isFinite(t.loopP99Ms) ? t.loopP99Ms : 0, (after.get('wsgate_nodejs_eventloop_lag_p99_seconds') ?? Number.NaN) * 1000);
    }
  }

  const verified = new Map<Kind, string>();
  for (const t of targets) {
    await t.client.close();
    children.delete(t.proc);
    await t.proc.stop();
    if (t.auditDir === undefined) continue;
    const chain = `bench-${t.kind}`;
    const pub = publicKeyFromPem(readFileSync(join(t.auditDir, 'audit-signing.key.pub.pem')));
    const report = verifyChain(chain, readFileChain(t.auditDir, chain), { publicKeys: [pub] });
    verified.set(t.kind, report.ok ? `ok, ${report.records} records, ${report.checkpoints} checkpoints, ${report.dropped} dropped` : `FAILED: ${report.problems.slice(0, 3).map((p) => `${p.where} ${p.problem}`).join('; ')}`);
  }
  process.stdout.write(`signed messages: ${poolSize} in ${genSecs.toFixed(1)} s; per gateway used: ${targets.map((t) => `${t.label} ${t.next}`).join(', ')}${targets.some((t) => t.exhausted) ? '  -- POOL EXHAUSTED: a gateway ran out of distinct messages, its figures are invalid' : ''}\n\n`);
  process.stdout.write(report(targets, acc, verified, skipped));
}

const f0 = (x: number): string => (Number.isFinite(x) ? x.toFixed(0) : '-');
const f1 = (x: number): string => (Number.isFinite(x) ? x.toFixed(1) : '-');
const f2 = (x: number): string => (Number.isFinite(x) ? x.toFixed(2) : '-');

function report(targets: readonly Target[], acc: CpuAccumulator, verified: ReadonlyMap<Kind, string>, skipped: readonly string[]): string {
  const out: string[] = [];
  const rps = (t: Target): number => t.ok / t.seconds;
  const off = targets.find((t) => t.kind === 'off');
  out.push('| configuration | msg/s | vs audit off | p50 ms | p99 ms | errors | gateway CPU % | msg per gateway CPU-s | vs audit off | other processes % | writes/s | entries/write | write ms (mean) | dropped | event-loop p99 ms |');
  out.push('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  const perCpu = (i: number): number => rps(targets[i] as Target) / ((acc.share(i).processes.get((targets[i] as Target).kind) ?? Number.NaN) / 100);
  const offIndex = targets.findIndex((t) => t.kind === 'off');
  for (const [i, t] of targets.entries()) {
    const sorted = Float64Array.from(t.latencies).sort();
    const share = acc.share(i);
    const cpuPct = share.processes.get(t.kind) ?? Number.NaN;
    const ours = [...share.processes.entries()].filter(([k]) => k === 'backend' || k === 'loader' || k === t.kind).reduce((a, [, v]) => a + v, 0);
    const others = (share.machineBusy * cpus().length) - ours;
    const m = (k: string): number => t.metrics.get(k) ?? Number.NaN;
    const writes = m('wsgate_audit_write_seconds_count');
    const audited = t.kind !== 'off';
    out.push(
      `| ${t.label} | ${f0(rps(t))} | ${off ? f2(rps(t) / rps(off)) : '-'} | ${f2(percentile(sorted, 50))} | ${f2(percentile(sorted, 99))} | ${t.errors} | ${f0(cpuPct)} | ${f0(perCpu(i))} | ${offIndex >= 0 ? f2(perCpu(i) / perCpu(offIndex)) : '-'} | ${f0(others)} | ` +
        `${audited ? f0(writes / t.seconds) : '-'} | ${audited ? f1(m('wsgate_audit_entries_written_total') / writes) : '-'} | ${audited ? f2((1000 * m('wsgate_audit_write_seconds_sum')) / writes) : '-'} | ${audited ? f0(t.metrics.get('wsgate_audit_dropped_total') ?? 0) : '-'} | ${f1(t.loopP99Ms)} |`,
    );
  }
  out.push('');
  const share0 = targets.length > 0 ? acc.share(0) : undefined;
  if (share0) out.push(`load side (CPU ${LOAD_CPUS ?? 'any'}) during the audit-off rounds: backend ${f0(share0.processes.get('backend') ?? Number.NaN)} %, load generator ${f0(share0.processes.get('loader') ?? Number.NaN)} % of one core; machine busy ${f0(share0.machineBusy)} % of all CPUs`);
  for (const [kind, v] of verified) out.push(`chain ${kind}: verify ${v}`);
  for (const s of skipped) out.push(s);
  for (const t of targets) if (t.firstError !== undefined) out.push(`${t.label}: first error: ${t.firstError}`);
  const req = targets.find((t) => t.kind === 'required-file');
  if (off && req) {
    const cost = 1 - rps(req) / rps(off);
    const cpuCost = 1 - perCpu(targets.indexOf(req)) / perCpu(targets.indexOf(off));
    out.push(`target: required (file) costs <= ${TARGET_COST * 100}% of throughput: costs ${f1(cost * 100)}% of msg/s -> ${cost <= TARGET_COST ? 'met' : 'NOT met'}; ${f1(cpuCost * 100)}% of msg per gateway CPU-second -> ${cpuCost <= TARGET_COST ? 'met' : 'NOT met'}`);
    out.push('(on a machine where other processes take CPU (column "other processes"), the gateway does not get a whole core and msg/s follows the share it gets; msg per gateway CPU-second is the robust figure then)');
  }
  out.push('(errors = socket errors + HTTP status >= 400 in the measured rounds; writes, entries, drops and write time from /metrics, over the measured rounds)');
  return `${out.join('\n')}\n`;
}

main()
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => stopAll());
