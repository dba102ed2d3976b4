/** The report's only stylesheet, inlined: system fonts, print-friendly, no external asset. */
export const REPORT_CSS = `
:root { color-scheme: light; --ok: #1b7f3b; --bad: #b3261e; --ink: #1d1d1f; --muted: #5f6368; --line: #d9dce1; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); margin: 0 auto; max-width: 1040px; padding: 24px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
.meta { color: var(--muted); margin: 0 0 16px; }
.meta dt { float: left; clear: left; width: 150px; font-weight: 600; }
.meta dd { margin: 0 0 2px 150px; overflow-wrap: anywhere; }
.totals { display: flex; flex-wrap: wrap; gap: 12px; margin: 12px 0; }
.total { border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; min-width: 120px; }
.total b { display: block; font-size: 22px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; overflow-wrap: anywhere; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.status-ok { color: var(--ok); font-weight: 700; }
.status-failed { color: var(--bad); font-weight: 700; }
.cols { display: grid; grid-template-columns: 1fr 1fr; gap: 24px; }
svg.chart { width: 100%; height: auto; display: block; }
svg.chart .grid { stroke: var(--line); stroke-width: 1; }
svg.chart .axis-line { stroke: var(--ink); stroke-width: 1; }
svg.chart .axis { font-size: 11px; fill: var(--muted); }
svg.chart .bar-volume { fill: #3867d6; }
svg.chart .bar-rejected { fill: #d35400; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; }
footer { margin-top: 32px; color: var(--muted); font-size: 12px; }
@media print { body { padding: 0; } h2 { break-after: avoid; } svg.chart { break-inside: avoid; } }
`;
