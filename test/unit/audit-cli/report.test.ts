/** `wsgate audit report`: one self-contained HTML file, its charts and tables, and no way to inject markup. */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { esc } from '../../../src/audit/report/escape.ts';
import { audit, type ChainFixture, copyDir, jsonlFiles, linesOf, type RecordSpec, removeTempDirs, tempDir, writeChain, writeLines } from './fixture.ts';

afterAll(removeTempDirs);

const INJECTED = '<script>alert("x")</script><img src=http://evil.example/x.png onerror=alert(1)>';

const SPECS: RecordSpec[] = [
  { receivedAt: '2026-03-02T08:00:00Z', operation: 'GetPolicy', principal: 'CN=Alice,O=Insurer', application: 'broker-portal' },
  { receivedAt: '2026-03-02T09:00:00Z', operation: 'GetPolicy', principal: 'CN=Alice,O=Insurer', application: 'broker-portal' },
  { receivedAt: '2026-03-02T10:00:00Z', operation: 'UpdatePolicy', decision: 'rejected', fault: 'GW_ERR_AUTHZ_DENIED', status: 403, principal: INJECTED, application: 'evil"app' },
  { receivedAt: '2026-03-04T10:00:00Z', operation: 'UpdatePolicy', decision: 'rejected', fault: 'GW_ERR_AUTHZ_DENIED', status: 403, principal: 'CN=Bob,O=Insurer', application: 'claims-batch' },
  { receivedAt: '2026-03-04T11:00:00Z', operation: 'CancelPolicy', decision: 'rejected', fault: 'GW_ERR_SEC_REJECTED', principal: 'CN=Bob,O=Insurer', application: 'claims-batch' },
  { receivedAt: '2026-03-04T12:00:00Z', operation: 'ListPolicies', decision: 'failed', fault: 'GW_ERR_BACKEND_TIMEOUT', status: 504, principal: 'CN=Bob,O=Insurer', application: 'claims-batch' },
];

let f: ChainFixture;
let html: string;
let file: string;

beforeAll(async () => {
  f = await writeChain(SPECS, { everyRecords: 2 });
  file = join(tempDir('wsgate-report-'), 'report.html');
  const r = await audit(['report', '--dir', f.dir, '--key', f.pinnedKey, '--from', '2026-03-01', '--to', '2026-03-05', '--out', file]);
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  expect(r.out).toBe(`report written to ${file}: 6 records, 1 chain (every chain verifies)`);
  html = readFileSync(file, 'utf8');
});

/** The values of the bars of one chart, by day. */
function bars(chartId: string): Record<string, number> {
  const section = html.slice(html.indexOf(`<section id="${chartId}">`));
  const svg = section.slice(0, section.indexOf('</svg>'));
  return Object.fromEntries([...svg.matchAll(/data-label="([^"]+)" data-value="(\d+)"/g)].map((m) => [m[1], Number(m[2])]));
}

describe('wsgate audit report', () => {
  it('is one HTML file, 0600, with inline CSS and SVG, no script and no external reference', () => {
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<style>');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link\b/i);
    // No tag carries a src/href at all (record text may contain "src=", but only escaped, outside any tag).
    expect(html).not.toMatch(/<[a-z][^>]*\s(src|href|xlink:href)\s*=/i);
    expect(html).not.toMatch(/url\(|@import/i);
    expect(html).toContain("Content-Security-Policy\" content=\"default-src 'none'");
  });

  it('escapes everything taken from records: an injected principal is text, not markup', () => {
    expect(html).toContain(esc(INJECTED));
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=http://evil.example/x.png onerror=alert(1)&gt;');
    expect(html).not.toContain('<img');
    expect(html).toContain('evil&quot;app');
  });

  it('daily volume and daily rejections as inline SVG bar charts, every day of the period', () => {
    expect(html.match(/<svg class="chart"/g)).toHaveLength(2);
    expect(bars('daily-volume')).toEqual({ '2026-03-01': 0, '2026-03-02': 3, '2026-03-03': 0, '2026-03-04': 3, '2026-03-05': 0 });
    expect(bars('daily-rejections')).toEqual({ '2026-03-01': 0, '2026-03-02': 1, '2026-03-03': 0, '2026-03-04': 2, '2026-03-05': 0 });
  });

  it('top rejection reasons, top applications and principals, counts by operation and decision', () => {
    const row = (section: string, name: string, n: number): RegExp => new RegExp(`class="${section}">[\\s\\S]*?<tr><td>${name}</td>(<td>[^<]*</td>)?<td class="n">${n}</td></tr>`);
    expect(html).toMatch(row('top-faults', 'GW_ERR_AUTHZ_DENIED', 2));
    expect(html).toMatch(row('top-faults', 'GW_ERR_SEC_REJECTED', 1));
    expect(html).toMatch(row('top-faults', 'GW_ERR_BACKEND_TIMEOUT', 1));
    expect(html).toMatch(row('top-applications', 'claims-batch', 3));
    expect(html).toMatch(row('top-principals', 'CN=Bob,O=Insurer', 3));
    expect(html).toMatch(row('by-operation', 'UpdatePolicy', 2));
    expect(html).toMatch(row('by-decision', 'rejected', 3));
    expect(html).toContain('<div class="total" id="total-records"><b>6</b>records</div>');
  });

  it('shows each chain verified: OK', () => {
    expect(html).toMatch(/<tr class="chain"><td><code>gw1<\/code><\/td><td><span class="status-ok">OK<\/span>/);
    expect(html).toContain('<dd id="trail-status" class="status-ok">every chain verifies</dd>');
  });

  it('a damaged chain: FAILED with each problem and its position, exit 1', async () => {
    const dir = copyDir(f.dir);
    const name = jsonlFiles(dir)[0] as string;
    writeLines(join(dir, name), linesOf(join(dir, name)).filter((_, i) => i !== 3));
    const out = join(tempDir('wsgate-report-'), 'damaged.html');
    const r = await audit(['report', '--dir', dir, '--key', f.pinnedKey, '--out', out]);
    expect(r.code).toBe(1);
    const damaged = readFileSync(out, 'utf8');
    // The gap, the broken link, and the next checkpoint's record count that no longer matches.
    expect(damaged).toContain('<span class="status-failed">FAILED (3 problems)</span>');
    expect(damaged).toMatch(/<b>wrong-count<\/b>/);
    expect(damaged).toContain(`<li><code>${name}:4</code> seq 5: <b>missing-or-reordered</b>`);
    expect(damaged).toContain('NOT every chain verifies');
  });

  it('needs --out and a trusted key', async () => {
    expect((await audit(['report', '--dir', f.dir, '--key', f.pinnedKey])).code).toBe(2);
    expect((await audit(['report', '--dir', f.dir, '--out', join(tempDir(), 'r.html')])).code).toBe(2);
  });
});
