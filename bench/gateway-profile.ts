/**
 * Where the gateway spends its CPU on signed requests (or in pass-through): the bench:gateway setup
 * (bench/gateway-servers.ts, the gateway pinned to core 0, backend + wrk on core 1) with the gateway
 * under `node --cpu-prof`; after a warm-up, one measured wrk run; the gateway is stopped so that it
 * writes its profile, and the top self-time functions and modules of its main thread during the
 * measured run only are printed, with the gateway's CPU time per request (/proc).
 *
 *   node --import tsx bench/gateway-profile.ts [--mode enforce|off] [--duration 10] [--warmup 3]
 *       [--connections 50] [--top 30] [--audit required|best-effort|off] [--keep DIR]
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { cpuSnapshot } from './cpu-usage.ts';
import { formatSummary, summarizeProfile } from './cpuprofile-top.ts';
import { CLIENT_CERT, generateMessages } from './gateway-messages.ts';
import { ORDERS_PATH, SUBMIT_ORDER_ACTION, startServerProcess, writeOrdersConfig } from './gateway-servers.ts';
import type { AuditMode } from './gateway-servers.ts';
import { runWrk } from './gateway-wrk.ts';

const { values } = parseArgs({
  options: {
    mode: { type: 'string', default: 'enforce' },
    audit: { type: 'string', default: 'required' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    connections: { type: 'string', default: '50' },
    top: { type: 'string', default: '30' },
    keep: { type: 'string' },
  },
});
const mode = values.mode === 'off' ? 'off' : 'enforce';
const audit = values.audit as AuditMode;
const DURATION = Number(values.duration);
const WARMUP = Number(values.warmup);
const CONNECTIONS = Number(values.connections);
const PIN = cpus().length >= 2;
const GATEWAY_CPUS = PIN ? '0' : undefined;
const LOAD_CPUS = PIN ? '1' : undefined;

async function main(): Promise<void> {
  const work = values.keep ?? mkdtempSync(join(tmpdir(), 'wsgate-gateway-profile-'));
  const profDir = join(work, 'prof');
  const logFile = join(work, 'servers.log');
  const pool = join(work, 'messages.txt');
  // Enough distinct messages for ~4,000 req/s (the secure gateway refuses a replayed one).
  const count = Math.ceil(4000 * (WARMUP + DURATION)) + 1;
  process.stderr.write(`signing ${count} messages...\n`);
  await generateMessages(pool, 0, count, 600);
  const backend = await startServerProcess(['backend'], logFile, LOAD_CPUS);
  const gateway = await startServerProcess(['gateway', writeOrdersConfig(work, backend.url, mode, CLIENT_CERT, audit)], logFile, GATEWAY_CPUS, ['--cpu-prof', `--cpu-prof-dir=${profDir}`]);
  try {
    const wrk = { url: `${gateway.url}${ORDERS_PATH}`, bodyFile: pool, soapAction: SUBMIT_ORDER_ACTION, connections: CONNECTIONS, cpus: LOAD_CPUS, scriptDir: work };
    const warm = await runWrk({ ...wrk, first: 0, count, durationSeconds: WARMUP });
    const pids = new Map([['gateway', gateway.pid]]);
    const before = cpuSnapshot(pids);
    const fromUs = Number(process.hrtime.bigint() / 1000n);
    const w = await runWrk({ ...wrk, first: warm.sent, count: count - warm.sent, durationSeconds: DURATION });
    const toUs = Number(process.hrtime.bigint() / 1000n);
    const after = cpuSnapshot(pids);
    await gateway.stop();
    const cpuSecs = (after.processes.get('gateway') ?? Number.NaN) - (before.processes.get('gateway') ?? Number.NaN);
    const rps = w.requests / (w.durationUs / 1e6);
    const errors = w.connect + w.read + w.write + w.status + w.timeout;
    process.stdout.write(
      `mode ${mode}, audit ${audit}: ${rps.toFixed(0)} req/s, p50 ${(w.p50Us / 1000).toFixed(2)} ms, p99 ${(w.p99Us / 1000).toFixed(2)} ms, errors ${errors}${w.wraps > 0 ? ' (POOL WRAPPED)' : ''}\n` +
        `gateway CPU ${((100 * cpuSecs) / (w.durationUs / 1e6)).toFixed(0)}% of a core, ${((cpuSecs / w.requests) * 1e6).toFixed(0)} µs per request (under the profiler)\n`,
    );
    const file = readdirSync(profDir).find((f) => f.includes(`.${gateway.pid}.`) && f.endsWith('.001.cpuprofile'));
    if (file === undefined) throw new Error(`no profile of pid ${gateway.pid} in ${profDir}`);
    const profile = JSON.parse(readFileSync(join(profDir, file), 'utf8')) as Parameters<typeof summarizeProfile>[0];
    process.stdout.write(`${formatSummary(summarizeProfile(profile, { fromUs, toUs }), Number(values.top))}\n`);
  } finally {
    await gateway.stop();
    await backend.stop();
    if (values.keep === undefined) rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
