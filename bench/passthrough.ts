/**
 * Pass-through benchmark: what the gateway costs in front of the example backend, measured in one run.
 *
 *   npm run bench:passthrough                       (= node --import tsx bench/passthrough.ts)
 *   npm run bench:passthrough -- --duration 5 --connections 20 [--repeat 3] [--audit required|best-effort|off] [--load 0.5]
 *
 * The example backend and the gateway (a temporary copy of the demo configuration pointing at the
 * backend, log level warn) each run in their own process; the load generators run here, so the three
 * processes share the machine's CPUs (the per-run CPU columns show how). For GetPolicy requests of
 * ~1 KB and ~100 KB (SOAP 1.1):
 *   - saturation, closed loop with autocannon at N connections, direct to the backend and through
 *     the gateway in alternating 2 s runs (req/s, p50, p99, gateway/direct ratios);
 *   - open loop at half the gateway's saturating rate (--load, default 0.5: the target's load; a
 *     lower fraction shows what the latency is when the shared CPUs are less contended; the
 *     verdict then says it is not the target's load) (bench/open-loop.ts: evenly spaced requests,
 *     latency from the scheduled send time), direct, through a bare Node.js proxy (node:http +
 *     undici, nothing else: what any Node hop costs on this machine) and through the gateway, in
 *     alternating 1 s blocks of one run (so all three see the same background), and the latency
 *     each adds (− direct), and the gateway's own share (gateway − bare proxy). Repeated --repeat
 *     times (default 3): on a shared VM a single stall of the host (steal time, seen here as 30-200
 *     ms pauses every few seconds in all three paths) decides a p99, and a queue behind a stall
 *     drains more slowly through two hops than through one; the verdict takes the median of the
 *     repetitions' added p99 (each one printed) among those not disturbed by other work.
 * Latency percentiles are computed here from every response time (autocannon's own histogram keeps
 * whole milliseconds).
 * Before the servers start, the latency floor of the machine is measured (bench/latency-floor.ts):
 * how often a 1 ms timer is held up by the host, and the latency of a durable O_DSYNC append where
 * the gateway's trail is written; during each open-loop run the gateway's own audit writes are read
 * from its /metrics. With audit.mode required every response waits for the write that carries its
 * record, so the share of those writes longer than 5 ms bounds the added p99 from below.
 */
import { arch, cpus, platform, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { request } from 'undici';
import { BACKEND_PATHS, GATEWAY_PATHS } from '../src/example/contract.ts';
import { CpuAccumulator, cpuShare, cpuSnapshot } from './cpu-usage.ts';
import { auditWritesBetween, measureDurableAppends, measureHostStalls, scrapeAuditWrites } from './latency-floor.ts';
import { runOpenLoop } from './open-loop.ts';
import { SOAP11_HEADERS, paddedGetPolicy, runAlternating, runLoad } from './passthrough-load.ts';
import { report } from './passthrough-report.ts';
import type { LatencyFloor, OpenRun, ReportSettings, SizeResult } from './passthrough-report.ts';
import { startServerProcess } from './passthrough-servers.ts';
import type { AuditMode, ServerProcess } from './passthrough-servers.ts';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    warmup: { type: 'string', default: '3' },
    'open-connections': { type: 'string', default: '32' },
    'open-warmup': { type: 'string', default: '2' },
    repeat: { type: 'string', default: '3' },
    audit: { type: 'string', default: 'required' },
    load: { type: 'string', default: '0.5' },
  },
});
const LOAD = Number(values.load);
if (!(LOAD > 0 && LOAD <= 1)) throw new Error('--load must be a fraction of the saturating rate in (0, 1]');
if (!['required', 'best-effort', 'off'].includes(values.audit)) throw new Error('--audit must be required, best-effort or off');
/** The gateway's audit trail, stated (the demo configuration's default is a file sink, required). */
const AUDIT = values.audit as AuditMode;
const SETTINGS: ReportSettings = {
  durationSeconds: Number(values.duration),
  connections: Number(values.connections),
  openConnections: Number(values['open-connections']),
  openWarmupSeconds: Number(values['open-warmup']),
  repeat: Math.max(1, Number(values.repeat)),
  audit: AUDIT,
  load: LOAD,
};
const STALL_PROBE_SECONDS = 5;
const WARMUP = Number(values.warmup);
const OPEN_TIMEOUT_MS = 10_000;
const BLOCK_SECONDS = 1;
const SATURATION_ROUND_SECONDS = 2;
const SIZES = [
  { label: '1 KB', bytes: 1024 },
  { label: '100 KB', bytes: 100 * 1024 },
] as const;

async function checkOnce(url: string, body: string, what: string): Promise<void> {
  const res = await request(url, { method: 'POST', headers: { ...SOAP11_HEADERS }, body });
  const text = await res.body.text();
  if (res.statusCode !== 200 || !text.includes('GetPolicyResponse')) {
    throw new Error(`${what}: expected 200 with GetPolicyResponse, got ${res.statusCode}: ${text.slice(0, 300)}`);
  }
}

async function measure(label: string, bytes: number, pids: ReadonlyMap<string, number>, directUrl: string, gatewayUrl: string, proxyUrl: string, adminUrl: string | undefined): Promise<SizeResult> {
  const { durationSeconds: duration, connections } = SETTINGS;
  const body = paddedGetPolicy(bytes);
  await checkOnce(directUrl, body, `direct ${label}`);
  await checkOnce(gatewayUrl, body, `gateway ${label}`);
  const base = { body, connections };
  process.stderr.write(`[${label}] warm-up ${WARMUP}s + ${WARMUP}s\n`);
  if (WARMUP > 0) {
    await runLoad({ ...base, url: directUrl, durationSeconds: WARMUP });
    await runLoad({ ...base, url: gatewayUrl, durationSeconds: WARMUP });
  }
  const rounds = Math.max(1, Math.round(duration / SATURATION_ROUND_SECONDS));
  process.stderr.write(`[${label}] saturation: direct and gateway in turns, ${rounds} x ${SATURATION_ROUND_SECONDS}s each\n`);
  const saturationCpu = new CpuAccumulator(pids, 2);
  const [directSat, gatewaySat] = await runAlternating({
    ...base,
    urls: [directUrl, gatewayUrl],
    rounds,
    secondsPerRound: SATURATION_ROUND_SECONDS,
    onRun: (target) => saturationCpu.switchTo(target),
  });
  if (directSat === undefined || gatewaySat === undefined) throw new Error('saturation returned no result');
  const direct = { result: directSat, cpu: saturationCpu.share(0) };
  const gateway = { result: gatewaySat, cpu: saturationCpu.share(1) };

  const rate = Math.max(1, Math.floor(gateway.result.requestsPerSecond * LOAD));
  const repetitions: OpenRun[] = [];
  for (let rep = 1; rep <= SETTINGS.repeat; rep++) {
    process.stderr.write(`[${label}] open loop ${rep}/${SETTINGS.repeat} at ${rate} req/s: direct, bare proxy and gateway in alternating ${BLOCK_SECONDS}s blocks (${SETTINGS.openWarmupSeconds}s + 3 x ${duration}s)\n`);
    repetitions.push(await openRun(body, rate, pids, directUrl, gatewayUrl, proxyUrl, adminUrl));
  }
  return { label, direct, gateway, rate, repetitions };
}

async function openRun(body: string, rate: number, pids: ReadonlyMap<string, number>, directUrl: string, gatewayUrl: string, proxyUrl: string, adminUrl: string | undefined): Promise<OpenRun> {
  const duration = SETTINGS.durationSeconds;
  const cpu = new CpuAccumulator(pids, 3);
  // The gateway is idle outside its own blocks, so the run's delta is its blocks' writes (the warm-up's included).
  const writesBefore = AUDIT !== 'off' && adminUrl !== undefined ? await scrapeAuditWrites(adminUrl) : undefined;
  const [directOpen, proxyOpen, gatewayOpen] = await runOpenLoop({
    targets: [directUrl, proxyUrl, gatewayUrl],
    body,
    headers: SOAP11_HEADERS,
    ratePerSecond: rate,
    blockSeconds: BLOCK_SECONDS,
    warmupSeconds: SETTINGS.openWarmupSeconds,
    durationSeconds: duration,
    connections: SETTINGS.openConnections,
    timeoutMs: OPEN_TIMEOUT_MS,
    maxInFlight: Math.max(SETTINGS.openConnections * 4, rate),
    onBlock: (target, measured) => cpu.switchTo(measured ? target : undefined),
  });
  if (directOpen === undefined || proxyOpen === undefined || gatewayOpen === undefined) throw new Error('open loop returned no result');
  const auditWrites = writesBefore !== undefined && adminUrl !== undefined ? auditWritesBetween(writesBefore, await scrapeAuditWrites(adminUrl)) : undefined;
  return { directAtRate: { result: directOpen, cpu: cpu.share(0) }, proxyAtRate: { result: proxyOpen, cpu: cpu.share(1) }, gatewayAtRate: { result: gatewayOpen, cpu: cpu.share(2) }, auditWrites };
}

async function main(): Promise<void> {
  const cpu = cpus();
  process.stdout.write(
    `wsgate pass-through benchmark\n` +
      `node ${process.version}, ${platform()} ${arch()}, os.cpus().length = ${cpu.length} (${cpu[0]?.model.trim() ?? 'unknown'})\n` +
      `processes: load generator (this one: autocannon, undici), gateway, example backend (node-soap); request: GetPolicy, SOAP 1.1\n` +
      `the three processes share the ${cpu.length} CPUs: at saturation they compete, so req/s is a property of this machine, not of the gateway alone\n` +
      `gateway audit trail: ${AUDIT === 'off' ? 'off' : `audit.mode ${AUDIT}, file sink (O_DSYNC appends, group commit) in a temporary directory`}\n`,
  );
  const idle = cpuSnapshot(new Map());
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const before = cpuShare(idle, cpuSnapshot(new Map()));
  process.stdout.write(`machine busy before the run (1 s, nothing of ours running): ${Math.round(before.machineBusy)}% of all CPUs${before.machineBusy > 10 ? ' -- other work is running, figures will be disturbed' : ''}\n`);
  process.stderr.write(`latency floor: ${STALL_PROBE_SECONDS} s of a 1 ms timer${AUDIT === 'off' ? '' : ', then 1,000 durable appends'} with nothing of ours running\n`);
  const floor: LatencyFloor = {
    stalls: await measureHostStalls(STALL_PROBE_SECONDS),
    // The gateway's trail lives in a temporary directory (writeTempGatewayConfig): the same file system.
    appends: AUDIT === 'off' ? undefined : await measureDurableAppends(tmpdir()),
  };
  const logFile = join(tmpdir(), `wsgate-bench-passthrough-${process.pid}.log`);
  process.stdout.write(`gateway and backend output: ${logFile}\n`);
  const running: ServerProcess[] = [];
  try {
    const backend = await startServerProcess('backend', logFile);
    running.push(backend);
    const gateway = await startServerProcess('gateway', logFile, [backend.url, AUDIT]);
    running.push(gateway);
    const proxy = await startServerProcess('proxy', logFile, [backend.url]);
    running.push(proxy);
    const pids = new Map([
      ['loadgen', process.pid],
      ['gateway', gateway.pid],
      ['proxy', proxy.pid],
      ['backend', backend.pid],
    ]);
    const results: SizeResult[] = [];
    for (const size of SIZES) {
      results.push(await measure(size.label, size.bytes, pids, `${backend.url}${BACKEND_PATHS['1.1']}`, `${gateway.url}${GATEWAY_PATHS['1.1']}`, `${proxy.url}${BACKEND_PATHS['1.1']}`, gateway.adminUrl));
    }
    process.stdout.write(`\n${report(results, SETTINGS, floor)}\n`);
  } finally {
    for (const p of running.reverse()) await p.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
