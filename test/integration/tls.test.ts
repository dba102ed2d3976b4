import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S11_HEADERS, samplesDir, startHarness, type Harness } from '../support/gateway.ts';
import { repoRoot } from '../support/ports.ts';

const certs = join(repoRoot, 'certs');
const pem = (f: string) => readFileSync(join(certs, f));
const body = readFileSync(join(samplesDir, 'GetPolicy.soap11.xml'));
const P11 = '/PolicyAdministration/soap11';

function clientAgent(opts: { cert?: string; key?: string } = {}): Agent {
  return new Agent({
    connect: {
      ca: pem('demo-ca.pem'),
      servername: 'localhost',
      ...(opts.cert ? { cert: pem(opts.cert), key: pem(opts.key as string) } : {}),
    },
  });
}

/** Collects the gateway's JSON log lines so tests can read the exchange records. */
function memoryLogger(): { logger: pino.Logger; exchanges: () => Record<string, unknown>[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      cb();
    },
  });
  return {
    logger: pino({ level: 'info' }, stream),
    exchanges: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((r) => r['msg'] === 'exchange'),
  };
}

async function post(h: Harness, dispatcher: Agent): Promise<number> {
  const res = await request(`${h.gw.url.replace('127.0.0.1', 'localhost')}${P11}`, { method: 'POST', headers: S11_HEADERS('GetPolicy'), body, dispatcher });
  await res.body.text();
  return res.statusCode;
}

describe('HTTPS listener', () => {
  it('serves with a PEM certificate and key', async () => {
    const h = await startHarness({ gatewayYaml: `tls: {cert: ${join(certs, 'gateway-tls.pem')}, key: ${join(certs, 'gateway-tls.key')}}` });
    try {
      expect(h.gw.url).toMatch(/^https:/);
      expect(await post(h, clientAgent())).toBe(200);
      expect(h.backend.requests[0]?.headers['x-forwarded-proto']).toBe('https');
    } finally {
      await h.close();
    }
  });

  it('serves with a PKCS#12 file whose passphrase comes from a file', async () => {
    const h = await startHarness({ gatewayYaml: `tls: {pfx: ${join(certs, 'gateway-tls.p12')}, passphrase: {file: ${join(certs, 'gateway-tls.p12.pass')}}}` });
    try {
      expect(await post(h, clientAgent())).toBe(200);
    } finally {
      await h.close();
    }
  });
});

describe('mutual TLS', () => {
  const tlsYaml = (mode: string) =>
    `tls: {cert: ${join(certs, 'gateway-tls.pem')}, key: ${join(certs, 'gateway-tls.key')}, clientCa: [${join(certs, 'demo-ca.pem')}], clientAuth: ${mode}}`;

  describe('clientAuth: require', () => {
    let h: Harness;
    const mem = memoryLogger();
    beforeAll(async () => {
      h = await startHarness({ gatewayYaml: tlsYaml('require'), start: { logger: mem.logger } });
    });
    afterAll(async () => {
      await h.close();
    });

    it('a trusted client certificate is accepted and recorded with the exchange', async () => {
      expect(await post(h, clientAgent({ cert: 'client.pem', key: 'client.key' }))).toBe(200);
      const rec = mem.exchanges().at(-1);
      expect((rec?.['tlsClient'] as { subject?: string } | undefined)?.subject).toContain('CN=wsgate demo client');
      expect((rec?.['tlsClient'] as { fingerprint256?: string } | undefined)?.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    });

    it('no client certificate fails the handshake and reaches nothing', async () => {
      const before = h.backend.requests.length;
      await expect(post(h, clientAgent())).rejects.toThrow();
      expect(h.backend.requests.length).toBe(before);
    });

    it('a client certificate from an untrusted CA fails the handshake', async () => {
      const before = h.backend.requests.length;
      await expect(post(h, clientAgent({ cert: 'untrusted-client.pem', key: 'untrusted-client.key' }))).rejects.toThrow();
      expect(h.backend.requests.length).toBe(before);
    });
  });

  describe('clientAuth: optional', () => {
    it('an untrusted client certificate is let through but never taken as the client identity', async () => {
      const mem = memoryLogger();
      const h = await startHarness({ gatewayYaml: tlsYaml('optional'), start: { logger: mem.logger } });
      try {
        expect(await post(h, clientAgent({ cert: 'untrusted-client.pem', key: 'untrusted-client.key' }))).toBe(200);
        expect(mem.exchanges().at(-1)?.['tlsClient']).toBeUndefined();
        expect(await post(h, clientAgent({ cert: 'client.pem', key: 'client.key' }))).toBe(200);
        expect(mem.exchanges().at(-1)?.['tlsClient']).toBeDefined();
      } finally {
        await h.close();
      }
    });
  });
});
