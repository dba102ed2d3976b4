import { DECISIONS, matchesRecord, selectRecords, sortRecords, type Decision, type RecordFilter } from '../../audit/query.ts';
import type { RecordEntry } from '../../audit/entries.ts';
import { queryRecords } from '../../audit/sinks/postgres-read.ts';
import type { StoredEntry } from '../../audit/verify.ts';
import { flag, parseOptions, PERIOD_OPTIONS, periodOf, SOURCE_OPTIONS, str, UsageError, type AuditIo, type ParsedValues } from './args.ts';
import { FORMATS, formatRecords, type QueryFormat } from './query-format.ts';
import { selectSource, type SelectedSource } from './source.ts';

export const QUERY_HELP = `wsgate audit query: find records

Usage:
  wsgate audit query (--config gateway.yaml | --dir DIR) [filters] [--format table|json|csv] [--limit N]

Filters (all optional, combined with AND):
  --from T, --to T     on the record's receivedAt. A date (2026-03-01) is a whole UTC day, so
                       --from 2026-03-01 --to 2026-03-31 is March; a date-time (2026-03-01T08:00:00Z,
                       UTC unless it has an offset) is an instant, included by --from, excluded
                       by --to (--from 2026-03-01T08:00Z --to 2026-03-01T09:00Z is one hour)
  --service NAME       exact service name
  --operation NAME     exact WSDL operation name
  --principal TEXT     part of the principal's subject, case-insensitive (CN=alice matches
                       "CN=alice,O=Insurer")
  --application NAME   exact application (the principal's application)
  --decision D         accepted, backend_fault, rejected, failed or aborted
  --fault CODE         exact fault code, e.g. GW_ERR_SEC_REJECTED
  --chain ID           only this chain (gateway instance)

Output:
  --format table       time, correlation id, service, operation, principal, decision, fault code,
                       status, ms (default; long values are cut, control characters escaped)
  --format json        a JSON array, every field of each record, one record per line
  --format csv         RFC 4180 (quoted where needed), with application, chain and seq; a value a
                       spreadsheet would run as a formula gets a leading apostrophe
  --limit N            at most N records (the earliest ones)

Records only (no checkpoints or notices), ordered by receivedAt. query reads; it does not verify:
run 'wsgate audit verify' for proof that the trail is complete and unaltered.

Exit codes: 0 done (also when nothing matched), 2 usage or configuration error.`;

const OPTIONS = {
  ...SOURCE_OPTIONS,
  ...PERIOD_OPTIONS,
  service: { type: 'string' },
  operation: { type: 'string' },
  principal: { type: 'string' },
  application: { type: 'string' },
  decision: { type: 'string' },
  fault: { type: 'string' },
  format: { type: 'string' },
  limit: { type: 'string' },
} as const;

function filterOf(v: ParsedValues): RecordFilter {
  const decision = str(v, 'decision');
  if (decision !== undefined && !(DECISIONS as readonly string[]).includes(decision)) throw new UsageError(`--decision must be one of ${DECISIONS.join(', ')}, not '${decision}'`);
  const limitText = str(v, 'limit');
  const limit = limitText === undefined ? undefined : Number(limitText);
  if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 1)) throw new UsageError(`--limit must be a whole number of at least 1, not '${limitText ?? ''}'`);
  const text = (name: string, key: keyof RecordFilter): Partial<RecordFilter> => {
    const x = str(v, name);
    return x !== undefined ? { [key]: x } : {};
  };
  return {
    ...periodOf(v),
    ...text('service', 'service'),
    ...text('operation', 'operation'),
    ...text('principal', 'principal'),
    ...text('application', 'application'),
    ...text('fault', 'faultCode'),
    ...(decision !== undefined ? { decision: decision as Decision } : {}),
    ...(limit !== undefined ? { limit } : {}),
  };
}

/** In the database for PostgreSQL (the same filter applied again here, so both sources mean the same). */
async function find(sel: SelectedSource, f: RecordFilter, allChains: boolean, io: AuditIo): Promise<RecordEntry[]> {
  if (sel.postgres !== undefined) {
    const { cfg, password } = sel.postgres;
    // The store matches principals exactly; --principal is a substring, so it is applied here (and the limit after it).
    const { before, limit, principal, ...rest } = f;
    const chain = allChains ? {} : { chain: sel.chains[0] as string };
    const rows = await queryRecords(cfg, password, { ...rest, ...chain, ...(before !== undefined ? { to: before } : {}), ...(principal === undefined && limit !== undefined ? { limit } : {}) });
    const matching = sortRecords(rows.filter((r) => sel.chains.includes(r.chain) && matchesRecord(r, f)));
    return matching.slice(0, limit ?? matching.length);
  }
  const chains = new Map<string, StoredEntry[]>();
  for (const c of sel.chains) chains.set(c, await sel.source.read(c));
  const unreadable = [...chains.values()].flat().filter((s) => 'unreadable' in s.entry);
  if (unreadable.length > 0) io.err(`warning: ${unreadable.length} unreadable line(s) skipped (first at ${unreadable[0]?.where ?? '?'}): run wsgate audit verify`);
  return selectRecords(chains, f);
}

export async function queryCommand(argv: readonly string[], io: AuditIo): Promise<number> {
  const v = parseOptions(argv, OPTIONS);
  if (flag(v, 'help')) {
    io.out(QUERY_HELP);
    return 0;
  }
  const format = (str(v, 'format') ?? 'table') as QueryFormat;
  if (!FORMATS.includes(format)) throw new UsageError(`--format must be table, json or csv, not '${format}'`);
  const filter = filterOf(v);
  const sel = await selectSource(v, io, false);
  try {
    const records = await find(sel, filter, str(v, 'chain') === undefined, io);
    io.out(formatRecords(records, format));
    return 0;
  } finally {
    await sel.source.close();
  }
}
