import { parseArgs } from 'node:util';
import type { Period } from '../../audit/query.ts';

/** Where the audit commands write, and what they read from the world (tests pass their own). */
export interface AuditIo {
  out(text: string): void;
  err(text: string): void;
  readonly env: NodeJS.ProcessEnv;
  now(): Date;
}

export const consoleIo: AuditIo = {
  out: (text) => console.log(text),
  err: (text) => console.error(text),
  env: process.env,
  now: () => new Date(),
};

/** A wrong or missing option: the command prints it with the usage and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

type OptionSpec = { readonly type: 'string' | 'boolean'; readonly multiple?: boolean; readonly short?: string };

/** Where the records come from: every subcommand but `verify --bundle` takes these. */
export const SOURCE_OPTIONS = {
  config: { type: 'string', short: 'c' },
  dir: { type: 'string' },
  key: { type: 'string', multiple: true },
  chain: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Record<string, OptionSpec>;

export const PERIOD_OPTIONS = {
  from: { type: 'string' },
  to: { type: 'string' },
} as const satisfies Record<string, OptionSpec>;

export type ParsedValues = Record<string, string | boolean | string[] | undefined>;

export function parseOptions(argv: readonly string[], options: Record<string, OptionSpec>): ParsedValues {
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0] ?? ''}'`);
    return values as ParsedValues;
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError((err as Error).message.split('\n')[0] ?? 'bad arguments');
  }
}

export function str(v: ParsedValues, name: string): string | undefined {
  const x = v[name];
  return typeof x === 'string' ? x : undefined;
}

export function list(v: ParsedValues, name: string): string[] {
  const x = v[name];
  return Array.isArray(x) ? x : typeof x === 'string' ? [x] : [];
}

export function flag(v: ParsedValues, name: string): boolean {
  return v[name] === true;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})?$/;
const DAY_MS = 86_400_000;

/**
 * `--from` / `--to` as a Period. A date is a whole UTC day: `--from 2026-03-01 --to 2026-03-31`
 * covers March. A date-time is an instant (UTC unless it carries an offset): `--from` includes it,
 * `--to` does not (`--from 2026-03-01T08:00Z --to 2026-03-01T09:00Z` is one hour).
 */
export function parseTime(value: string, option: 'from' | 'to'): Date {
  let ms: number;
  if (DATE.test(value)) ms = Date.parse(`${value}T00:00:00Z`) + (option === 'to' ? DAY_MS : 0);
  else if (DATE_TIME.test(value)) ms = Date.parse(/(?:Z|[+-]\d{2}:\d{2})$/.test(value) ? value : `${value}Z`);
  else throw new UsageError(`--${option} must be a date (2026-03-01) or a date-time (2026-03-01T08:00:00Z), not '${value}'`);
  if (Number.isNaN(ms)) throw new UsageError(`--${option} '${value}' is not a valid date`);
  return new Date(ms);
}

export function periodOf(v: ParsedValues): Period {
  const from = str(v, 'from');
  const to = str(v, 'to');
  const period: Period = { ...(from !== undefined ? { from: parseTime(from, 'from') } : {}), ...(to !== undefined ? { before: parseTime(to, 'to') } : {}) };
  if (period.from !== undefined && period.before !== undefined && period.before.getTime() <= period.from.getTime()) throw new UsageError('--to is before --from');
  return period;
}
