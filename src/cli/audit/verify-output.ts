import type { BundleReport } from '../../audit/bundle.ts';
import { printable } from '../../audit/report/summary-text.ts';
import type { ChainReport } from '../../audit/verify.ts';

function problemLine(p: { readonly where: string; readonly problem: string; readonly message: string; readonly seq?: number | undefined }): string {
  return `  ${printable(p.where)}${p.seq !== undefined ? `  seq ${p.seq}` : ''}  ${p.problem}: ${printable(p.message)}`;
}

/** What `wsgate audit verify` prints for one chain: its counts, then every problem with its position. */
export function chainText(r: ChainReport): string[] {
  const failing = r.problems.filter((p) => p.problem !== 'unsealed-tail');
  const status = r.ok ? 'OK' : `FAILED (${failing.length} problem${failing.length === 1 ? '' : 's'})`;
  return [
    `chain ${printable(r.chain)}: ${status}`,
    `  entries ${r.entries}, records ${r.records}, checkpoints ${r.checkpoints}, sealed through seq ${r.sealedThrough ?? 'none'}, dropped ${r.dropped}`,
    ...r.problems.map((p) => (p.problem === 'unsealed-tail' ? `  note: ${printable(p.where)}  seq ${p.seq ?? '?'}  ${printable(p.message)}` : problemLine(p))),
  ];
}

export function verifyText(source: string, keys: readonly { readonly keyId: string; readonly origin: string }[], reports: readonly ChainReport[]): string {
  const failed = reports.filter((r) => !r.ok).length;
  const result =
    reports.length === 0 ? 'result: FAILED, no audit chain found' : failed === 0 ? `result: OK, ${reports.length} chain${reports.length === 1 ? '' : 's'} verified` : `result: FAILED, ${failed} of ${reports.length} chain${reports.length === 1 ? '' : 's'} did not verify`;
  return [`source: ${printable(source)}`, ...keys.map((k) => `trusted key: ${k.keyId} (${printable(k.origin)})`), ...reports.flatMap(chainText), result].join('\n');
}

/** What `wsgate audit verify --bundle` prints. */
export function bundleText(r: BundleReport): string {
  const m = r.manifest;
  const out = [`bundle: ${printable(r.dir)}`];
  if (m !== undefined) {
    out.push(`created ${m.createdAt}, period ${m.period.from ?? 'start of the trail'} to ${m.period.before ?? 'end of the trail'} (end exclusive), source ${printable(m.source)}`);
  }
  for (const k of r.keys) out.push(`key in the bundle: ${k.keyId} (${printable(k.file)})`);
  if (r.pinned === undefined) {
    out.push('NOTE: no --key given: the key in the bundle was trusted. Compare the key id above, out of band, with the audit key id the gateway operator published; or pin it with --key PUB.pem');
  } else if (r.keyMismatch.length > 0) {
    out.push(`KEY MISMATCH: the bundle's key ${r.keyMismatch.join(', ')} is NOT the key you gave (${r.pinned.join(', ')}): its checkpoints are not trusted`);
  } else out.push(`key pinned with --key: ${r.pinned.join(', ')} (matches the bundle)`);
  for (const p of r.problems) out.push(problemLine(p));
  for (const c of r.chains) {
    out.push(`chain ${printable(c.chain)}: ${c.ok ? 'OK' : `FAILED (${c.problems.length} problem${c.problems.length === 1 ? '' : 's'})`}`);
    out.push(`  seq ${c.firstSeq} to ${c.lastSeq}: entries ${c.entries}, records ${c.records} (${c.recordsInPeriod} in the period), sealed through seq ${c.sealedThrough ?? 'none'}`);
    for (const p of c.problems) out.push(problemLine(p));
  }
  out.push(r.ok ? `result: OK, the bundle verifies (${r.chains.length} chain${r.chains.length === 1 ? '' : 's'}, every file matches the manifest)` : 'result: FAILED, the bundle does not verify');
  return out.join('\n');
}
