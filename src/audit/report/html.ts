import type { Period } from '../query.ts';
import type { ChainReport } from '../verify.ts';
import { esc } from './escape.ts';
import type { Count, FaultCount, TrailStats } from './stats.ts';
import { REPORT_CSS } from './styles.ts';
import { barChart } from './svg-bars.ts';

export interface ReportInput {
  readonly generatedAt: Date;
  readonly period: Period;
  readonly source: string;
  readonly keys: readonly { readonly keyId: string; readonly origin: string }[];
  /** Every chain read, verified as a whole. */
  readonly chains: readonly ChainReport[];
  readonly stats: TrailStats;
  /** Rows per "top" table. */
  readonly top?: number;
}

const MAX_PROBLEMS = 50;

function countTable(caption: string, head: string, rows: readonly Count[], top: number, cls: string, extra?: { readonly head: string; readonly cell: (c: Count) => string }): string {
  const body = rows.slice(0, top).map((r) => `<tr><td>${esc(r.name)}</td>${extra ? `<td>${extra.cell(r)}</td>` : ''}<td class="n">${esc(r.count)}</td></tr>`);
  if (rows.length === 0) body.push(`<tr><td colspan="${extra ? 3 : 2}">none</td></tr>`);
  const more = rows.length > top ? `<p class="meta">${esc(rows.length - top)} more not shown.</p>` : '';
  return `<section class="${esc(cls)}"><h2>${esc(caption)}</h2><table><thead><tr><th>${esc(head)}</th>${extra ? `<th>${esc(extra.head)}</th>` : ''}<th class="n">records</th></tr></thead><tbody>${body.join('')}</tbody></table>${more}</section>`;
}

function chainSection(chains: readonly ChainReport[]): string {
  const rows = chains.map((c) => {
    const failing = c.problems.filter((p) => p.problem !== 'unsealed-tail');
    const status = c.ok ? '<span class="status-ok">OK</span>' : `<span class="status-failed">FAILED (${esc(failing.length)} problem${failing.length === 1 ? '' : 's'})</span>`;
    const problems = c.problems.slice(0, MAX_PROBLEMS).map((p) => `<li><code>${esc(p.where)}</code>${p.seq !== undefined ? ` seq ${esc(p.seq)}` : ''}: <b>${esc(p.problem)}</b> ${esc(p.message)}</li>`);
    if (c.problems.length > MAX_PROBLEMS) problems.push(`<li>${esc(c.problems.length - MAX_PROBLEMS)} more problems: run <code>wsgate audit verify</code></li>`);
    return `<tr class="chain"><td><code>${esc(c.chain)}</code></td><td>${status}</td><td class="n">${esc(c.entries)}</td><td class="n">${esc(c.records)}</td><td class="n">${esc(c.checkpoints)}</td><td class="n">${c.sealedThrough !== undefined ? esc(c.sealedThrough) : 'none'}</td><td class="n">${esc(c.dropped)}</td><td>${problems.length > 0 ? `<ul>${problems.join('')}</ul>` : ''}</td></tr>`;
  });
  if (rows.length === 0) rows.push('<tr><td colspan="8">no chain found</td></tr>');
  return `<section id="verification"><h2>Chain verification</h2><table><thead><tr><th>chain</th><th>status</th><th class="n">entries</th><th class="n">records</th><th class="n">checkpoints</th><th class="n">sealed through seq</th><th class="n">dropped</th><th>problems</th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`;
}

function periodText(p: Period): string {
  return `${p.from?.toISOString() ?? 'start of the trail'} to ${p.before?.toISOString() ?? 'end of the trail'} (receivedAt, UTC; end exclusive)`;
}

function totals(s: TrailStats): string {
  const of = (d: string): number => s.byDecision.find((c) => c.name === d)?.count ?? 0;
  const box = (label: string, n: number, id: string): string => `<div class="total" id="${id}"><b>${esc(n)}</b>${esc(label)}</div>`;
  return `<div class="totals">${box('records', s.total, 'total-records')}${box('accepted', of('accepted'), 'total-accepted')}${box('rejected', of('rejected'), 'total-rejected')}${box('failed', of('failed'), 'total-failed')}${box('backend faults', of('backend_fault'), 'total-backend-fault')}${box('aborted', of('aborted'), 'total-aborted')}</div>`;
}

/** The auditor's report: one self-contained HTML file (inline CSS and SVG, no script, no external asset). */
export function renderReport(r: ReportInput): string {
  const s = r.stats;
  const top = r.top ?? 15;
  const allOk = r.chains.length > 0 && r.chains.every((c) => c.ok);
  const volume = barChart(s.daily.map((d) => ({ label: d.day, value: d.total })), { title: 'Records per day', barClass: 'bar-volume' });
  const rejected = barChart(s.daily.map((d) => ({ label: d.day, value: d.rejected })), { title: 'Rejections per day', barClass: 'bar-rejected' });
  const faultDecisions = { head: 'decisions', cell: (c: Count) => esc((c as FaultCount).decisions.join(', ')) };
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>wsgate audit report</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<h1>wsgate audit report</h1>
<dl class="meta">
<dt>Period</dt><dd>${esc(periodText(r.period))}</dd>
<dt>Generated</dt><dd>${esc(r.generatedAt.toISOString())}</dd>
<dt>Source</dt><dd>${esc(r.source)}</dd>
<dt>Trusted key${r.keys.length === 1 ? '' : 's'}</dt><dd>${r.keys.map((k) => `<code>${esc(k.keyId)}</code> (${esc(k.origin)})`).join('<br>') || 'none'}</dd>
<dt>Trail</dt><dd id="trail-status" class="${allOk ? 'status-ok' : 'status-failed'}">${allOk ? 'every chain verifies' : 'NOT every chain verifies: see Chain verification'}</dd>
</dl>
${totals(s)}
<section id="daily-volume"><h2>Daily volume</h2>${volume}</section>
<section id="daily-rejections"><h2>Daily rejections</h2>${rejected}</section>
${countTable('Top rejection reasons (fault codes)', 'fault code', s.byFault, top, 'top-faults', faultDecisions)}
<div class="cols">
${countTable('Top applications', 'application', s.byApplication, top, 'top-applications')}
${countTable('Top principals', 'principal subject', s.byPrincipal, top, 'top-principals')}
</div>
<div class="cols">
${countTable('By operation', 'operation', s.byOperation, s.byOperation.length, 'by-operation')}
${countTable('By decision', 'decision', s.byDecision, s.byDecision.length, 'by-decision')}
</div>
${chainSection(r.chains)}
<footer>Made by <code>wsgate audit report</code>. Counts are over records whose receivedAt is in the period; chain verification covers every entry of each chain.</footer>
</body>
</html>
`;
}
