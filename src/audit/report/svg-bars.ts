import { esc } from './escape.ts';

export interface Bar {
  /** Axis label (a day, YYYY-MM-DD). */
  readonly label: string;
  readonly value: number;
}

export interface BarChartOptions {
  readonly title: string;
  /** CSS class of the bars (colour). */
  readonly barClass: string;
  readonly width?: number;
  readonly height?: number;
}

const PAD = { left: 48, right: 12, top: 12, bottom: 36 } as const;

/** A step for the axis that gives about four gridlines of round numbers. */
function niceStep(max: number): number {
  const raw = Math.max(1, max) / 4;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const n = raw / mag;
  return Math.max(1, (n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10) * mag);
}

/**
 * An inline SVG bar chart (no script, no external font): one bar per label with a `<title>`
 * tooltip, a y axis with round gridlines, and every n-th label on the x axis so they never overlap.
 */
export function barChart(bars: readonly Bar[], o: BarChartOptions): string {
  const width = o.width ?? 960;
  const height = o.height ?? 240;
  const plotW = width - PAD.left - PAD.right;
  const plotH = height - PAD.top - PAD.bottom;
  const max = Math.max(0, ...bars.map((b) => b.value));
  const step = niceStep(max);
  const top = Math.max(step, Math.ceil(max / step) * step);
  const y = (v: number): number => PAD.top + plotH - (v / top) * plotH;
  const slot = bars.length > 0 ? plotW / bars.length : plotW;
  const barW = Math.max(1, Math.min(48, slot * 0.8));
  const every = Math.max(1, Math.ceil(bars.length / Math.max(1, Math.floor(plotW / 80))));
  const parts: string[] = [];
  for (let v = 0; v <= top; v += step) {
    parts.push(`<line class="grid" x1="${PAD.left}" x2="${width - PAD.right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}"/>`);
    parts.push(`<text class="axis" x="${PAD.left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${esc(v)}</text>`);
  }
  bars.forEach((b, i) => {
    const x = PAD.left + i * slot + (slot - barW) / 2;
    const h = y(0) - y(b.value);
    parts.push(`<rect class="${esc(o.barClass)}" x="${x.toFixed(1)}" y="${y(b.value).toFixed(1)}" width="${barW.toFixed(1)}" height="${h.toFixed(1)}" data-label="${esc(b.label)}" data-value="${esc(b.value)}"><title>${esc(b.label)}: ${esc(b.value)}</title></rect>`);
    if (i % every === 0) parts.push(`<text class="axis" x="${(x + barW / 2).toFixed(1)}" y="${height - PAD.bottom + 16}" text-anchor="middle">${esc(b.label)}</text>`);
  });
  if (bars.length === 0) parts.push(`<text class="axis" x="${width / 2}" y="${height / 2}" text-anchor="middle">no records in the period</text>`);
  parts.push(`<line class="axis-line" x1="${PAD.left}" x2="${width - PAD.right}" y1="${y(0)}" y2="${y(0)}"/>`);
  return `<svg class="chart" role="img" aria-label="${esc(o.title)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}"><title>${esc(o.title)}</title>${parts.join('')}</svg>`;
}
