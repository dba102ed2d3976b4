/**
 * The cost of the checks a contract can add to a signed message, measured in one run by
 * bench/verify.ts (its child, pinned with it). Every variant is the whole request path of
 * src/pipeline/run.ts (runExchange with a stub backend that answers at once) on the anchors'
 * signed 4.6 KB SubmitOrder (bench/fixtures/anchors/signed-1k.xml: BST, Timestamp, RSA-SHA256
 * over Body + Timestamp):
 *
 *   signed only                  security: signed Body + Timestamp, Timestamp
 *   + SAML holder-of-key         the same message with a SAML 2.0 holder-of-key assertion in the
 *                                Security header (signed by the interop test IdP, pinned; its
 *                                confirmation key is the message signer's), `saml: true`
 *   + schema validation          `validation: {request: on}` (libxml2 XSD validation of the Body)
 *   + SAML HoK + schema          both
 *
 * Variants alternate in batches within each repetition; figures are medians over --reps.
 *
 *   node --import tsx bench/verify-checks.ts [--reps 3] [--warmup 1] [--duration 3]
 */
import { ClientAbort } from '../src/pipeline/client-abort.ts';
import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { SignedXml } from 'xml-crypto';
import { fixedClock } from '../src/clock.ts';
import type { InboundRequest } from '../src/pipeline/exchange.ts';
import { runExchange, type PipelineContext } from '../src/pipeline/run.ts';
import type { CompiledService } from '../src/service/compiled.ts';
import { ACTION, FreshReplayCache, compileOrders, stubBackend } from './orders-service.ts';

const here = dirname(fileURLToPath(import.meta.url));
const anchors = join(here, 'fixtures', 'anchors');
// The interop corpus's SAML IdP (TEST-ONLY key): the issuer the SAML variants pin.
const idpDir = join(here, '..', 'test', 'fixtures', 'interop', 'certs');
const { values: opts } = parseArgs({ options: { reps: { type: 'string', default: '3' }, warmup: { type: 'string', default: '1' }, duration: { type: 'string', default: '3' } } });

const IDP = 'https://idp.bench.example';
const AUDIENCE = 'urn:example:orders:gateway';
const signed = readFileSync(join(anchors, 'signed-1k.xml'), 'utf8');
const created = /<wsu:Created>([^<]+)<\/wsu:Created>/.exec(signed)?.[1];
if (created === undefined) throw new Error('signed-1k.xml has no wsu:Created');
const at = (seconds: number): string => new Date(Date.parse(created) + seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** A SAML 2.0 holder-of-key assertion for the message signer, signed (enveloped, exc-c14n, rsa-sha256) by the IdP. */
function holderOfKeyAssertion(): string {
  const client = new X509Certificate(readFileSync(join(anchors, 'client.cert.pem'))).raw.toString('base64');
  const xml =
    `<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" Version="2.0" ID="_bench-hok" IssueInstant="${at(-60)}"><saml:Issuer>${IDP}</saml:Issuer>` +
    `<saml:Subject><saml:NameID>buyer@orders.example</saml:NameID><saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:holder-of-key"><saml:SubjectConfirmationData xsi:type="saml:KeyInfoConfirmationDataType">` +
    `<ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>${client}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></saml:SubjectConfirmationData></saml:SubjectConfirmation></saml:Subject>` +
    `<saml:Conditions NotBefore="${at(-60)}" NotOnOrAfter="${at(600)}"><saml:AudienceRestriction><saml:Audience>${AUDIENCE}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
    `<saml:AttributeStatement><saml:Attribute Name="role"><saml:AttributeValue>buyer</saml:AttributeValue></saml:Attribute></saml:AttributeStatement></saml:Assertion>`;
  const sx = new SignedXml({ privateKey: readFileSync(join(idpDir, 'idp.key'), 'utf8'), signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256', canonicalizationAlgorithm: 'http://www.w3.org/2001/10/xml-exc-c14n#' });
  sx.addReference({ xpath: "/*[local-name(.)='Assertion']", transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', 'http://www.w3.org/2001/10/xml-exc-c14n#'], digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256' });
  sx.computeSignature(xml, { prefix: 'ds', location: { reference: "/*/*[local-name(.)='Issuer']", action: 'after' } });
  return sx.getSignedXml();
}

// The assertion is a supporting token: the anchors' signature (Body + Timestamp) is unchanged.
const withSaml = signed.replace('</wsu:Timestamp>', `</wsu:Timestamp>${holderOfKeyAssertion()}`);
const trust = { anchors: [join(anchors, 'client.cert.pem')] };
const require = { signature: true, signedParts: ['body', 'timestamp'], timestamp: true };
const saml = { issuers: [{ entityId: IDP, certificate: join(idpDir, 'idp.pem') }], audience: AUDIENCE };
const plain = { mode: 'enforce', trust, require };
const samlSecurity = { mode: 'enforce', trust, saml, require: { ...require, saml: true } };
const clock = fixedClock(new Date(Date.parse(created) + 1000));
const abort = new ClientAbort();

type Run = () => Promise<void>;

function pipeline(service: CompiledService, body: string, expect: { readonly saml: boolean; readonly validation: boolean }): Run {
  const port = service.ports[0];
  const security = service.security;
  if (port === undefined || security === undefined) throw new Error('service without port or security');
  const replay = new FreshReplayCache();
  const ctx: PipelineContext = { service, port, backend: stubBackend, clock, security: { ...security, replay } };
  const request: InboundRequest = {
    correlationId: 'bench',
    receivedAt: new Date(),
    headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: `"${ACTION}"` },
    body: Buffer.from(body, 'utf8'),
    clientIp: '127.0.0.1',
    proto: 'http',
    tlsClient: undefined,
    signal: abort,
  };
  return async () => {
    replay.reset();
    const t = (await runExchange(ctx, request)).trace;
    if (t.outcome !== 'forwarded') throw new Error(`not forwarded: ${t.errorCode ?? ''} ${t.reason ?? ''}`);
    if (expect.saml !== (t.security?.saml[0]?.confirmation === 'holder-of-key')) throw new Error(`unexpected SAML facts ${JSON.stringify(t.security?.saml)}`);
    if (expect.validation !== (t.validation?.request?.valid === true)) throw new Error(`unexpected validation record ${JSON.stringify(t.validation)}`);
  };
}

const variants: readonly { readonly name: string; readonly bytes: number; readonly run: Run }[] = [
  { name: 'signed only', bytes: signed.length, run: pipeline(compileOrders(plain, undefined), signed, { saml: false, validation: false }) },
  { name: '+ SAML holder-of-key', bytes: withSaml.length, run: pipeline(compileOrders(samlSecurity, undefined), withSaml, { saml: true, validation: false }) },
  { name: '+ schema validation (request)', bytes: signed.length, run: pipeline(compileOrders(plain, { request: 'on' }), signed, { saml: false, validation: true }) },
  { name: '+ SAML HoK + schema validation', bytes: withSaml.length, run: pipeline(compileOrders(samlSecurity, { request: 'on' }), withSaml, { saml: true, validation: true }) },
];

for (const v of variants) await v.run(); // correctness first: every variant must accept its message

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

const BATCH = 25;
const perCpu = variants.map((): number[] => []);
const perWall = variants.map((): number[] => []);
for (let r = -1; r < Number(opts.reps); r++) {
  const seconds = r < 0 ? Number(opts.warmup) : Number(opts.duration);
  const rep = variants.map(() => ({ n: 0, wall: 0, cpu: 0 }));
  while (rep.some((t) => t.wall < seconds)) {
    for (const [i, v] of variants.entries()) {
      const t = rep[i];
      if (t !== undefined && t.wall < seconds) await batch(v.run, BATCH, t);
    }
  }
  if (r < 0) continue; // warm-up
  rep.forEach((t, i) => {
    perCpu[i]?.push(t.n / t.cpu);
    perWall[i]?.push(t.n / t.wall);
  });
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
};
const baseUs = 1e6 / median(perCpu[0] ?? []);
console.log(`\n## Added checks on the signed message (runExchange, stub backend; reps=${opts.reps} warmup=${opts.warmup}s duration=${opts.duration}s per variant, interleaved; medians)`);
console.log('| variant | message bytes | msg/s per CPU-s | µs CPU per message | msg/s wall | cost vs signed only (CPU) |');
console.log('|---|---|---|---|---|---|');
for (const [i, v] of variants.entries()) {
  const cpu = median(perCpu[i] ?? []);
  const us = 1e6 / cpu;
  const cost = i === 0 ? '-' : `+${(us - baseUs).toFixed(1)} µs (+${((us / baseUs - 1) * 100).toFixed(1)}%)`;
  console.log(`| ${v.name} | ${v.bytes} | ${cpu.toFixed(0)} | ${us.toFixed(1)} | ${median(perWall[i] ?? []).toFixed(0)} | ${cost} |`);
}
abort.abort();
