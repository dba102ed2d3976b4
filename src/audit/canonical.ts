/**
 * Canonical JSON for hashing and signing audit entries: object keys sorted by UTF-16 code units,
 * no whitespace, strings and numbers as JSON.stringify writes them (the ECMAScript number form that
 * RFC 8785 JCS also uses). `undefined` members are left out. Small enough to read in full: the
 * whole chain's integrity rests on it, so no dependency.
 *
 * Fast paths, both ending in the native JSON.stringify (which writes members in enumeration order):
 *   1. a value whose objects already enumerate their keys in sorted order (the gateway builds its
 *      audit entries that way: src/audit/record.ts, link() in chain.ts) is serialised as it is, after
 *      a walk that checks the order without allocating;
 *   2. otherwise a copy with keys inserted in sorted order. JavaScript enumerates integer-like keys
 *      ("0", "10") first whatever the insertion order (and `__proto__` cannot be assigned as a plain
 *      key), so an object with such a key is serialised by hand instead.
 * A property test pins both to the reference implementation below.
 */
export type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json | undefined };

const INTEGER_KEY = /^(?:0|[1-9]\d*)$/;
/** Set when sortedCopy had to fall back for some object: only then is a replacer needed. */
let rawSeen = false;

function sortedCopy(value: Json): unknown {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError('audit entries hold finite numbers only');
    return value;
  }
  if (Array.isArray(value)) return (value as readonly Json[]).map(sortedCopy);
  const obj = value as { readonly [key: string]: Json | undefined };
  const keys = Object.keys(obj).sort();
  if (keys.some((k) => INTEGER_KEY.test(k) || k === '__proto__')) {
    rawSeen = true;
    return new RawJson(slowCanonical(value));
  }
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const v = obj[k];
    if (v !== undefined) out[k] = sortedCopy(v);
  }
  return out;
}

/** A fragment already in canonical form, spliced in by the replacer below. */
class RawJson {
  constructor(readonly text: string) {}
}

function slowCanonical(value: Json): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError('audit entries hold finite numbers only');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${(value as readonly Json[]).map(slowCanonical).join(',')}]`;
  const obj = value as { readonly [key: string]: Json | undefined };
  const parts: string[] = [];
  for (const key of Object.keys(obj).sort()) {
    const v = obj[key];
    if (v === undefined) continue;
    parts.push(`${JSON.stringify(key)}:${slowCanonical(v)}`);
  }
  return `{${parts.join(',')}}`;
}

/**
 * True when JSON.stringify(value) is already its canonical form: every object is a plain object
 * whose enumeration order is strictly ascending by UTF-16 code units, and every value is a JSON
 * value (no undefined array element, no function, no toJSON to call). Throws on a non-finite
 * number, as canonicalJson does.
 */
export function inCanonicalOrder(value: unknown): boolean {
  if (value === null) return true;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('audit entries hold finite numbers only');
      return true;
    case 'object':
      break;
    default:
      return false;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (v === undefined || !inCanonicalOrder(v)) return false;
    }
    return true;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  const obj = value as Record<string, unknown>;
  let prev: string | undefined;
  // for-in also visits inherited enumerable keys: none on Object.prototype unless it was polluted,
  // and then only a stricter check (JSON.stringify writes own keys only, a subsequence of these).
  for (const k in obj) {
    if (prev !== undefined && !(prev < k)) return false;
    prev = k;
    const v = obj[k];
    if (v !== undefined && !inCanonicalOrder(v)) return false;
  }
  return true;
}

const VOUCHED = new WeakSet<object>();

/**
 * Marks an object whose builder wrote every member in canonical order, checked where it could not
 * be known (src/audit/record.ts), so that link() serialises a copy of it with JSON.stringify without
 * walking it again. A unit test pins the builder's output to the reference implementation.
 */
export function vouchCanonicalOrder(value: object): void {
  VOUCHED.add(value);
}

export function vouchedCanonicalOrder(value: object): boolean {
  return VOUCHED.has(value);
}

export function canonicalJson(value: Json): string {
  if (inCanonicalOrder(value)) return JSON.stringify(value);
  rawSeen = false;
  const copy = sortedCopy(value);
  if (copy instanceof RawJson) return copy.text;
  if (!rawSeen) return JSON.stringify(copy);
  const raws: string[] = [];
  const text = JSON.stringify(copy, (_k, v: unknown) => {
    if (v instanceof RawJson) {
      raws.push(v.text);
      return `\u0000raw${raws.length - 1}\u0000`;
    }
    return v;
  });
  if (raws.length === 0) return text;
  // Placeholders are JSON strings holding NUL, which JSON.stringify always escapes in real data.
  return text.replace(/"\\u0000raw(\d+)\\u0000"/g, (_m, i: string) => raws[Number(i)] as string);
}

/** The reference implementation, kept for the property test that pins the fast path to it. */
export const canonicalJsonReference = slowCanonical;
