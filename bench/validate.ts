/**
 * Cost of schema validation (src/validation/), measured in one run on the anchors' signed 4.6 KB
 * request (bench/fixtures/anchors/signed-1k.xml: BinarySecurityToken, Timestamp, RSA-SHA256
 * signature over Body + Timestamp, a SubmitOrder Body with three order lines):
 *
 *   signed only            runExchange (the whole request path of src/pipeline/run.ts: media type,
 *                          parse, envelope, dispatch, headers, WS-Security, policy, replay, strip,
 *                          serialization) with a stub backend that answers at once
 *   + request validation   the same with `validation: {request: on}`
 *   + response validation  the same with `validation: {request: on, response: on}` (the stub's
 *                          SubmitOrderResponse is parsed and validated too)
 *   validation alone       SchemaValidator.validate on the request's Body child (copy, serialize,
 *                          libxml2 parse + validate, free), and on the example service's samples
 *
 * The variants alternate within each repetition; figures are medians over --reps. Run it pinned
 * to one core for stable numbers:
 *
 *   taskset -c 0 npm run bench:validate -- [--reps 3] [--warmup 1] [--duration 3] [--only TEXT]
 */
import { ClientAbort } from '../src/pipeline/client-abort.ts';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { prepareGateway } from '../src/bootstrap.ts';
import { plainExampleWsdl } from '../src/example/contract.ts';
import { fixedClock } from '../src/clock.ts';
import type { InboundRequest } from '../src/pipeline/exchange.ts';
import { runExchange, type PipelineContext } from '../src/pipeline/run.ts';
import type { CompiledService } from '../src/service/compiled.ts';
import { readEnvelope } from '../src/soap/envelope.ts';
import { defaultXmlLimits, parseXml } from '../src/xml/parse.ts';
import { ACTION, FreshReplayCache, compileOrders, stubBackend } from './orders-service.ts';

const here = dirname(fileURLToPath(import.meta.url));
const anchors = join(here, 'fixtures', 'anchors');
const { values: opts } = parseArgs({ options: { reps: { type: 'string', default: '3' }, warmup: { type: 'string', default: '1' }, duration: { type: 'string', default: '3' }, only: { type: 'string' } } });

/** One service per variant, compiled by the gateway's own start-up code. */
function compile(validationYaml: Record<string, unknown> | undefined): CompiledService {
  return compileOrders({ mode: 'enforce', trust: { anchors: [join(anchors, 'client.cert.pem')] }, require: { signature: true, signedParts: ['body', 'timestamp'], timestamp: true } }, validationYaml);
}

const message = readFileSync(join(anchors, 'signed-1k.xml'));
const created = /<wsu:Created>([^<]+)<\/wsu:Created>/.exec(message.toString('utf8'))?.[1];
if (created === undefined) throw new Error('signed-1k.xml has no wsu:Created');
const clock = fixedClock(new Date(Date.parse(created) + 1000));
const backend = stubBackend;
const abort = new ClientAbort();
const request: InboundRequest = {
  correlationId: 'bench',
  receivedAt: new Date(),
  headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: `"${ACTION}"` },
  body: message,
  clientIp: '127.0.0.1',
  proto: 'http',
  tlsClient: undefined,
  signal: abort,
};

type Run = () => Promise<void>;

/** Wall-clock ms of the validation stages, from the traces (for the stage medians). */
const stageMs = new Map<string, number[]>();

function pipeline(service: CompiledService, expectValidation: 'none' | 'request' | 'both'): Run {
  const port = service.ports[0];
  const security = service.security;
  if (port === undefined || security === undefined) throw new Error('service without port or security');
  const replay = new FreshReplayCache();
  const ctx: PipelineContext = { service, port, backend, clock, security: { ...security, replay } };
  return async () => {
    replay.reset();
    const res = await runExchange(ctx, request);
    const t = res.trace;
    if (t.outcome !== 'forwarded') throw new Error(`not forwarded: ${t.errorCode ?? ''} ${t.reason ?? ''}`);
    const v = t.validation;
    if ((expectValidation === 'none') !== (v === undefined) || (expectValidation === 'both' && v?.response?.valid !== true) || (expectValidation !== 'none' && v?.request?.valid !== true)) {
      throw new Error(`unexpected validation record ${JSON.stringify(v)}`);
    }
    for (const st of t.stages) {
      if (st.stage !== 'validation' && st.stage !== 'response-validation') continue;
      const list = stageMs.get(st.stage) ?? [];
      list.push(st.ms);
      stageMs.set(st.stage, list);
    }
  };
}

function validationOnly(service: CompiledService, bytes: Buffer): Run {
  const v = service.validation;
  if (v === undefined) throw new Error('service without validation');
  const envelope = readEnvelope(parseXml(bytes, undefined, defaultXmlLimits).doc, bytes.includes('http://www.w3.org/2003/05/soap-envelope') ? '1.2' : '1.1');
  return () => {
    const r = v.validator.validate(envelope.bodyElements, v.maxViolations);
    if (r.total !== 0) throw new Error(`invalid: ${JSON.stringify(r.violations)}`);
    return Promise.resolve();
  };
}

/** Runs `n` messages of one variant; adds their wall and CPU time to its totals. */
async function batch(run: Run, n: number, into: { n: number; wall: number; cpu: number }): Promise<void> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await run();
  const c = process.cpuUsage(c0);
  into.n += n;
  into.wall += (performance.now() - t0) / 1000;
  into.cpu += (c.user + c.system) / 1e6;
}

const off = compile(undefined);
const requestOn = compile({ request: 'on' });
const bothOn = compile({ request: 'on', response: 'on' });
const exampleValidating = compileExample();

/** The example service with validation on (its own WSDL, XSD import and include), for the samples. */
function compileExample(): CompiledService | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'wsgate-bench-validate-pa-'));
  try {
    const src = join(here, '..', 'wsdl', 'policy-admin');
    const svc = join(dir, 'policy-admin');
    mkdirSync(svc);
    for (const f of ['PolicyAdministration.xsd', 'Common.xsd']) writeFileSync(join(svc, f), readFileSync(join(src, f)));
    writeFileSync(join(svc, 'PolicyAdministration.wsdl'), plainExampleWsdl());
    writeFileSync(join(svc, 'service.yaml'), stringify({ name: 'policy-admin', wsdl: 'PolicyAdministration.wsdl', ports: [{ wsdlPort: 'PolicyAdministrationSoap11', path: '/pa' }], backend: { type: 'soap', url: 'http://127.0.0.1:1/' }, audit: { mode: 'off' }, validation: { request: 'on' } }));
    writeFileSync(join(dir, 'gateway.yaml'), stringify({ listen: { host: '127.0.0.1', port: 0 }, services: ['policy-admin'], audit: { sink: 'off' } }));
    return prepareGateway(join(dir, 'gateway.yaml'), {}).services[0];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const samples = join(here, '..', 'wsdl', 'policy-admin', 'samples');
const allVariants: { readonly name: string; readonly bytes: number; readonly kind: 'pipeline' | 'alone'; readonly run: Run }[] = [
  { name: 'signed only (runExchange)', bytes: message.length, kind: 'pipeline', run: pipeline(off, 'none') },
  { name: 'signed + request validation', bytes: message.length, kind: 'pipeline', run: pipeline(requestOn, 'request') },
  { name: 'signed + request + response validation', bytes: message.length, kind: 'pipeline', run: pipeline(bothOn, 'both') },
  { name: 'validation alone: signed-1k Body (SubmitOrder)', bytes: message.length, kind: 'alone', run: validationOnly(requestOn, message) },
  ...(exampleValidating === undefined
    ? []
    : ['GetPolicy.soap11.xml', 'EndorsePolicy.soap12.xml'].map((f) => {
        const bytes = readFileSync(join(samples, f));
        return { name: `validation alone: ${f}`, bytes: bytes.length, kind: 'alone' as const, run: validationOnly(exampleValidating, bytes) };
      })),
];

// --only TEXT: the variants whose name contains TEXT (e.g. to profile one with --cpu-prof); the first stays the baseline.
const variants = allVariants.filter((v, i) => i === 0 || opts.only === undefined || v.name.includes(opts.only));
const affinity = /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '?';
console.log(`# bench:validate  node ${process.version}  cpus allowed: ${affinity}${affinity.includes(',') || affinity.includes('-') ? '  (NOT pinned to one core: use taskset -c 0)' : ''}`);
console.log(`# reps=${opts.reps} warmup=${opts.warmup}s duration=${opts.duration}s per variant and repetition; medians`);
for (const v of variants) await v.run(); // correctness first: every variant must accept its message
/**
 * Interleaved: each repetition cycles through the variants in batches of BATCH messages until
 * --duration seconds per variant have passed, so load from other processes falls on all variants
 * alike. The first --warmup seconds of each variant are not counted.
 */
const BATCH = 25;
const totals = new Map<string, { n: number; wall: number; cpu: number }[]>();
for (let r = -1; r < Number(opts.reps); r++) {
  const seconds = r < 0 ? Number(opts.warmup) : Number(opts.duration);
  const rep = variants.map(() => ({ n: 0, wall: 0, cpu: 0 }));
  while (rep.some((t) => t.wall < seconds)) {
    for (let i = 0; i < variants.length; i++) {
      const v = variants[i];
      const t = rep[i];
      if (v !== undefined && t !== undefined && t.wall < seconds) await batch(v.run, BATCH, t);
    }
  }
  if (r < 0) {
    stageMs.clear();
    continue;
  }
  variants.forEach((v, i) => totals.set(v.name, [...(totals.get(v.name) ?? []), rep[i] ?? { n: 0, wall: 0, cpu: 0 }]));
}
const results = new Map([...totals].map(([name, reps]) => [name, { perS: reps.map((t) => t.n / t.wall), perCpuS: reps.map((t) => t.n / t.cpu) }]));

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
};
// CPU time of this process is the figure that other load on the machine disturbs least.
const base = median(results.get(variants[0]?.name ?? '')?.perCpuS ?? []);
console.log('\n| variant | message bytes | msg/s per CPU-s | µs CPU per message | msg/s wall | vs signed only (CPU) |');
console.log('|---|---|---|---|---|---|');
for (const v of variants) {
  const got = results.get(v.name);
  if (got === undefined) continue;
  const perCpu = median(got.perCpuS);
  const us = 1e6 / perCpu;
  const rel = v.kind === 'pipeline' ? `+${((base / perCpu - 1) * 100).toFixed(1)}% time per message` : `${((us / (1e6 / base)) * 100).toFixed(1)}% of a signed-only message`;
  console.log(`| ${v.name} | ${v.bytes} | ${perCpu.toFixed(0)} | ${us.toFixed(1)} | ${median(got.perS).toFixed(0)} | ${v === variants[0] ? '-' : rel} |`);
}
for (const [stage, ms] of stageMs) console.log(`# stage '${stage}' inside runExchange (wall clock, includes preemption): median ${(median(ms) * 1000).toFixed(1)} µs over ${ms.length} messages`);
abort.abort();
