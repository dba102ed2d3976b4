/**
 * The compliance CLI on a trail written by a real gateway run: `bin/wsgate.js audit ...` as a
 * separate process, against the gateway's own configuration file, and on a bundle moved elsewhere.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S11_HEADERS, S12_HEADERS, samplesDir, startHarness } from '../support/gateway.ts';
import { repoRoot } from '../support/ports.ts';

const bin = join(repoRoot, 'bin', 'wsgate.js');

function wsgate(args: readonly string[], cwd = repoRoot): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { cwd, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const sample = (f: string): string => readFileSync(join(samplesDir, f), 'utf8');
const P11 = '/PolicyAdministration/soap11';
const P12 = '/PolicyAdministration/soap12';

interface Sent {
  readonly id: string;
  readonly status: number;
}

let work: string;
let config: string;
let pinnedKey: string;
const accepted: Sent[] = [];
const rejected: Sent[] = [];

beforeAll(async () => {
  const h = await startHarness();
  const send = async (path: string, headers: Record<string, string>, body: string): Promise<Sent> => {
    const res = await request(`${h.gw.url}${path}`, { method: 'POST', headers, body });
    await res.body.text();
    return { id: res.headers['x-correlation-id'] as string, status: res.statusCode };
  };
  for (let i = 0; i < 3; i++) accepted.push(await send(P11, S11_HEADERS('GetPolicy'), sample('GetPolicy.soap11.xml')));
  accepted.push(await send(P12, S12_HEADERS('GetPolicy'), sample('GetPolicy.soap12.xml')));
  rejected.push(await send(P11, { 'content-type': 'application/json' }, '{}'));
  rejected.push(await send(P11, S11_HEADERS('GetPolicy'), '<soapenv:Envelope'));
  rejected.push(await send(P11, S11_HEADERS('GetPolicy'), '<!DOCTYPE x [<!ENTITY a "b">]><x/>'));
  // Closing writes the final checkpoint; the configuration directory (with audit/) is kept for the CLI.
  await h.gw.close();
  work = mkdtempSync(join(tmpdir(), 'wsgate-audit-run-'));
  cpSync(h.dir, join(work, 'gw'), { recursive: true });
  await h.close();
  config = join(work, 'gw', 'gateway.yaml');
  pinnedKey = join(work, 'published.pub.pem');
  cpSync(join(work, 'gw', 'audit', 'audit-signing.key.pub.pem'), pinnedKey);
}, 60_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('wsgate audit on a real gateway trail', () => {
  it('verify --config: exit 0, one record per request', async () => {
    const r = await wsgate(['audit', 'verify', '--config', config]);
    expect(r.stderr).toContain('is read from the audit directory itself');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/chain \S+: OK/);
    expect(r.stdout).toMatch(/entries \d+, records 7, checkpoints \d+, sealed through seq \d+, dropped 0/);
  });

  it('query --config: the correlation ids the clients saw, with decision and fault code', async () => {
    const all = await wsgate(['audit', 'query', '--config', config, '--format', 'json']);
    expect(all.code).toBe(0);
    const records = JSON.parse(all.stdout) as { correlationId: string; decision: string; status: number; fault: { code: string } | null }[];
    expect(records.map((x) => x.correlationId).sort()).toEqual([...accepted, ...rejected].map((s) => s.id).sort());
    for (const s of [...accepted, ...rejected]) expect(records.find((x) => x.correlationId === s.id)?.status).toBe(s.status);
    const r = await wsgate(['audit', 'query', '--config', config, '--decision', 'rejected']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('GW_ERR_HTTP_MEDIA_TYPE');
    expect(r.stdout).toContain('GW_ERR_XML_MALFORMED');
    expect(r.stdout).toContain('GW_ERR_XML_DOCTYPE');
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('(3 records)');
  });

  it('a record edited in the trail: verify --dir with the published key exits 1 and names file:line', async () => {
    const dir = join(work, 'tampered');
    cpSync(join(work, 'gw', 'audit'), dir, { recursive: true });
    const file = readdirSync(dir).find((n) => n.endsWith('.jsonl')) as string;
    const lines = readFileSync(join(dir, file), 'utf8').split('\n');
    const at = lines.findIndex((l) => l.includes(`"correlationId":"${rejected[0]?.id ?? ''}"`));
    lines[at] = (lines[at] as string).replace('"decision":"rejected"', '"decision":"accepted"');
    writeFileSync(join(dir, file), lines.join('\n'));
    const r = await wsgate(['audit', 'verify', '--dir', dir, '--key', pinnedKey]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`${file.replaceAll('.', '\\.')}:${at + 1} {2}seq \\d+ {2}modified`));
  });

  it('export, then verify --bundle elsewhere without the gateway or its config', async () => {
    const out = join(work, 'bundle');
    const e = await wsgate(['audit', 'export', '--config', config, '--key', pinnedKey, '--out', out]);
    expect(e.stderr).toBe('');
    expect(e.code).toBe(0);
    expect(e.stdout).toContain(`bundle written to ${out}`);
    const elsewhere = mkdtempSync(join(tmpdir(), 'wsgate-auditor-'));
    cpSync(out, join(elsewhere, 'evidence'), { recursive: true });
    cpSync(pinnedKey, join(elsewhere, 'published.pub.pem'));
    try {
      const v = await wsgate(['audit', 'verify', '--bundle', 'evidence', '--key', 'published.pub.pem'], elsewhere);
      expect(v.code).toBe(0);
      expect(v.stdout).toContain('result: OK, the bundle verifies');
      expect(readFileSync(join(elsewhere, 'evidence', 'summary.txt'), 'utf8')).toMatch(/By decision\n {2}4 {2}accepted\n {2}3 {2}rejected\n/);
      writeFileSync(join(elsewhere, 'evidence', 'summary.txt'), 'nothing to see here\n');
      const bad = await wsgate(['audit', 'verify', '--bundle', 'evidence'], elsewhere);
      expect(bad.code).toBe(1);
      expect(bad.stdout).toContain('summary.txt  file-modified');
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('report --config: one HTML file, exit 0', async () => {
    const out = join(work, 'report.html');
    const r = await wsgate(['audit', 'report', '--config', config, '--key', pinnedKey, '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('7 records, 1 chain (every chain verifies)');
    expect(readFileSync(out, 'utf8')).toContain('<div class="total" id="total-rejected"><b>3</b>rejected</div>');
  });

  it('usage errors exit 2 through the real binary', async () => {
    const r = await wsgate(['audit', 'verify', '--dir', join(work, 'gw', 'audit')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no trusted public key');
    expect((await wsgate(['audit'])).code).toBe(2);
  });
});
