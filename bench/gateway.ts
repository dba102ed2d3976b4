/**
 * End-to-end HTTP benchmark of the gateway with signed requests, in one run:
 *
 *   npm run bench:gateway              (= node --import tsx bench/gateway.ts)
 *   npm run bench:gateway -- --duration 10 --warmup 3 --connections 50 [--messages 30000] [--no-pin]
 *       [--audit required|best-effort|off]
 *
 * Three targets, same load (wrk -t1 -cN, keep-alive, --warmup s then --duration s measured each):
 *   1. direct: the bench backend (bench/gateway-servers.ts: node:http, fixed small SOAP response);
 *   2. pass-through: the gateway, security off, in front of that backend;
 *   3. secure: the gateway, security enforce (signed Body + Timestamp, trust anchor = the bench
 *      client certificate, replay detection on).
 * Requests: SubmitOrder signed like the anchors' signed-1k.xml (4.7 KB, RSA-2048, exc-c14n; see
 * bench/gateway-messages.ts), each one distinct, generated before the measurement. The secure
 * gateway gets every message at most once (its replay cache would refuse a second copy): the
 * pool is sized from the warm-up rate and the run says so if it ever wrapped around.
 *
 * Pinning (default; --no-pin to switch off): the gateway on core 0, the backend and wrk on core 1,
 * like the anchors' HTTP plumbing runs. Each server is a child process of its own; the gateway's CPU
 * share is its utime + stime (/proc/<pid>/stat) over the measured wrk run ÷ wrk's duration, and
 * req/s per gateway core = req/s ÷ that share (= requests per gateway CPU-second). All on
 * 127.0.0.1; children are stopped on exit, error or Ctrl-C, and exit by themselves if this
 * process dies (IPC disconnect).
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { arch, cpus, platform, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { cpuShare, cpuSnapshot } from './cpu-usage.ts';
import { CLIENT_CERT, ensureClientKey, generateMessages } from './gateway-messages.ts';
import { BACKEND_PATH, ORDERS_PATH, SUBMIT_ORDER_ACTION, startServerProcess, writeOrdersConfig } from './gateway-servers.ts';
import type { AuditMode, ServerProcess } from './gateway-servers.ts';
import { runWrk } from './gateway-wrk.ts';
import type { WrkResult } from './gateway-wrk.ts';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    connections: { type: 'string', default: '50' },
    messages: { type: 'string', default: '20000' },
    'no-pin': { type: 'boolean', default: false },
    'gateway-cpus': { type: 'string', default: '0' },
    'load-cpus': { type: 'string', default: '1' },
    audit: { type: 'string', default: 'required' },
  },
});
if (!['required', 'best-effort', 'off'].includes(values.audit)) throw new Error('--audit must be required, best-effort or off');
/** The orders service's audit.mode (file sink in the run's directory; `off`: no trail at all). */
const AUDIT = values.audit as AuditMode;
const DURATION = Number(values.duration);
const WARMUP = Number(values.warmup);
const CONNECTIONS = Number(values.connections);
const INITIAL_MESSAGES = Number(values.messages);
const PIN = !values['no-pin'] && cpus().length >= 2;
const GATEWAY_CPUS = PIN ? values['gateway-cpus'] : undefined;
const LOAD_CPUS = PIN ? values['load-cpus'] : undefined;
/** Messages for the direct and pass-through runs, cycled (nothing there remembers them). */
const CYCLED = 2000;
/** Expires = Created + this; the secure gateway accepts Created up to 900 s old (ttlSeconds). */
const LIFETIME_SECONDS = 600;
const TARGET_PER_CORE = 2000;

interface Row {
  readonly name: string;
  readonly wrk: WrkResult;
  /** Percent of one core over wrk's measured duration; NaN for the direct run. */
  readonly gatewayCpu: number;
  readonly backendCpu: number;
  readonly machineBusy: number;
}

const children = new Set<ServerProcess>();
let wrkPid: number | undefined;
/** What this run writes (removed at the end): configs, the message pool, the wrk script. */
const work = mkdtempSync(join(tmpdir(), 'wsgate-bench-gateway-run-'));

async function stopAll(): Promise<void> {
  if (wrkPid !== undefined) process.kill(wrkPid, 'SIGKILL');
  await Promise.all([...children].map((c) => c.stop()));
  children.clear();
  rmSync(work, { recursive: true, force: true });
}

for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    process.stderr.write(`\n${sig}: stopping the servers\n`);
    void stopAll().finally(() => process.exit(130));
  });
}

async function start(args: readonly string[], logFile: string, cpuList: string | undefined): Promise<ServerProcess> {
  const p = await startServerProcess(args, logFile, cpuList);
  children.add(p);
  return p;
}

async function stop(p: ServerProcess): Promise<void> {
  children.delete(p);
  await p.stop();
}

function firstLine(file: string): string {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(64 * 1024);
    const text = buf.subarray(0, readSync(fd, buf, 0, buf.length, 0)).toString('utf8');
    const end = text.indexOf('\n');
    if (end <= 0) throw new Error(`${file}: no complete first line`);
    return text.slice(0, end);
  } finally {
    closeSync(fd);
  }
}

async function checkOnce(url: string, body: string, what: string): Promise<void> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: `"${SUBMIT_ORDER_ACTION}"` }, body });
  const text = await res.text();
  if (res.status !== 200 || !text.includes('SubmitOrderResponse')) throw new Error(`${what}: expected 200 with SubmitOrderResponse, got ${res.status}: ${text.slice(0, 400)}`);
}

const errorsOf = (w: WrkResult): number => w.connect + w.read + w.write + w.status + w.timeout;

async function main(): Promise<void> {
  const cpu = cpus();
  const logFile = join(tmpdir(), `wsgate-bench-gateway-${process.pid}.log`);
  const pool = join(work, 'messages.txt');
  try {
    process.stdout.write(
      `wsgate end-to-end HTTP benchmark (bench/gateway.ts)\n` +
        `node ${process.version}, ${platform()} ${arch()}, ${cpu.length} CPUs (${cpu[0]?.model.trim() ?? 'unknown'})\n` +
        `command: ${['node --import tsx', ...process.argv.slice(1).map((a) => a.replace(`${process.cwd()}/`, ''))].join(' ')}\n` +
        `load: wrk -t1 -c${CONNECTIONS}, keep-alive, ${WARMUP} s warm-up + ${DURATION} s measured per target, 127.0.0.1\n` +
        (PIN ? `pinning: gateway on CPU ${GATEWAY_CPUS}; backend + wrk on CPU ${LOAD_CPUS}\n` : `pinning: none\n`) +
        `audit: ${AUDIT === 'off' ? 'off (no trail)' : `audit.mode ${AUDIT}, file sink (O_DSYNC appends, group commit) in a temporary directory`}\n`,
    );
    const idle = cpuSnapshot(new Map());
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const busy = cpuShare(idle, cpuSnapshot(new Map())).machineBusy;
    process.stdout.write(`machine busy before the run (1 s, nothing of ours running): ${Math.round(busy)}% of all CPUs${busy > 10 ? '  -- other work is running: figures will be disturbed' : ''}\n`);

    ensureClientKey();
    process.stderr.write(`signing ${INITIAL_MESSAGES} messages...\n`);
    let poolSize = INITIAL_MESSAGES + 1;
    const genSecs = await generateMessages(pool, 0, poolSize, LIFETIME_SECONDS);
    let generated = `${poolSize} in ${genSecs.toFixed(1)} s`;
    const sample = firstLine(pool);
    process.stdout.write(`requests: SubmitOrder, ${Buffer.byteLength(sample)} bytes, signed (RSA-2048, rsa-sha256, exc-c14n, Body + Timestamp), each distinct; Expires = Created + ${LIFETIME_SECONDS} s\n`);
    process.stdout.write(`server output: ${logFile}\n\n`);

    const backend = await start(['backend'], logFile, LOAD_CPUS);
    const rows: Row[] = [];
    const measure = async (name: string, url: string, gateway: ServerProcess | undefined, first: number, count: number, cycled: boolean): Promise<{ warm: WrkResult; row: Row; next: number }> => {
      const wrkOpts = { url, bodyFile: pool, soapAction: SUBMIT_ORDER_ACTION, connections: CONNECTIONS, cpus: LOAD_CPUS, scriptDir: work, onPid: (pid: number | undefined) => (wrkPid = pid) };
      process.stderr.write(`[${name}] warm-up ${WARMUP} s\n`);
      const warm = await runWrk({ ...wrkOpts, first, count, durationSeconds: WARMUP });
      let next = cycled ? first : first + warm.sent;
      if (!cycled) {
        // Enough distinct messages for the measured run: twice the warm-up rate, and at least
        // 3,000/s, x duration (the measured run can be much faster than a warm-up slowed by the JIT
        // or by other work; a replayed message would be refused, cheaply, and inflate the figures:
        // the report says so if it ever happens).
        const need = Math.ceil(Math.max((warm.requests / (warm.durationUs / 1e6)) * 2, 3000) * DURATION) + CONNECTIONS;
        const have = poolSize - next;
        if (need > have) {
          process.stderr.write(`[${name}] signing ${need - have} more messages\n`);
          const secs = await generateMessages(pool, poolSize, need - have, LIFETIME_SECONDS);
          generated += ` + ${need - have} in ${secs.toFixed(1)} s`;
          poolSize += need - have;
        }
      }
      process.stderr.write(`[${name}] measured ${DURATION} s\n`);
      const pids = new Map([['backend', backend.pid], ...(gateway ? [['gateway', gateway.pid] as [string, number]] : [])]);
      const before = cpuSnapshot(pids);
      const w = await runWrk({ ...wrkOpts, first: next, count: cycled ? count : poolSize - next, durationSeconds: DURATION });
      const after = cpuSnapshot(pids);
      const seconds = (name2: string): number => (after.processes.get(name2) ?? Number.NaN) - (before.processes.get(name2) ?? Number.NaN);
      const share = cpuShare(before, after);
      // CPU over wrk's own measured duration (loading the bodies into wrk is outside it; the servers are idle then).
      const pct = (name2: string): number => (100 * seconds(name2)) / (w.durationUs / 1e6);
      next += w.sent;
      return { warm, row: { name, wrk: w, gatewayCpu: gateway ? pct('gateway') : Number.NaN, backendCpu: pct('backend'), machineBusy: share.machineBusy }, next };
    };

    // 1. direct
    await checkOnce(`${backend.url}${BACKEND_PATH}`, sample, 'direct');
    rows.push((await measure('direct', `${backend.url}${BACKEND_PATH}`, undefined, 1, CYCLED, true)).row);

    // 2. gateway, security off
    const off = await start(['gateway', writeOrdersConfig(work, backend.url, 'off', CLIENT_CERT, AUDIT)], logFile, GATEWAY_CPUS);
    await checkOnce(`${off.url}${ORDERS_PATH}`, sample, 'gateway security off');
    rows.push((await measure('gateway, security off', `${off.url}${ORDERS_PATH}`, off, 1, CYCLED, true)).row);
    await stop(off);

    // 3. gateway, security enforce: message 0 for the check, then every message once.
    const secure = await start(['gateway', writeOrdersConfig(work, backend.url, 'enforce', CLIENT_CERT, AUDIT)], logFile, GATEWAY_CPUS);
    await checkOnce(`${secure.url}${ORDERS_PATH}`, sample, 'gateway security enforce');
    const s = await measure('gateway, security enforce', `${secure.url}${ORDERS_PATH}`, secure, 1, poolSize - 1, false);
    rows.push(s.row);
    await stop(secure);
    await stop(backend);

    process.stdout.write(`signed messages generated: ${generated}; used by the secure gateway: ${s.next - 1} (warm-up ${s.warm.sent}, measured ${s.row.wrk.sent})${s.row.wrk.wraps + s.warm.wraps > 0 ? '  -- POOL WRAPPED: replays were sent, secure figures are invalid' : ', none twice'}\n\n`);
    process.stdout.write(report(rows));
  } finally {
    await stopAll();
  }
}

const f0 = (x: number): string => (Number.isFinite(x) ? x.toFixed(0) : '-');
const f2 = (x: number): string => (Number.isFinite(x) ? x.toFixed(2) : '-');

function report(rows: readonly Row[]): string {
  const out: string[] = [];
  out.push('| target | req/s | p50 ms | p99 ms | errors | gateway CPU % | req/s per gateway core | backend CPU % | machine busy % |');
  out.push('|---|---|---|---|---|---|---|---|---|');
  const rps = (r: Row): number => r.wrk.requests / (r.wrk.durationUs / 1e6);
  const perCore = (r: Row): number => rps(r) / (r.gatewayCpu / 100);
  for (const r of rows) {
    out.push(`| ${r.name} | ${f0(rps(r))} | ${f2(r.wrk.p50Us / 1000)} | ${f2(r.wrk.p99Us / 1000)} | ${errorsOf(r.wrk)} | ${f0(r.gatewayCpu)} | ${f0(perCore(r))} | ${f0(r.backendCpu)} | ${f0(r.machineBusy)} |`);
  }
  const [direct, off, secure] = rows as [Row, Row, Row];
  out.push('');
  out.push(`secure / pass-through: req/s ${f2(rps(secure) / rps(off))}, per gateway core ${f2(perCore(secure) / perCore(off))}`);
  out.push(`pass-through / direct: req/s ${f2(rps(off) / rps(direct))}`);
  const got = perCore(secure);
  const invalid = errorsOf(secure.wrk) > 0 ? `  -- ${errorsOf(secure.wrk)} errors: not a valid measurement` : '';
  out.push(`target >= ${TARGET_PER_CORE} signed req/s per gateway core: ${f0(got)} -> ${got >= TARGET_PER_CORE ? 'met' : `NOT met (${f2(got / TARGET_PER_CORE)} of it)`}${invalid}`);
  out.push(`(machine busy = all ${cpus().length} CPUs, including other users' work; errors = socket errors + timeouts + HTTP status >= 400)`);
  return `${out.join('\n')}\n`;
}

main().catch(async (err: unknown) => {
  console.error(err);
  await stopAll();
  process.exitCode = 1;
});
