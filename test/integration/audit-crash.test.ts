/**
 * Crash test (issue 5, durability): a `wsgate serve` child process under concurrent load is killed
 * with SIGKILL, restarted on the same configuration and audit directory, and stopped cleanly. The
 * chain must then verify, say that it recovered, and hold exactly one record for every request that
 * got a 2xx before the kill: in `required` mode a response is sent only once its record is durable.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry, CheckpointEntry, NoticeEntry, RecordEntry } from '../../src/audit/entries.ts';
import { publicKeyFromPem } from '../../src/audit/keys.ts';
import { fileChainIds, readFileChain } from '../../src/audit/sinks/file-read.ts';
import { verifyChain, type ChainReport } from '../../src/audit/verify.ts';
import { startExampleBackend, type ExampleBackend } from '../../src/example/backend.ts';
import { S11_HEADERS, samplesDir, writeExampleConfig } from '../support/gateway.ts';
import { repoRoot } from '../support/ports.ts';

const bin = join(repoRoot, 'bin', 'wsgate.js');
const INSTANCE = 'crash-test-gw';
const P11 = '/PolicyAdministration/soap11';
const CONCURRENCY = 24;
const LOAD_MS = 1000;
const body = readFileSync(join(samplesDir, 'GetPolicy.soap11.xml'));

interface Served {
  readonly child: ChildProcess;
  readonly url: string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The last part of the child's output, for failure messages. */
  output(): string;
}

const children = new Set<ChildProcess>();

/** Starts `wsgate serve` and resolves with its URL once it logged 'wsgate listening'. */
function serve(configFile: string): Promise<Served> {
  const child = spawn(process.execPath, [bin, 'serve', '--config', configFile], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    }),
  );
  let out = '';
  const output = (): string => out.slice(-20_000);
  return new Promise((resolve, reject) => {
    let pending = '';
    let url: string | undefined;
    const timer = setTimeout(() => reject(new Error(`wsgate serve not listening after 20 s:\n${output()}`)), 20_000);
    const onData = (d: Buffer): void => {
      const text = d.toString();
      out = (out + text).slice(-40_000);
      if (url !== undefined) return;
      pending += text;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.includes('"msg":"wsgate listening"')) continue;
        url = (JSON.parse(line) as { url: string }).url;
        clearTimeout(timer);
        resolve({ child, url, exited, output });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      if (url === undefined) reject(new Error(`wsgate serve exited (${code ?? signal}) before listening:\n${output()}`));
    });
  });
}

interface Outcome {
  readonly status: number;
  readonly correlationId: string;
}

/** `concurrency` loops of GetPolicy requests until `stop()`; every completed response is kept. */
function load(url: string, concurrency: number): { stop(): Promise<{ completed: Outcome[]; failed: number }> } {
  const dispatcher = new Agent({ connections: concurrency, keepAliveTimeout: 10_000 });
  const completed: Outcome[] = [];
  let failed = 0;
  let running = true;
  const loop = async (): Promise<void> => {
    while (running) {
      try {
        const res = await request(`${url}${P11}`, { method: 'POST', headers: S11_HEADERS('GetPolicy'), body, dispatcher });
        await res.body.text();
        completed.push({ status: res.statusCode, correlationId: String(res.headers['x-correlation-id']) });
      } catch {
        // In flight when the gateway died, or refused after it: no response, no claim on the trail.
        failed += 1;
      }
    }
  };
  const loops = Array.from({ length: concurrency }, loop);
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      await dispatcher.destroy();
      return { completed, failed };
    },
  };
}

async function getPolicy(url: string): Promise<Outcome> {
  const res = await request(`${url}${P11}`, { method: 'POST', headers: S11_HEADERS('GetPolicy'), body });
  await res.body.text();
  return { status: res.statusCode, correlationId: String(res.headers['x-correlation-id']) };
}

const is2xx = (o: Outcome): boolean => o.status >= 200 && o.status < 300;

describe('audit trail survives kill -9 under load (required mode, file sink)', () => {
  let backend: ExampleBackend;
  let dir: string;
  let auditDir: string;
  let beforeKill: { completed: Outcome[]; failed: number };
  let afterRestart: Outcome[];
  let stopped: { code: number | null; signal: NodeJS.Signals | null };
  let entries: AuditEntry[];
  let report: ChainReport;

  beforeAll(async () => {
    backend = await startExampleBackend({ port: 0, quiet: true, record: false });
    dir = writeExampleConfig(backend.url, { gatewayYaml: `audit: {instanceId: ${INSTANCE}}` });
    auditDir = join(dir, 'audit');
    // 'wsgate listening' (with the bound URL) is an info line.
    const gatewayYaml = join(dir, 'gateway.yaml');
    writeFileSync(gatewayYaml, readFileSync(gatewayYaml, 'utf8').replace('logging: {level: warn}', 'logging: {level: info}'));

    const first = await serve(gatewayYaml);
    const running = load(first.url, CONCURRENCY);
    await new Promise((r) => setTimeout(r, LOAD_MS));
    first.child.kill('SIGKILL');
    const killed = await first.exited;
    beforeKill = await running.stop();
    if (killed.signal !== 'SIGKILL') throw new Error(`the first gateway was not killed by SIGKILL (${killed.code ?? killed.signal}):\n${first.output()}`);

    // The dead writer's lock file is taken over; the chain continues from its last durable entry.
    const second = await serve(gatewayYaml);
    afterRestart = [];
    for (let i = 0; i < 5; i++) afterRestart.push(await getPolicy(second.url));
    second.child.kill('SIGTERM');
    stopped = await second.exited;

    const [chain, ...others] = fileChainIds(auditDir);
    if (chain !== INSTANCE || others.length > 0) throw new Error(`expected one chain ${INSTANCE} in ${auditDir}, found ${[chain, ...others].join(', ')}`);
    const stored = readFileChain(auditDir, chain);
    entries = stored.flatMap((s) => ('unreadable' in s.entry ? [] : [s.entry]));
    const pub = publicKeyFromPem(readFileSync(join(auditDir, 'audit-signing.key.pub.pem')));
    report = verifyChain(chain, stored, { publicKeys: [pub] });
  }, 60_000);

  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await backend?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('the load was cut by the kill: 2xx responses before it, none lost to a clean stop', () => {
    expect(beforeKill.completed.filter(is2xx).length).toBeGreaterThan(20);
    expect(beforeKill.completed.every(is2xx)).toBe(true);
  });

  it('after restart and SIGTERM, verify passes over the whole chain (no gap, no broken link, final checkpoint)', () => {
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(stopped.code).toBe(0);
    const last = entries.at(-1) as CheckpointEntry;
    expect(last).toMatchObject({ kind: 'checkpoint', reason: 'shutdown', final: true });
  });

  it('the restart sealed what the crash left open: a recovered notice and a recovery checkpoint', () => {
    const recovered = entries.filter((e): e is NoticeEntry => e.kind === 'notice' && e.event === 'recovered');
    const recovery = entries.filter((e): e is CheckpointEntry => e.kind === 'checkpoint' && e.reason === 'recovery');
    expect(recovered).toHaveLength(1);
    expect(recovery).toHaveLength(1);
    // Both come right after the last entry of the killed run, before anything of the new run.
    expect((recovery[0] as CheckpointEntry).seq).toBeGreaterThan((recovered[0] as NoticeEntry).seq);
    const firstStart = entries.findIndex((e) => e.kind === 'notice' && e.event === 'started');
    const secondStart = entries.findIndex((e, i) => i > firstStart && e.kind === 'notice' && e.event === 'started');
    expect(entries.indexOf(recovered[0] as NoticeEntry)).toBeLessThan(secondStart);
    expect(secondStart).toBeGreaterThan(firstStart);
  });

  it('every 2xx before the kill has exactly one record, accepted', () => {
    const records = entries.filter((e): e is RecordEntry => e.kind === 'record');
    const byId = new Map<string, RecordEntry[]>();
    for (const r of records) byId.set(r.correlationId, [...(byId.get(r.correlationId) ?? []), r]);
    const ok = beforeKill.completed.filter(is2xx);
    const missing = ok.filter((o) => (byId.get(o.correlationId) ?? []).length !== 1);
    expect(missing).toEqual([]);
    for (const o of ok) expect(byId.get(o.correlationId)?.[0]).toMatchObject({ decision: 'accepted', status: 200, operation: 'GetPolicy' });
    // Records can outnumber the 2xx seen: durable records whose responses were cut off by the kill.
    expect(records.length).toBeGreaterThanOrEqual(ok.length + afterRestart.length);
    expect(report.records).toBe(records.length);
  });

  it('the restarted gateway serves and records again, on the same chain', () => {
    expect(afterRestart.map((o) => o.status)).toEqual([200, 200, 200, 200, 200]);
    const ids = new Set(entries.filter((e): e is RecordEntry => e.kind === 'record').map((r) => r.correlationId));
    for (const o of afterRestart) expect(ids.has(o.correlationId)).toBe(true);
  });
});
