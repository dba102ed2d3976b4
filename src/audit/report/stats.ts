import type { RecordEntry } from '../entries.ts';

export interface Count {
  readonly name: string;
  readonly count: number;
}

export interface FaultCount extends Count {
  /** The decisions the records with this code ended in, e.g. `rejected`. */
  readonly decisions: readonly string[];
}

export interface DayCount {
  /** UTC day, YYYY-MM-DD. */
  readonly day: string;
  readonly total: number;
  readonly rejected: number;
}

/** What the summary and the report show about a set of records. */
export interface TrailStats {
  readonly total: number;
  readonly byDecision: readonly Count[];
  readonly byService: readonly Count[];
  readonly byOperation: readonly Count[];
  readonly byApplication: readonly Count[];
  readonly byPrincipal: readonly Count[];
  /** Fault codes of the records that have one (rejected, failed, aborted, backend faults). */
  readonly byFault: readonly FaultCount[];
  readonly daily: readonly DayCount[];
}

export const NONE = '(none)';

function tally(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

/** Most first, then by name: the same records always give the same order. */
function ranked(map: ReadonlyMap<string, number>): Count[] {
  return [...map].map(([name, count]) => ({ name, count })).sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

const DAY_MS = 86_400_000;

/** Every UTC day from the first to the last (both YYYY-MM-DD), at most `max` days. */
export function daysBetween(first: string, last: string, max = 1000): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${first}T00:00:00Z`); t <= Date.parse(`${last}T00:00:00Z`) && out.length < max; t += DAY_MS) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

/**
 * Counts over records. `days` fixes the range of the daily series (a report period); without it the
 * series runs from the first record's day to the last one's, days without records included.
 */
export function statsOf(records: readonly RecordEntry[], days?: { readonly first: string; readonly last: string }): TrailStats {
  const decision = new Map<string, number>();
  const service = new Map<string, number>();
  const operation = new Map<string, number>();
  const application = new Map<string, number>();
  const principal = new Map<string, number>();
  const fault = new Map<string, number>();
  const faultDecisions = new Map<string, Set<string>>();
  const perDay = new Map<string, { total: number; rejected: number }>();
  for (const r of records) {
    tally(decision, r.decision);
    tally(service, r.service);
    tally(operation, r.operation ?? NONE);
    tally(application, r.principal?.application ?? NONE);
    tally(principal, r.principal?.subject ?? NONE);
    if (r.fault !== null) {
      tally(fault, r.fault.code);
      const set = faultDecisions.get(r.fault.code) ?? new Set<string>();
      set.add(r.decision);
      faultDecisions.set(r.fault.code, set);
    }
    const day = r.receivedAt.slice(0, 10);
    const d = perDay.get(day) ?? { total: 0, rejected: 0 };
    d.total += 1;
    if (r.decision === 'rejected') d.rejected += 1;
    perDay.set(day, d);
  }
  const known = [...perDay.keys()].sort();
  const first = days?.first ?? known[0];
  const last = days?.last ?? known.at(-1);
  const daily = first !== undefined && last !== undefined ? daysBetween(first, last).map((day) => ({ day, total: perDay.get(day)?.total ?? 0, rejected: perDay.get(day)?.rejected ?? 0 })) : [];
  return {
    total: records.length,
    byDecision: ranked(decision),
    byService: ranked(service),
    byOperation: ranked(operation),
    byApplication: ranked(application),
    byPrincipal: ranked(principal),
    byFault: ranked(fault).map((c) => ({ ...c, decisions: [...(faultDecisions.get(c.name) ?? [])].sort() })),
    daily,
  };
}
