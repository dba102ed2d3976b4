/**
 * One closed-loop wrk run for bench/gateway.ts (Debian's wrk 4.1: C, one thread, far cheaper on
 * the load generator's core than autocannon). A Lua script cycles through pre-generated request
 * bodies, one per line of a file, from line `first` on (`count` lines, then it wraps around and
 * says so), and reports as JSON: completed requests, duration, errors, latency p50/p99 and how
 * many requests it built (`sent`, so the next run can start after the last body used).
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const LUA = String.raw`
-- args: BODY_FILE FIRST(0-based line) COUNT SOAPACTION
threads = {}
function setup(thread) table.insert(threads, thread) end

function init(args)
  local file, first, count, action = args[1], tonumber(args[2]), tonumber(args[3]), args[4]
  local headers = { ["Content-Type"] = "text/xml; charset=utf-8", ["SOAPAction"] = '"' .. action .. '"' }
  reqs, n, i, wraps = {}, 0, 0, 0
  local line_no = 0
  for line in io.lines(file) do
    if line_no >= first and line ~= "" then
      n = n + 1
      reqs[n] = wrk.format("POST", nil, headers, line)
      if n >= count then break end
    end
    line_no = line_no + 1
  end
  if n == 0 then error("no request bodies in " .. file .. " from line " .. first) end
end

function request()
  i = i + 1
  if i > n then i = 1; wraps = wraps + 1 end
  return reqs[i]
end

function done(summary, latency, requests)
  local sent, wrapped, loaded = 0, 0, 0
  for _, t in ipairs(threads) do
    sent = sent + t:get("wraps") * t:get("n") + t:get("i")
    wrapped = wrapped + t:get("wraps")
    loaded = loaded + t:get("n")
  end
  local e = summary.errors
  io.write(string.format('WRKJSON {"requests":%d,"durationUs":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"p50Us":%d,"p99Us":%d,"sent":%d,"wraps":%d,"loaded":%d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50.0), latency:percentile(99.0), sent, wrapped, loaded))
end
`;

export interface WrkResult {
  readonly requests: number;
  readonly durationUs: number;
  readonly connect: number;
  readonly read: number;
  readonly write: number;
  /** Responses with a status >= 400. */
  readonly status: number;
  readonly timeout: number;
  readonly p50Us: number;
  readonly p99Us: number;
  /** Requests built (sent or about to be), including the ones in flight at the end. */
  readonly sent: number;
  /** How often the body list was used up and restarted (must be 0 where bodies must be distinct). */
  readonly wraps: number;
  readonly loaded: number;
}

export interface WrkOptions {
  readonly url: string;
  readonly bodyFile: string;
  readonly first: number;
  readonly count: number;
  readonly soapAction: string;
  readonly connections: number;
  readonly durationSeconds: number;
  /** taskset CPU list for wrk, or undefined. */
  readonly cpus: string | undefined;
  readonly scriptDir: string;
  /** Called with the wrk process id once it runs (to be killed on an interrupt). */
  readonly onPid?: (pid: number | undefined) => void;
}

export function runWrk(opts: WrkOptions): Promise<WrkResult> {
  const script = join(opts.scriptDir, 'gateway-bench.lua');
  writeFileSync(script, LUA);
  const wrk = ['wrk', '-t1', `-c${opts.connections}`, `-d${opts.durationSeconds}s`, '--timeout', '10s', '-s', script, opts.url, '--', opts.bodyFile, String(opts.first), String(opts.count), opts.soapAction];
  const [cmd, ...args] = opts.cpus === undefined ? wrk : ['taskset', '-c', opts.cpus, ...wrk];
  return new Promise((resolve, reject) => {
    const child = spawn(cmd as string, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    opts.onPid?.(child.pid);
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    // wrk stops by itself after -d; this is the backstop (loading the bodies + duration + margin).
    const timer = setTimeout(() => child.kill('SIGKILL'), (opts.durationSeconds + 60) * 1000);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot run wrk (apt-get install -y wrk): ${e.message}`));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      opts.onPid?.(undefined);
      const line = out.split('\n').find((l) => l.startsWith('WRKJSON '));
      if (code !== 0 || line === undefined) return reject(new Error(`wrk failed (${code ?? signal}): ${err || out}`));
      resolve(JSON.parse(line.slice('WRKJSON '.length)) as WrkResult);
    });
  });
}
