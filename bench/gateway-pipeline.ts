/**
 * The gateway's own CPU per signed request without HTTP: the bench:gateway orders service (security
 * enforce, or off) compiled as at start-up, each message through runExchange with a stand-in
 * backend that answers at once, then the audit record the endpoint would write (built, chained and
 * serialised as the file sink does, not written), and the log/metrics call. What is left out is
 * Fastify, undici and the sockets (bench:gateway measures those too).
 *
 *   node --import tsx bench/gateway-pipeline.ts [--mode enforce|off] [--seconds 5] [--messages 20000] [--cpu-prof]
 */
import { ClientAbort } from '../src/pipeline/client-abort.ts';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { EMPTY_HEAD, link } from '../src/audit/chain.ts';
import { signingKeyFromPem } from '../src/audit/keys.ts';
import { buildRecord } from '../src/audit/record.ts';
import type { BackendAdapter } from '../src/backends/types.ts';
import { prepareGateway } from '../src/bootstrap.ts';
import { systemClock } from '../src/clock.ts';
import { runExchange } from '../src/pipeline/run.ts';
import type { PipelineContext } from '../src/pipeline/run.ts';
import { GatewayMetrics } from '../src/plugins/metrics.ts';
import { recordExchange } from '../src/plugins/service-endpoint.ts';
import { createLogger } from '../src/server.ts';
import { CLIENT_CERT, generateMessages } from './gateway-messages.ts';
import { ORDERS_PATH, SUBMIT_ORDER_ACTION, writeOrdersConfig } from './gateway-servers.ts';

const { values } = parseArgs({
  options: {
    mode: { type: 'string', default: 'enforce' },
    seconds: { type: 'string', default: '5' },
    messages: { type: 'string', default: '20000' },
  },
});
const mode = values.mode === 'off' ? 'off' : 'enforce';

const RESPONSE = Buffer.from(
  '<?xml version="1.0" encoding="utf-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>' +
    '<ord:SubmitOrderResponse xmlns:ord="urn:example:orders:v1"><ord:OrderId>ORD-00001000</ord:OrderId><ord:Status>ACCEPTED</ord:Status></ord:SubmitOrderResponse>' +
    '</soapenv:Body></soapenv:Envelope>',
);
const backend: BackendAdapter = {
  forward: () => Promise.resolve({ status: 200, contentType: 'text/xml; charset=utf-8', body: RESPONSE, durationMs: 0.1 }),
  close: () => Promise.resolve(),
};

const work = mkdtempSync(join(tmpdir(), 'wsgate-bench-pipeline-'));
try {
  const pool = join(work, 'messages.txt');
  await generateMessages(pool, 0, Number(values.messages), 3600);
  const bodies = readFileSync(pool, 'utf8').split('\n').filter((l) => l !== '').map((l) => Buffer.from(l));
  const { services } = prepareGateway(writeOrdersConfig(work, 'http://127.0.0.1:1', mode, CLIENT_CERT, 'off'), process.env);
  const service = services[0];
  const port = service?.ports.find((p) => p.path === ORDERS_PATH);
  if (service === undefined || port === undefined) throw new Error('orders service not compiled');
  const ctx: PipelineContext = { service, port, backend, clock: systemClock, security: service.security };
  const metrics = new GatewayMetrics({ defaultMetrics: false });
  const logger = createLogger('warn');
  const key = signingKeyFromPem(generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }));
  let head = EMPTY_HEAD;
  const headers = { 'content-type': 'text/xml; charset=utf-8', soapaction: `"${SUBMIT_ORDER_ACTION}"`, host: '127.0.0.1' };
  let next = 0;
  let lineBytes = 0;
  const one = async (): Promise<void> => {
    const body = bodies[next++ % bodies.length] as Buffer;
    const started = performance.now();
    const result = await runExchange(ctx, { correlationId: `c-${next}`, receivedAt: new Date(), headers, body, clientIp: '127.0.0.1', proto: 'http', tlsClient: undefined, signal: new ClientAbort() });
    if (result.status !== 200) throw new Error(`message ${next}: ${result.status} ${result.trace.errorCode ?? ''} ${result.trace.reason ?? ''}`);
    const record = buildRecord(result.trace, { instance: 'bench', mode: 'required', status: result.status, totalMs: performance.now() - started, response: result.body, legacyOptIns: [] });
    const linked = link(head, 'bench', [record], () => new Date().toISOString(), key);
    head = linked.head;
    for (const e of linked.linked) lineBytes += JSON.stringify(e).length + 1;
    recordExchange({ metrics, logger }, result.trace, result.status, performance.now() - started);
  };
  const warmEnd = performance.now() + 2000;
  while (performance.now() < warmEnd && next < bodies.length / 3) await one();
  const from = next;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const end = t0 + Number(values.seconds) * 1000;
  while (performance.now() < end && next < bodies.length) await one();
  const c = process.cpuUsage(c0);
  const n = next - from;
  const cpuUs = (c.user + c.system) / n;
  process.stdout.write(`mode ${mode}: ${n} requests, ${cpuUs.toFixed(1)} µs CPU each (${(1e6 / cpuUs).toFixed(0)} per CPU-second), wall ${(((performance.now() - t0) * 1000) / n).toFixed(1)} µs; audit lines ${(lineBytes / next).toFixed(0)} bytes\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
