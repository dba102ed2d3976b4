/**
 * Where the gateway spends its CPU at saturation: the example backend and the gateway in their own
 * processes (the gateway under `node --cpu-prof`), a warm-up and then one closed-loop autocannon run
 * through the gateway; the gateway is stopped so that it writes its profile, and the top self-time
 * functions and modules of its main thread during the measured run (not start-up, not warm-up) are
 * printed.
 *
 *   node --import tsx bench/passthrough-profile.ts [--bytes 1024] [--duration 10] [--connections 50] [--top 15]
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BACKEND_PATHS, GATEWAY_PATHS } from '../src/example/contract.ts';
import { formatSummary, summarizeProfile } from './cpuprofile-top.ts';
import type { ProfileWindow } from './cpuprofile-top.ts';
import { cpuShare, cpuSnapshot } from './cpu-usage.ts';
import type { CpuShare } from './cpu-usage.ts';
import { paddedGetPolicy, runLoad } from './passthrough-load.ts';
import { startServerProcess } from './passthrough-servers.ts';
import type { ServerProcess } from './passthrough-servers.ts';

const { values } = parseArgs({
  options: {
    bytes: { type: 'string', default: '1024' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    warmup: { type: 'string', default: '3' },
    top: { type: 'string', default: '15' },
  },
});

const pctOf = (v: number | undefined): string => (v !== undefined && Number.isFinite(v) ? `${Math.round(v)}%` : 'n/a');
/** CPU microseconds per request from % of a core and req/s. */
const perRequest = (pct: number | undefined, rps: number): string =>
  pct !== undefined && Number.isFinite(pct) && rps > 0 ? `${Math.round((pct / 100 / rps) * 1e6)} µs` : 'n/a';

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'wsgate-gateway-profile-'));
  const logFile = join(dir, 'servers.log');
  const body = paddedGetPolicy(Number(values.bytes));
  const connections = Number(values.connections);
  const running: ServerProcess[] = [];
  let gatewayRps = Number.NaN;
  let backendUrl = '';
  let window: ProfileWindow = { fromUs: 0, toUs: 0 };
  let cpu: CpuShare | undefined;
  const nowUs = (): number => Number(process.hrtime.bigint() / 1000n);
  try {
    const backend = await startServerProcess('backend', logFile);
    running.push(backend);
    backendUrl = backend.url;
    const gateway = await startServerProcess('gateway', logFile, [backend.url], ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
    running.push(gateway);
    const url = `${gateway.url}${GATEWAY_PATHS['1.1']}`;
    process.stderr.write(`warm-up ${values.warmup}s, then ${values.duration}s at ${connections} connections through the gateway\n`);
    await runLoad({ url, body, connections, durationSeconds: Number(values.warmup) });
    const pids = new Map([['gateway', gateway.pid]]);
    const before = cpuSnapshot(pids);
    const fromUs = nowUs();
    const result = await runLoad({ url, body, connections, durationSeconds: Number(values.duration) });
    window = { fromUs, toUs: nowUs() };
    cpu = cpuShare(before, cpuSnapshot(pids));
    gatewayRps = result.requestsPerSecond;
  } finally {
    for (const p of running.reverse()) await p.stop();
  }
  // CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile; thread 0 is the main thread (others: tsx's loader hooks).
  const file = readdirSync(dir).find((f) => /\.0\.\d+\.cpuprofile$/.test(f));
  if (file === undefined) throw new Error(`no main-thread .cpuprofile written in ${dir}`);
  const summary = summarizeProfile(JSON.parse(readFileSync(join(dir, file), 'utf8')), window);
  process.stdout.write(
    `gateway profile: ${join(dir, file)} (backend ${backendUrl}${BACKEND_PATHS['1.1']})\n` +
      `${values.bytes}-byte GetPolicy, ${connections} connections: ${Math.round(gatewayRps)} req/s through the gateway;\n` +
      `gateway CPU ${pctOf(cpu?.processes.get('gateway'))} of a core (${perRequest(cpu?.processes.get('gateway'), gatewayRps)} per request, all threads), ` +
      `everything else ${pctOf(cpu?.others)}, machine ${pctOf(cpu?.machineBusy)} busy\n` +
      `self time of the gateway's main thread during that run, ms = share × wall time; (idle) = event loop waiting for I/O\n\n` +
      `${formatSummary(summary, Number(values.top))}\n`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
