/**
 * How fast, and with how much memory, the gateway refuses hostile input over real HTTP.
 * `npm run bench:hostile` — prints one row per input: HTTP status, gateway code, time to the
 * answer, and the gateway process's RSS / heap growth (the gateway runs in this process).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import pino from 'pino';
import { request } from 'undici';
import { startExampleBackend } from '../src/example/backend.ts';
import { startGateway } from '../src/server.ts';
import { writeExampleConfig } from '../test/support/gateway.ts';

const S11 = 'http://schemas.xmlsoap.org/soap/envelope/';
const headers = { 'content-type': 'text/xml; charset=utf-8', soapaction: '"http://insurer.example/ws/policyadmin/2021/03/GetPolicy"' };
const env = (inner: string) => `<s:Envelope xmlns:s="${S11}" xmlns:pa="http://insurer.example/schemas/policyadmin/2021/03"><s:Body>${inner}</s:Body></s:Envelope>`;

interface Input {
  readonly name: string;
  readonly body: () => Buffer | Readable;
}

const inputs: Input[] = [
  { name: '50 MB body with Content-Length', body: () => Buffer.alloc(50 * 1024 * 1024, 0x41) },
  {
    name: '50 MB body, chunked (no Content-Length)',
    body: () => Readable.from((function* () { for (let i = 0; i < 50; i++) yield Buffer.alloc(1024 * 1024, 0x41); })()),
  },
  { name: 'depth 10,000', body: () => Buffer.from(env(`${'<pa:n>'.repeat(10_000)}${'</pa:n>'.repeat(10_000)}`)) },
  { name: 'depth 100,000 (700 KB)', body: () => Buffer.from(env(`${'<a>'.repeat(100_000)}`)) },
  { name: '100,000 attributes on one element', body: () => Buffer.from(env(`<pa:GetPolicy ${Array.from({ length: 100_000 }, (_, i) => `a${i}=""`).join(' ')}/>`)) },
  {
    name: 'billion laughs',
    body: () => Buffer.from(`<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>${env('<pa:GetPolicy>&c;</pa:GetPolicy>')}`),
  },
];

const backend = await startExampleBackend({ port: 0, quiet: true, record: false });
const dir = writeExampleConfig(backend.url);
const gw = await startGateway({ configFile: join(dir, 'gateway.yaml'), logger: pino({ level: 'silent' }) });
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

console.log(`node ${process.version}; gateway in this process at ${gw.url}`);
console.log('input | status | code | ms to answer | RSS growth | heap growth');
for (const input of inputs) {
  global.gc?.();
  const before = process.memoryUsage();
  let peakRss = before.rss;
  let peakHeap = before.heapUsed;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 2);
  const body = input.body();
  const t0 = performance.now();
  let status = 'closed';
  let code = '-';
  try {
    const res = await request(`${gw.url}/PolicyAdministration/soap11`, { method: 'POST', headers, body });
    status = String(res.statusCode);
    code = /<gw:code>([^<]+)</.exec(await res.body.text())?.[1] ?? '-';
  } catch (err) {
    status = `connection closed (${(err as { code?: string }).code ?? 'error'})`;
  }
  const ms = performance.now() - t0;
  clearInterval(sampler);
  const after = process.memoryUsage();
  peakRss = Math.max(peakRss, after.rss);
  peakHeap = Math.max(peakHeap, after.heapUsed);
  console.log(`${input.name} | ${status} | ${code} | ${ms.toFixed(1)} | +${mb(peakRss - before.rss)} | +${mb(peakHeap - before.heapUsed)}`);
}
console.log('(RSS/heap include the client building and sending the input in the same process)');
await gw.close();
await backend.close();
rmSync(dir, { recursive: true, force: true });
