import { chmodSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { RecordEntry } from '../../audit/entries.ts';
import { inPeriod, recordsOf, type Period } from '../../audit/query.ts';
import { renderReport } from '../../audit/report/html.ts';
import { statsOf } from '../../audit/report/stats.ts';
import type { ChainReport } from '../../audit/verify.ts';
import { flag, parseOptions, PERIOD_OPTIONS, periodOf, SOURCE_OPTIONS, str, UsageError, type AuditIo } from './args.ts';
import { selectSource, verifyStored } from './source.ts';

export const REPORT_HELP = `wsgate audit report: an HTML report for auditors

Usage:
  wsgate audit report (--config gateway.yaml | --dir DIR --key PUB.pem) [--from T] [--to T] [--chain ID] [--open] --out report.html

One self-contained HTML file (inline CSS and SVG, no script, no external asset): daily volume and
daily rejections charts, the top rejection reasons (fault codes), top applications and principals,
counts by operation and decision, and the verification status of every chain (OK, or each problem
with its position). Counts cover the records whose receivedAt is in the period (see
'wsgate audit query --help' for --from/--to); verification covers each whole chain.

  --out FILE  the report (written 0600; it names principals)
  --open      the gateway is still writing: an unsealed tail is noted, not a failure

Exit codes: 0 report written and every chain verified, 1 report written but a chain did not verify,
2 usage or configuration error.`;

const OPTIONS = { ...SOURCE_OPTIONS, ...PERIOD_OPTIONS, out: { type: 'string' }, open: { type: 'boolean' } } as const;

const DAY_MS = 86_400_000;

/** The days the charts span: the period when it is given (up to a year), else the records' days. */
function chartDays(p: Period): { first: string; last: string } | undefined {
  if (p.from === undefined || p.before === undefined || p.before.getTime() - p.from.getTime() > 366 * DAY_MS) return undefined;
  return { first: p.from.toISOString().slice(0, 10), last: new Date(p.before.getTime() - 1).toISOString().slice(0, 10) };
}

export async function reportCommand(argv: readonly string[], io: AuditIo): Promise<number> {
  const v = parseOptions(argv, OPTIONS);
  if (flag(v, 'help')) {
    io.out(REPORT_HELP);
    return 0;
  }
  const out = str(v, 'out');
  if (out === undefined) throw new UsageError('report needs --out FILE');
  const period = periodOf(v);
  const sel = await selectSource(v, io, true);
  try {
    const chains: ChainReport[] = [];
    const records: RecordEntry[] = [];
    for (const chain of sel.chains) {
      const stored = await sel.source.read(chain);
      chains.push(await verifyStored(sel, chain, stored, flag(v, 'open')));
      records.push(...recordsOf(stored).filter((r) => inPeriod(r.receivedAt, period)));
    }
    const days = chartDays(period);
    const html = renderReport({ generatedAt: io.now(), period, source: sel.source.description, keys: sel.keys.map((k) => ({ keyId: k.keyId, origin: k.origin })), chains, stats: statsOf(records, days) });
    const file = resolve(out);
    try {
      writeFileSync(file, html, { mode: 0o600 });
      chmodSync(file, 0o600);
    } catch (err) {
      throw new UsageError(`cannot write ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    const failed = chains.filter((c) => !c.ok);
    io.out(`report written to ${file}: ${records.length} records, ${chains.length} chain${chains.length === 1 ? '' : 's'} (${failed.length === 0 && chains.length > 0 ? 'every chain verifies' : `${failed.length} did not verify`})`);
    return chains.length > 0 && failed.length === 0 ? 0 : 1;
  } finally {
    await sel.source.close();
  }
}
