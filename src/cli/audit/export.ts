import { resolve } from 'node:path';
import { exportBundle, type ExportChain } from '../../audit/bundle.ts';
import { flag, parseOptions, PERIOD_OPTIONS, periodOf, SOURCE_OPTIONS, str, UsageError, type AuditIo } from './args.ts';
import { rawLinesOf, selectSource, verifyStored } from './source.ts';

export const EXPORT_HELP = `wsgate audit export: write an evidence bundle for a period

Usage:
  wsgate audit export (--config gateway.yaml | --dir DIR --key PUB.pem) [--from T] [--to T] [--chain ID] [--open] --out DIR

Per chain, the bundle holds the contiguous segment of entries from the last checkpoint at or before
--from (or the chain's start) through the first checkpoint after --to (or the chain's end), as
stored; the public key; manifest.json (chains with first/last seq and the hash the segment starts
from, record counts, the SHA-256 of every file, key id); and summary.txt (period, counts by
decision, operation, application and principal, fault codes, and the verification status at
export time). 'wsgate audit verify --bundle DIR' checks it on any machine, without the gateway.

  --from T, --to T  the period, on each record's receivedAt (see 'wsgate audit query --help');
                    default: the whole trail
  --out DIR         a new (or empty) directory; files are written 0600, the directory 0700
  --open            the gateway is still writing: entries after the last checkpoint are left out
                    (they are not sealed yet) and the summary says how many

Exit codes: 0 bundle written and every chain verified, 1 bundle written but a chain did not
verify (the summary lists the problems), 2 usage or configuration error.`;

const OPTIONS = { ...SOURCE_OPTIONS, ...PERIOD_OPTIONS, out: { type: 'string' }, open: { type: 'boolean' } } as const;

export async function exportCommand(argv: readonly string[], io: AuditIo): Promise<number> {
  const v = parseOptions(argv, OPTIONS);
  if (flag(v, 'help')) {
    io.out(EXPORT_HELP);
    return 0;
  }
  const out = str(v, 'out');
  if (out === undefined) throw new UsageError('export needs --out DIR');
  const period = periodOf(v);
  const sel = await selectSource(v, io, true);
  try {
    const chains: ExportChain[] = [];
    for (const chain of sel.chains) {
      const stored = await sel.source.read(chain);
      const report = await verifyStored(sel, chain, stored, flag(v, 'open'));
      chains.push({ chain, stored, report, ...(sel.dir !== undefined ? { lineOf: rawLinesOf(sel.dir, chain) } : {}) });
    }
    let manifest;
    try {
      manifest = exportBundle({
        out: resolve(out),
        period,
        createdAt: io.now(),
        source: sel.source.description,
        keys: sel.keys,
        chains,
      });
    } catch (err) {
      throw new UsageError(err instanceof Error ? err.message : String(err));
    }
    const failed = chains.filter((c) => !c.report.ok);
    io.out(`bundle written to ${resolve(out)}`);
    for (const c of manifest.chains) {
      io.out(`  chain ${c.chain}: seq ${c.firstSeq} to ${c.lastSeq}, ${c.entries} entries, ${c.recordsInPeriod} records in the period${c.leftOut !== null ? `\n    NOTE: ${c.leftOut}` : ''}`);
    }
    if (manifest.chains.length === 0) io.out('  no chain has entries in the period');
    io.out(`  key id ${manifest.keys.map((k) => k.keyId).join(', ')}`);
    io.out(`check it with: wsgate audit verify --bundle ${resolve(out)} --key <the published public key>`);
    for (const c of failed) io.err(`WARNING: chain ${c.chain} did not verify at export time (${c.report.problems.length} problems, listed in summary.txt): run wsgate audit verify`);
    return failed.length === 0 ? 0 : 1;
  } finally {
    await sel.source.close();
  }
}
