/**
 * Pass-through benchmark: what the gateway costs in front of the example backend, measured in one run.
 *
 *   npm run bench:passthrough                       (= node --import tsx bench/passthrough.ts)
 *   npm run bench:passthrough -- --duration 5 --connections 20
 *
 * The example backend and the gateway (a temporary copy of the demo configuration pointing at the
 * backend, log level warn) each run in their own process; autocannon runs here. For GetPolicy
 * requests of ~1 KB and ~100 KB (SOAP 1.1): saturation at N connections, direct to the backend and
 * then through the gateway (req/s, p50, p99, gateway/direct ratios); then both again at half the
 * gateway's saturating rate, to show the latency the gateway adds when it is not overloaded.
 * Latency percentiles are computed here from every 2xx response time (autocannon's own histogram
 * keeps whole milliseconds).
 */
import { arch, cpus, platform, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { request } from 'undici';
import { BACKEND_PATHS, GATEWAY_PATHS } from '../src/example/contract.ts';
import { SOAP11_HEADERS, paddedGetPolicy, runLoad } from './passthrough-load.ts';
import type { LoadResult } from './passthrough-load.ts';
import { startServerProcess } from './passthrough-servers.ts';
import type { ServerProcess } from './passthrough-servers.ts';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    warmup: { type: 'string', default: '3' },
  },
});
const DURATION = Number(values.duration);
const CONNECTIONS = Number(values.connections);
const WARMUP = Number(values.warmup);
const SIZES = [
  { label: '1 KB', bytes: 1024 },
  { label: '100 KB', bytes: 100 * 1024 },
] as const;

interface SizeResult {
  readonly label: string;
  readonly direct: LoadResult;
  readonly gateway: LoadResult;
  readonly rate: number;
  readonly directAtRate: LoadResult;
  readonly gatewayAtRate: LoadResult;
}

const ms = (v: number): string => (Number.isFinite(v) ? v.toFixed(2) : 'n/a');
const num = (v: number): string => Math.round(v).toLocaleString('en-US');
const ratio = (a: number, b: number): string => (b > 0 ? `${(a / b).toFixed(2)}x` : 'n/a');
/** Text columns (the first `left`) left-aligned, numbers right-aligned. */
const pad = (cells: readonly string[], widths: readonly number[], left = 1): string =>
  cells.map((c, i) => (i < left ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');

async function checkOnce(url: string, body: string, what: string): Promise<void> {
  const res = await request(url, { method: 'POST', headers: { ...SOAP11_HEADERS }, body });
  const text = await res.body.text();
  if (res.statusCode !== 200 || !text.includes('GetPolicyResponse')) {
    throw new Error(`${what}: expected 200 with GetPolicyResponse, got ${res.statusCode}: ${text.slice(0, 300)}`);
  }
}

async function measure(label: string, bytes: number, directUrl: string, gatewayUrl: string): Promise<SizeResult> {
  const body = paddedGetPolicy(bytes);
  await checkOnce(directUrl, body, `direct ${label}`);
  await checkOnce(gatewayUrl, body, `gateway ${label}`);
  const base = { body, connections: CONNECTIONS };
  process.stderr.write(`[${label}] warm-up ${WARMUP}s + ${WARMUP}s\n`);
  if (WARMUP > 0) {
    await runLoad({ ...base, url: directUrl, durationSeconds: WARMUP });
    await runLoad({ ...base, url: gatewayUrl, durationSeconds: WARMUP });
  }
  process.stderr.write(`[${label}] saturation: direct, then gateway (${DURATION}s each)\n`);
  const direct = await runLoad({ ...base, url: directUrl, durationSeconds: DURATION });
  const gateway = await runLoad({ ...base, url: gatewayUrl, durationSeconds: DURATION });
  const rate = Math.max(1, Math.floor(gateway.requestsPerSecond / 2));
  process.stderr.write(`[${label}] at ${rate} req/s: direct, then gateway (${DURATION}s each)\n`);
  const directAtRate = await runLoad({ ...base, url: directUrl, durationSeconds: DURATION, overallRate: rate });
  const gatewayAtRate = await runLoad({ ...base, url: gatewayUrl, durationSeconds: DURATION, overallRate: rate });
  return { label, direct, gateway, rate, directAtRate, gatewayAtRate };
}

function report(results: readonly SizeResult[]): string {
  const lines: string[] = [];
  const w1 = [8, 9, 9, 9, 9, 9];
  lines.push(`Saturation: ${CONNECTIONS} connections, ${DURATION} s per run`);
  lines.push(pad(['size', 'path', 'req/s', 'p50 ms', 'p99 ms', 'failed'], w1, 2));
  for (const r of results) {
    for (const [path, x] of [['direct', r.direct], ['gateway', r.gateway]] as const) {
      lines.push(pad([r.label, path, num(x.requestsPerSecond), ms(x.p50), ms(x.p99), num(x.failures)], w1, 2));
    }
    lines.push(pad(['', 'gw/direct', ratio(r.gateway.requestsPerSecond, r.direct.requestsPerSecond), ratio(r.gateway.p50, r.direct.p50), ratio(r.gateway.p99, r.direct.p99), ''], w1, 2));
  }
  lines.push('');
  const w2 = [8, 9, 10, 10, 11, 11, 10, 10];
  lines.push(`Half the gateway's saturating rate (autocannon overallRate), ${CONNECTIONS} connections, ${DURATION} s per run`);
  lines.push(`(autocannon releases each connection's quota at the start of every second, so requests come in bursts:`);
  lines.push(` absolute latencies include that queueing; the difference between the paths is the gateway's share)`);
  lines.push(pad(['size', 'req/s', 'direct p50', 'direct p99', 'gateway p50', 'gateway p99', 'added p50', 'added p99'], w2));
  for (const r of results) {
    const d = r.directAtRate;
    const g = r.gatewayAtRate;
    lines.push(pad([r.label, num(r.rate), ms(d.p50), ms(d.p99), ms(g.p50), ms(g.p99), ms(g.p50 - d.p50), ms(g.p99 - d.p99)], w2));
    if (d.failures + g.failures > 0) lines.push(`  (failed requests: direct ${d.failures}, gateway ${g.failures})`);
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const cpu = cpus();
  process.stdout.write(
    `wsgate pass-through benchmark\n` +
      `node ${process.version}, ${platform()} ${arch()}, os.cpus().length = ${cpu.length} (${cpu[0]?.model.trim() ?? 'unknown'})\n` +
      `processes: autocannon (this one), gateway, example backend (node-soap); request: GetPolicy, SOAP 1.1\n`,
  );
  if (cpu.length < 3) process.stdout.write(`note: fewer than 3 CPUs, so load generator, gateway and backend compete for CPU time\n`);
  const logFile = join(tmpdir(), `wsgate-bench-passthrough-${process.pid}.log`);
  process.stdout.write(`gateway and backend output: ${logFile}\n`);
  const running: ServerProcess[] = [];
  try {
    const backend = await startServerProcess('backend', logFile);
    running.push(backend);
    const gateway = await startServerProcess('gateway', logFile, [backend.url]);
    running.push(gateway);
    const results: SizeResult[] = [];
    for (const size of SIZES) {
      results.push(await measure(size.label, size.bytes, `${backend.url}${BACKEND_PATHS['1.1']}`, `${gateway.url}${GATEWAY_PATHS['1.1']}`));
    }
    process.stdout.write(`\n${report(results)}\n`);
  } finally {
    for (const p of running.reverse()) await p.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
