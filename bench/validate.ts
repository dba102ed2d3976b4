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
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { plainExampleWsdl } from '../src/example/contract.ts';
import type { BackendAdapter } from '../src/backends/types.ts';
import { prepareGateway } from '../src/bootstrap.ts';
import { fixedClock } from '../src/clock.ts';
import type { InboundRequest } from '../src/pipeline/exchange.ts';
import { runExchange, type PipelineContext } from '../src/pipeline/run.ts';
import { MemoryReplayCache } from '../src/security/replay/index.ts';
import type { ReplayCache } from '../src/security/replay/types.ts';
import type { CompiledService } from '../src/service/compiled.ts';
import { readEnvelope } from '../src/soap/envelope.ts';
import { defaultXmlLimits, parseXml } from '../src/xml/parse.ts';

const here = dirname(fileURLToPath(import.meta.url));
const anchors = join(here, 'fixtures', 'anchors');
const { values: opts } = parseArgs({ options: { reps: { type: 'string', default: '3' }, warmup: { type: 'string', default: '1' }, duration: { type: 'string', default: '3' }, only: { type: 'string' } } });

const ORD = 'urn:example:orders:v1';
const ACTION = `${ORD}/SubmitOrder`;
const XSD = `<?xml version="1.0" encoding="UTF-8"?>
<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:ord="${ORD}" targetNamespace="${ORD}" elementFormDefault="qualified">
  <xsd:simpleType name="Sku"><xsd:restriction base="xsd:string"><xsd:pattern value="SKU-[0-9]{6}"/></xsd:restriction></xsd:simpleType>
  <xsd:complexType name="Money"><xsd:simpleContent><xsd:extension base="xsd:decimal"><xsd:attribute name="currency" use="required"><xsd:simpleType><xsd:restriction base="xsd:string"><xsd:pattern value="[A-Z]{3}"/></xsd:restriction></xsd:simpleType></xsd:attribute></xsd:extension></xsd:simpleContent></xsd:complexType>
  <xsd:complexType name="Line"><xsd:sequence>
    <xsd:element name="Sku" type="ord:Sku"/><xsd:element name="Qty" type="xsd:positiveInteger"/><xsd:element name="Price" type="ord:Money"/><xsd:element name="Description" type="xsd:string"/>
  </xsd:sequence><xsd:attribute name="no" type="xsd:positiveInteger" use="required"/></xsd:complexType>
  <xsd:element name="SubmitOrder"><xsd:complexType><xsd:sequence>
    <xsd:element name="OrderId"><xsd:simpleType><xsd:restriction base="xsd:string"><xsd:pattern value="ORD-[0-9]{8}"/></xsd:restriction></xsd:simpleType></xsd:element>
    <xsd:element name="Customer"><xsd:complexType><xsd:sequence><xsd:element name="Name" type="xsd:string"/><xsd:element name="Country"><xsd:simpleType><xsd:restriction base="xsd:string"><xsd:pattern value="[A-Z]{2}"/></xsd:restriction></xsd:simpleType></xsd:element></xsd:sequence><xsd:attribute name="id" type="xsd:string" use="required"/></xsd:complexType></xsd:element>
    <xsd:element name="Lines"><xsd:complexType><xsd:sequence><xsd:element name="Line" type="ord:Line" maxOccurs="unbounded"/></xsd:sequence></xsd:complexType></xsd:element>
  </xsd:sequence></xsd:complexType></xsd:element>
  <xsd:element name="SubmitOrderResponse"><xsd:complexType><xsd:sequence><xsd:element name="OrderId" type="xsd:string"/><xsd:element name="Accepted" type="xsd:boolean"/><xsd:element name="Total" type="ord:Money"/></xsd:sequence></xsd:complexType></xsd:element>
</xsd:schema>
`;
const WSDL = `<?xml version="1.0" encoding="UTF-8"?>
<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" xmlns:tns="urn:example:orders:wsdl" xmlns:ord="${ORD}" targetNamespace="urn:example:orders:wsdl">
  <wsdl:types><xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:example:orders:types"><xsd:import namespace="${ORD}" schemaLocation="orders.xsd"/></xsd:schema></wsdl:types>
  <wsdl:message name="In"><wsdl:part name="p" element="ord:SubmitOrder"/></wsdl:message>
  <wsdl:message name="Out"><wsdl:part name="p" element="ord:SubmitOrderResponse"/></wsdl:message>
  <wsdl:portType name="Orders"><wsdl:operation name="SubmitOrder"><wsdl:input message="tns:In"/><wsdl:output message="tns:Out"/></wsdl:operation></wsdl:portType>
  <wsdl:binding name="OrdersSoap11" type="tns:Orders"><soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>
    <wsdl:operation name="SubmitOrder"><soap:operation soapAction="${ACTION}"/><wsdl:input><soap:body use="literal"/></wsdl:input><wsdl:output><soap:body use="literal"/></wsdl:output></wsdl:operation>
  </wsdl:binding>
  <wsdl:service name="Orders"><wsdl:port name="OrdersSoap11" binding="tns:OrdersSoap11"><soap:address location="http://127.0.0.1:1/orders"/></wsdl:port></wsdl:service>
</wsdl:definitions>
`;
const RESPONSE = Buffer.from(
  `<?xml version="1.0" encoding="utf-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><ord:SubmitOrderResponse xmlns:ord="${ORD}"><ord:OrderId>ORD-00001000</ord:OrderId><ord:Accepted>true</ord:Accepted><ord:Total currency="EUR">1528.20</ord:Total></ord:SubmitOrderResponse></soapenv:Body></soapenv:Envelope>`,
);

/** One service per variant, compiled by the gateway's own start-up code. */
function compile(validationYaml: Record<string, unknown> | undefined): CompiledService {
  const dir = mkdtempSync(join(tmpdir(), 'wsgate-bench-validate-'));
  try {
    const svc = join(dir, 'orders');
    mkdirSync(svc);
    writeFileSync(join(svc, 'orders.wsdl'), WSDL);
    writeFileSync(join(svc, 'orders.xsd'), XSD);
    writeFileSync(
      join(svc, 'service.yaml'),
      stringify({
        name: 'orders',
        wsdl: 'orders.wsdl',
        ports: [{ wsdlPort: 'OrdersSoap11', path: '/orders' }],
        backend: { type: 'soap', url: 'http://127.0.0.1:1/orders' },
        audit: { mode: 'off' },
        security: { mode: 'enforce', trust: { anchors: [join(anchors, 'client.cert.pem')] }, require: { signature: true, signedParts: ['body', 'timestamp'], timestamp: true } },
        ...(validationYaml !== undefined ? { validation: validationYaml } : {}),
      }),
    );
    writeFileSync(join(dir, 'gateway.yaml'), stringify({ listen: { host: '127.0.0.1', port: 0 }, services: ['orders'], audit: { sink: 'off' } }));
    const service = prepareGateway(join(dir, 'gateway.yaml'), {}).services[0];
    if (service === undefined) throw new Error('no service');
    return service;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** BENCH-ONLY: the same signed message again and again, so the replay memory is dropped before each one (its lookup + insert still run). */
class FreshReplayCache implements ReplayCache {
  #cache = new MemoryReplayCache({ maxEntries: 1000 });
  reset(): void {
    this.#cache = new MemoryReplayCache({ maxEntries: 1000 });
  }
  checkAndRemember(key: string, expiresAt: Date, now: Date): Promise<boolean> {
    return this.#cache.checkAndRemember(key, expiresAt, now);
  }
  close(): Promise<void> {
    return this.#cache.close();
  }
}

const message = readFileSync(join(anchors, 'signed-1k.xml'));
const created = /<wsu:Created>([^<]+)<\/wsu:Created>/.exec(message.toString('utf8'))?.[1];
if (created === undefined) throw new Error('signed-1k.xml has no wsu:Created');
const clock = fixedClock(new Date(Date.parse(created) + 1000));
const backend: BackendAdapter = {
  forward: () => Promise.resolve({ status: 200, contentType: 'text/xml; charset=utf-8', body: RESPONSE, durationMs: 0 }),
  close: () => Promise.resolve(),
};
const abort = new AbortController();
const request: InboundRequest = {
  correlationId: 'bench',
  receivedAt: new Date(),
  headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: `"${ACTION}"` },
  body: message,
  clientIp: '127.0.0.1',
  proto: 'http',
  tlsClient: undefined,
  signal: abort.signal,
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
