/**
 * Canonical JSON for hashing and signing audit entries: object keys sorted by UTF-16 code units,
 * no whitespace, strings and numbers as JSON.stringify writes them (the ECMAScript number form that
 * RFC 8785 JCS also uses). `undefined` members are left out. Twenty lines instead of a dependency:
 * the whole chain's integrity rests on this function, so it is kept small enough to read in full.
 */
export type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json | undefined };

export function canonicalJson(value: Json): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError('audit entries hold finite numbers only');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${(value as readonly Json[]).map(canonicalJson).join(',')}]`;
  const obj = value as { readonly [key: string]: Json | undefined };
  const parts: string[] = [];
  for (const key of Object.keys(obj).sort()) {
    const v = obj[key];
    if (v === undefined) continue;
    parts.push(`${JSON.stringify(key)}:${canonicalJson(v)}`);
  }
  return `{${parts.join(',')}}`;
}
