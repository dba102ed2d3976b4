/**
 * Typed reading of the objects node-soap makes from a request body. node-soap turns `xsd:date` into
 * a `Date` (UTC midnight), `xsd:int` into a number, an element with attributes into
 * `{ attributes, $value }`, and a repeated element into an array (a single one stays an object).
 * Anything missing or malformed becomes an `INVALID_REQUEST` PolicyError.
 */
import { PolicyError } from './policy-admin.ts';
import { isIsoDate, parseCents } from './policy-model.ts';

export type Args = Readonly<Record<string, unknown>>;

export function isArgs(value: unknown): value is Args {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

export function asArgs(value: unknown, what: string): Args {
  if (isArgs(value)) return value;
  throw new PolicyError('INVALID_REQUEST', `${what} is missing or empty.`);
}

/** The element's text: strings as they are, numbers and booleans printed, dates as YYYY-MM-DD. */
function scalar(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString().slice(0, 10);
  if (isArgs(value) && '$value' in value) return scalar(value['$value']);
  return undefined;
}

export function optionalText(args: Args, name: string): string | undefined {
  const value = args[name];
  if (value === undefined || value === null) return undefined;
  const text = scalar(value);
  if (text === undefined) throw new PolicyError('INVALID_REQUEST', `${name} must be a single text value.`);
  return text.trim();
}

export function requiredText(args: Args, name: string): string {
  const text = optionalText(args, name);
  if (text === undefined || text === '') throw new PolicyError('INVALID_REQUEST', `${name} is required.`);
  return text;
}

export function optionalDate(args: Args, name: string): string | undefined {
  const text = optionalText(args, name);
  if (text !== undefined && !isIsoDate(text)) throw new PolicyError('INVALID_REQUEST', `${name} must be a date (YYYY-MM-DD).`);
  return text;
}

export function requiredDate(args: Args, name: string): string {
  const date = optionalDate(args, name);
  if (date === undefined) throw new PolicyError('INVALID_REQUEST', `${name} is required.`);
  return date;
}

export function optionalEnum<T extends string>(args: Args, name: string, allowed: readonly T[]): T | undefined {
  const text = optionalText(args, name);
  if (text === undefined) return undefined;
  const found = allowed.find((a) => a === text);
  if (found === undefined) throw new PolicyError('INVALID_REQUEST', `${name} must be one of ${allowed.join(', ')}.`);
  return found;
}

export function requiredEnum<T extends string>(args: Args, name: string, allowed: readonly T[]): T {
  const value = optionalEnum(args, name, allowed);
  if (value === undefined) throw new PolicyError('INVALID_REQUEST', `${name} is required.`);
  return value;
}

export function optionalInt(args: Args, name: string, min: number, max: number): number | undefined {
  const text = optionalText(args, name);
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new PolicyError('INVALID_REQUEST', `${name} must be a whole number from ${min} to ${max}.`);
  }
  return n;
}

export interface MoneyArg {
  readonly cents: number;
  readonly currency: string | undefined;
}

export function optionalMoney(args: Args, name: string): MoneyArg | undefined {
  const value = args[name];
  if (value === undefined || value === null) return undefined;
  const text = scalar(value);
  const cents = text === undefined ? undefined : parseCents(text);
  if (cents === undefined) throw new PolicyError('INVALID_REQUEST', `${name} must be an amount with at most two decimals.`);
  const attributes = isArgs(value) ? value['attributes'] : undefined;
  const currency = isArgs(attributes) ? scalar(attributes['currency']) : undefined;
  return { cents, currency };
}

/** A repeated element as an array (node-soap gives one occurrence as a plain object). */
export function list(args: Args, name: string): Args[] {
  const value = args[name];
  if (value === undefined || value === null) return [];
  const items = Array.isArray(value) ? (value as unknown[]) : [value];
  return items.map((item) => asArgs(item, name));
}

/** `Context/CorrelationId`, echoed in every response. */
export function correlationId(args: Args): string | undefined {
  const context = args['Context'];
  return isArgs(context) ? optionalText(context, 'CorrelationId') : undefined;
}
