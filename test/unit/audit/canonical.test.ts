import { describe, expect, it } from 'vitest';
import { canonicalJson, canonicalJsonReference, inCanonicalOrder, type Json } from '../../../src/audit/canonical.ts';

/** A small deterministic PRNG, so a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s ^ (s >>> 15), 2246822507) + 0x6d2b79f5) >>> 0) / 2 ** 32);
}

const KEYS = ['a', 'b', 'Z', '0', '10', '2', 'é', '\u0000', 'ключ', '𝄞', '__proto__x', '__proto__', 'x y', '"q"', '-1', '01'];
function randomJson(r: () => number, depth: number): Json {
  const k = r();
  if (depth <= 0 || k < 0.35) {
    const p = r();
    if (p < 0.2) return null;
    if (p < 0.35) return r() < 0.5;
    if (p < 0.6) return Math.round((r() - 0.5) * 1e6) / (r() < 0.5 ? 1 : 1000);
    return ['', 'plain', 'quote " and \\ back', '\u2028 line', 'nul \u0000', '\ud800 lone', 'emoji 😀', '<script>'][Math.floor(r() * 8)] as string;
  }
  if (k < 0.6) return Array.from({ length: Math.floor(r() * 4) }, () => randomJson(r, depth - 1));
  const o: Record<string, Json | undefined> = {};
  for (let i = Math.floor(r() * 6); i > 0; i--) o[KEYS[Math.floor(r() * KEYS.length)] as string] = r() < 0.1 ? undefined : randomJson(r, depth - 1);
  return o;
}

describe('canonical JSON', () => {
  it('the fast path writes exactly what the reference writes, on 5,000 random documents (integer-like keys, unicode, undefined members)', () => {
    const r = rng(20261129);
    for (let i = 0; i < 5000; i++) {
      const doc = randomJson(r, 4);
      expect(canonicalJson(doc)).toBe(canonicalJsonReference(doc));
    }
  });

  it('documents already in canonical order (fast path 1: serialised as they are) give what the reference gives, on 5,000 random documents', () => {
    const r = rng(20261130);
    let fast = 0;
    for (let i = 0; i < 5000; i++) {
      // Re-parsing the canonical text gives the same members in canonical order, except integer-like keys (enumerated first).
      const doc = JSON.parse(canonicalJsonReference(randomJson(r, 4))) as Json;
      if (inCanonicalOrder(doc)) fast += 1;
      expect(canonicalJson(doc)).toBe(canonicalJsonReference(doc));
    }
    expect(fast).toBeGreaterThan(2500);
  });

  it('the order check refuses what JSON.stringify would not write canonically: unsorted keys, integer-like keys after others, undefined array elements, toJSON, non-plain objects', () => {
    expect(inCanonicalOrder({ a: 1, b: { c: [1, 'x', null, { d: true }] } })).toBe(true);
    expect(inCanonicalOrder({ b: 1, a: 2 })).toBe(false);
    expect(inCanonicalOrder({ '2': 1, '10': 2 })).toBe(false);
    expect(inCanonicalOrder({ A: 1, a: 2, é: 3 })).toBe(true);
    expect(inCanonicalOrder({ a: [1, undefined] })).toBe(false);
    expect(inCanonicalOrder({ a: { toJSON: () => 'x' } })).toBe(false);
    expect(inCanonicalOrder({ a: new Date(0) })).toBe(false);
    expect(inCanonicalOrder({ a: undefined, b: 1 })).toBe(true);
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
    const inherited = Object.create({ z: 1 }) as Record<string, number>;
    inherited['a'] = 1;
    expect(inCanonicalOrder(inherited)).toBe(false);
  });

  it('sorts keys, drops undefined members, keeps no whitespace', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x'], c: undefined, '10': 1, '2': 2 })).toBe('{"10":1,"2":2,"a":[true,null,"x"],"b":1}');
  });

  it('refuses non-finite numbers (they have no JSON form)', () => {
    expect(() => canonicalJson({ ms: Number.NaN })).toThrow(/finite/);
    expect(() => canonicalJson({ x: { '0': Infinity } })).toThrow(/finite/);
  });
});
