import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import { memoryLogger } from '../support/logs.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway } from '../../src/server.ts';
import { startClaimsBackend } from '../support/claims-backend.ts';
import type { Recorded } from '../support/claims-backend.ts';
import { loadConformanceCases, writeConformanceConfig } from '../support/conformance.ts';
import type { ConfigVariant, ConformanceCase, ConformanceStep } from '../support/conformance.ts';

/**
 * Our own conformance corpus (test/conformance/<area>/<id>__<what>/): every defended attack and
 * every fixed bug is a case. Each case gets a fresh gateway with its clock pinned; a reject must
 * answer ≥ 400, forward nothing, and log one of the case's precise codes; an accept must forward
 * the Body (with the case's ClientRequestId) and no wsse:Security.
 */

const NS_WSSE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
const NS_CLM = 'http://insurer.example/schemas/claims/2019/06';



function forwarded(body: string): { marker: string | undefined; hasSecurity: boolean } {
  const doc = new DOMParser().parseFromString(body, 'text/xml');
  return {
    marker: doc.getElementsByTagNameNS(NS_CLM, 'ClientRequestId')[0]?.textContent ?? undefined,
    hasSecurity: doc.getElementsByTagNameNS(NS_WSSE, 'Security').length > 0,
  };
}

const cases = loadConformanceCases();

describe('conformance corpus', () => {
  let backend: Awaited<ReturnType<typeof startClaimsBackend>>;
  const configs = new Map<string, string>();
  const configFor = (variant: ConfigVariant | undefined): string => {
    const key = JSON.stringify(variant ?? {});
    let dir = configs.get(key);
    if (dir === undefined) {
      dir = writeConformanceConfig(backend.url, variant);
      configs.set(key, dir);
    }
    return dir;
  };

  beforeAll(async () => {
    backend = await startClaimsBackend();
  });
  afterAll(async () => {
    await backend.close();
    for (const dir of configs.values()) rmSync(dir, { recursive: true, force: true });
  });

  it('has cases in every required area', () => {
    const areas = new Set(cases.map((c) => c.area));
    for (const a of ['xsw', 'id', 'xml', 'trust', 'alg', 'dos', 'replay', 'valid']) expect(areas).toContain(a);
    expect(cases.filter((c) => c.expect.expected === 'accept').length).toBeGreaterThanOrEqual(3);
  });

  const run = async (c: ConformanceCase): Promise<void> => {
    const e = c.expect;
    let now = new Date(e.clock);
    const mem = memoryLogger();
    const gw = await startGateway({ configFile: join(configFor(e.config), 'gateway.yaml'), logger: mem.logger, clock: { now: () => new Date(now.getTime()) } });
    try {
      const steps: readonly ConformanceStep[] = e.sequence ?? [{ file: 'request.xml', expected: e.expected, clock: e.clock }];
      for (const step of steps) {
        now = new Date(step.clock);
        const before = backend.requests.length;
        const res = await gw.app.inject({ method: 'POST', url: e.endpoint, headers: { ...e.httpHeaders }, payload: readFileSync(join(c.dir, step.file)) });
        const log = mem.find(String(res.headers['x-correlation-id']));
        if (step.expected === 'accept') {
          expect(res.statusCode, `${log?.errorCode ?? ''} ${log?.reason ?? ''}`).toBe(200);
          expect(backend.requests.length).toBe(before + 1);
          const fwd = forwarded((backend.requests.at(-1) as Recorded).body);
          expect(fwd.hasSecurity).toBe(false);
          if (e.sequence === undefined || step === steps[0]) expect(fwd.marker).toBe(e.marker);
        } else {
          expect(res.statusCode, `accepted: ${res.body.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
          expect(backend.requests.length).toBe(before);
          expect(e.codes, `${log?.errorCode ?? '(no code)'}: ${log?.reason ?? ''}`).toContain(log?.errorCode);
        }
      }
    } finally {
      await gw.close();
    }
  };

  for (const c of cases) {
    const title = `${c.area}/${c.name} ${c.expect.expected}${c.expect.codes.length > 0 ? ` (${c.expect.codes.join(' | ')})` : ''}`;
    if (c.expect.knownBug !== undefined) {
      // Known gateway bug (see knownBug in expect.json): the case states the correct outcome and fails until fixed.
      it.fails(`${title} — KNOWN BUG: ${c.expect.knownBug}`, () => run(c));
    } else {
      it(title, () => run(c));
    }
  }
});
