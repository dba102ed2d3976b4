/**
 * Load for the pass-through benchmark: GetPolicy (SOAP 1.1) padded to a given size inside
 * Context/Remarks (plain text, no comments: valid for the schema and under the gateway's default
 * limits), and one closed-loop autocannon run (as fast as the target answers) with our own latency
 * record (autocannon's histogram keeps whole milliseconds; loopback latencies need fractions).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { OPERATIONS, SAMPLES_DIR } from '../src/example/contract.ts';
import { percentile } from './open-loop.ts';

export const GET_POLICY_ACTION = OPERATIONS.find((o) => o.name === 'GetPolicy')?.action ?? '';
export const SOAP11_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/xml; charset=utf-8',
  soapaction: `"${GET_POLICY_ACTION}"`,
};

const FILLER = 'Policyholder called about the renewal terms and asked for a copy of the schedule and the claims history. ';

/** The GetPolicy SOAP 1.1 sample with Context/Remarks grown so that the body is exactly `bytes` long. */
export function paddedGetPolicy(bytes: number): string {
  const base = readFileSync(join(SAMPLES_DIR, 'GetPolicy.soap11.xml'), 'utf8');
  const marker = '</pa:CorrelationId>';
  const at = base.indexOf(marker) + marker.length;
  const open = '\n        <pa:Remarks>';
  const close = '</pa:Remarks>';
  const room = bytes - Buffer.byteLength(base) - open.length - close.length;
  if (at < marker.length || room < 0) throw new Error(`cannot pad GetPolicy to ${bytes} bytes`);
  const text = FILLER.repeat(Math.ceil(room / FILLER.length)).slice(0, room);
  return `${base.slice(0, at)}${open}${text}${close}${base.slice(at)}`;
}

export interface LoadResult {
  readonly requestsPerSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly completed: number;
  /** Errors, timeouts and non-2xx responses. */
  readonly failures: number;
}

export interface LoadOptions {
  readonly url: string;
  readonly body: string;
  readonly connections: number;
  readonly durationSeconds: number;
}

interface LoadSample {
  readonly times: readonly number[];
  readonly requests: number;
  readonly seconds: number;
  readonly failures: number;
}

async function sample(opts: LoadOptions): Promise<LoadSample> {
  const times: number[] = [];
  const instance = autocannon({
    url: opts.url,
    method: 'POST',
    headers: { ...SOAP11_HEADERS },
    body: opts.body,
    connections: opts.connections,
    duration: opts.durationSeconds,
    timeout: 30,
  });
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    if (statusCode >= 200 && statusCode < 300) times.push(responseTime);
  });
  const result = await instance;
  return { times, requests: result.requests.total, seconds: result.duration, failures: result.errors + result.timeouts + result.non2xx };
}

function summarize(samples: readonly LoadSample[]): LoadResult {
  const sorted = Float64Array.from(samples.flatMap((s) => s.times)).sort();
  const requests = samples.reduce((a, s) => a + s.requests, 0);
  const seconds = samples.reduce((a, s) => a + s.seconds, 0);
  return {
    requestsPerSecond: seconds > 0 ? requests / seconds : Number.NaN,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    completed: requests,
    failures: samples.reduce((a, s) => a + s.failures, 0),
  };
}

export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  return summarize([await sample(opts)]);
}

export interface AlternatingLoadOptions {
  readonly urls: readonly string[];
  readonly body: string;
  readonly connections: number;
  /** Each url gets `rounds` runs of `secondsPerRound`, in turn: a b a b ... */
  readonly rounds: number;
  readonly secondsPerRound: number;
  /** Called before each run with the url's index, and with `undefined` after the last. */
  readonly onRun?: (target: number | undefined) => void;
}

/**
 * Closed-loop runs of several urls taken in turns, so that each sees the same background: on a
 * shared machine, other work comes and goes, and back-to-back 10 s runs would compare two machines.
 */
export async function runAlternating(opts: AlternatingLoadOptions): Promise<LoadResult[]> {
  const samples = opts.urls.map((): LoadSample[] => []);
  for (let round = 0; round < opts.rounds; round++) {
    for (const [i, url] of opts.urls.entries()) {
      opts.onRun?.(i);
      samples[i]?.push(await sample({ url, body: opts.body, connections: opts.connections, durationSeconds: opts.secondsPerRound }));
    }
  }
  opts.onRun?.(undefined);
  return samples.map(summarize);
}
