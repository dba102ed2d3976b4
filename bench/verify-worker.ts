/**
 * One gateway timing loop for bench/verify.ts (run as its child, pinned with it): bytes → parseXml
 * → readEnvelope → processSecurity (signature, trust, timestamp, decryption) → readEnvelope again →
 * enforceRequirements → checkReplay → stripForForwarding, the security part of src/pipeline/run.ts.
 * Dispatch to a WSDL operation and the backend call are not part of it.
 *
 *   node --import tsx bench/verify-worker.ts --root DIR --label L --warmup S --duration S FILE...
 *
 * `--root` is the tree whose src/ is measured (default: this repository), so the code before an
 * optimisation can run from a copy side by side. Prints one JSON line per file.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { stringify } from 'yaml';
import type * as M_config_load from '../src/config/load.ts';
import type * as M_security_runtime from '../src/security/runtime.ts';
import type * as M_xml_parse from '../src/xml/parse.ts';
import type * as M_soap_envelope from '../src/soap/envelope.ts';
import type * as M_security_engine from '../src/security/engine.ts';
import type * as M_policy_requirements from '../src/policy/requirements.ts';
import type * as M_security_replay_check from '../src/security/replay-check.ts';
import type * as M_security_forward from '../src/security/forward.ts';
import type * as M_security_replay_index from '../src/security/replay/index.ts';
import type * as M_clock from '../src/clock.ts';
import type { CompiledPort } from '../src/service/compiled.ts';
import type { ReplayCache } from '../src/security/replay/types.ts';

const here = dirname(fileURLToPath(import.meta.url));
export const fixtures = join(here, 'fixtures', 'anchors');

const { values: opts, positionals: files } = parseArgs({
  allowPositionals: true,
  options: {
    root: { type: 'string', default: join(here, '..') },
    label: { type: 'string', default: 'gateway' },
    warmup: { type: 'string', default: '2' },
    duration: { type: 'string', default: '5' },
  },
});
const root = resolve(opts.root);
const load = <T>(rel: string): Promise<T> => import(pathToFileURL(join(root, 'src', rel)).href) as Promise<T>;

const { loadConfig } = await load<typeof M_config_load>('config/load.ts');
const { compileSecurity } = await load<typeof M_security_runtime>('security/runtime.ts');
const { parseXml } = await load<typeof M_xml_parse>('xml/parse.ts');
const { readEnvelope } = await load<typeof M_soap_envelope>('soap/envelope.ts');
const { processSecurity } = await load<typeof M_security_engine>('security/engine.ts');
const { enforceRequirements, requirementsFor } = await load<typeof M_policy_requirements>('policy/requirements.ts');
const { checkReplay } = await load<typeof M_security_replay_check>('security/replay-check.ts');
const { stripForForwarding } = await load<typeof M_security_forward>('security/forward.ts');
const { MemoryReplayCache } = await load<typeof M_security_replay_index>('security/replay/index.ts');
const { fixedClock } = await load<typeof M_clock>('clock.ts');

type Runtime = NonNullable<ReturnType<typeof compileSecurity>>;

/**
 * A gateway config in a temporary directory, loaded and compiled by the functions the gateway
 * uses at start-up: trust anchor = the anchors' self-signed client certificate, decryption key =
 * the anchors' gateway key, signed Body + Timestamp required (and an encrypted Body for signenc).
 */
function compileRuntime(encryptedBody: boolean): Runtime {
  const dir = mkdtempSync(join(tmpdir(), 'wsgate-bench-verify-'));
  try {
    const svc = join(dir, 'orders');
    writeFileSync(join(dir, 'gateway.yaml'), stringify({ listen: { host: '127.0.0.1', port: 0 }, services: ['orders'] }));
    // The WSDL is never read: only the security section is compiled (dispatch is not measured).
    const service = {
      name: 'orders',
      wsdl: 'orders.wsdl',
      ports: [{ wsdlPort: 'OrdersSoap11', path: '/orders' }],
      backend: { type: 'soap', url: 'http://127.0.0.1:1/orders' },
      security: {
        mode: 'enforce',
        trust: { anchors: [join(fixtures, 'client.cert.pem')] },
        decryption: { key: join(fixtures, 'server.key.pem'), certificate: join(fixtures, 'server.cert.pem') },
        require: { signature: true, signedParts: ['body', 'timestamp'], timestamp: true, encryptedParts: encryptedBody ? ['body'] : [] },
      },
    };
    mkdirSync(svc);
    writeFileSync(join(svc, 'orders.wsdl'), '');
    writeFileSync(join(svc, 'service.yaml'), stringify(service));
    const loaded = loadConfig(join(dir, 'gateway.yaml'), { env: {} });
    const problems: { message: string }[] = [];
    const runtime = compileSecurity(loaded.services[0] as Parameters<typeof compileSecurity>[0], problems as never, {});
    if (runtime === undefined || problems.length > 0) throw new Error(`security config does not compile: ${problems.map((p) => p.message).join('; ')}`);
    return runtime;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * BENCH-ONLY STAND-IN for the replay cache: every message gets a fresh MemoryReplayCache, so the
 * same message can be verified again and again. The lookup + insert work of the real cache is
 * still done once per message; only the memory of earlier iterations is dropped.
 */
class FreshPerMessageReplayCache implements ReplayCache {
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

const CREATED = /<wsu:Created>([^<]+)<\/wsu:Created>/;
// processSecurity ignores the port; stripForForwarding reads passThroughHeaders only.
const port = { passThroughHeaders: new Set<string>() } as unknown as CompiledPort;

function makeRun(bytes: Buffer, encrypted: boolean): () => Promise<void> {
  const created = CREATED.exec(bytes.toString('utf8'))?.[1];
  if (created === undefined) throw new Error('message has no wsu:Created');
  const clock = fixedClock(new Date(Date.parse(created) + 1000));
  const replay = new FreshPerMessageReplayCache();
  const runtime: Runtime = { ...compileRuntime(encrypted), replay };
  const req = requirementsFor(runtime.config, 'SubmitOrder');
  return async () => {
    replay.reset();
    const parsed = parseXml(bytes, 'utf-8', runtime.limits);
    const env = readEnvelope(parsed.doc, '1.1');
    const facts = await processSecurity(env, port, runtime, clock);
    const fwd = readEnvelope(parsed.doc, '1.1');
    enforceRequirements(facts, fwd, req);
    await checkReplay(facts, runtime, clock);
    stripForForwarding(fwd, facts, port);
    if (encrypted && facts.decryptions.length === 0) throw new Error('nothing was decrypted');
  };
}

async function loop(run: () => Promise<void>, seconds: number, minIters: number): Promise<{ n: number; wall: number; cpu: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  let n = 0;
  for (;;) {
    await run();
    n++;
    const t = performance.now();
    if (t >= end && n >= minIters) {
      const c = process.cpuUsage(c0);
      return { n, wall: (t - t0) / 1000, cpu: (c.user + c.system) / 1e6 };
    }
  }
}

for (const file of files) {
  const bytes = readFileSync(file);
  const encrypted = basename(file).startsWith('signenc');
  const run = makeRun(bytes, encrypted);
  await run(); // correctness: throws if the gateway refuses the message
  await loop(run, Number(opts.warmup), 1);
  const { n, wall, cpu } = await loop(run, Number(opts.duration), 3);
  const line = { peer: opts.label, op: encrypted ? 'signenc' : 'verify', file: basename(file), bytes: bytes.length, iters: n, secs: +wall.toFixed(4), cpu_secs: +cpu.toFixed(4), msgs_per_s: +(n / wall).toFixed(2), msgs_per_cpu_s: +(n / cpu).toFixed(2) };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}
