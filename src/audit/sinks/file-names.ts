import { readdirSync } from 'node:fs';

/** `audit-<chain>-<number, 6 digits>-<YYYYMMDD>.jsonl`: files sort by number within a chain. */
const NAME = /^audit-(.+)-(\d{6})-(\d{8})\.jsonl$/;

export interface AuditFileName {
  readonly name: string;
  readonly chain: string;
  readonly number: number;
  readonly day: string;
}

export function parseAuditFileName(name: string): AuditFileName | undefined {
  const m = NAME.exec(name);
  if (!m) return undefined;
  return { name, chain: m[1] as string, number: Number(m[2]), day: m[3] as string };
}

export function auditFileName(chain: string, number: number, now: Date): string {
  return `audit-${chain}-${String(number).padStart(6, '0')}-${dayOf(now)}.jsonl`;
}

export function dayOf(d: Date): string {
  return d.toISOString().slice(0, 10).replaceAll('-', '');
}

/** The files of every chain in a directory, each chain's files in order. */
export function listChains(dir: string): Map<string, AuditFileName[]> {
  const chains = new Map<string, AuditFileName[]>();
  for (const n of readdirSync(dir)) {
    const f = parseAuditFileName(n);
    if (!f) continue;
    const list = chains.get(f.chain) ?? [];
    list.push(f);
    chains.set(f.chain, list);
  }
  for (const list of chains.values()) list.sort((a, b) => a.number - b.number);
  return chains;
}

/** Chain ids become file names: letters, digits, dot, dash and underscore only. */
export const CHAIN_ID = /^[A-Za-z0-9._-]{1,64}$/;
