import { describe, expect, it } from 'vitest';
import { BoundedCache } from '../../../../src/security/x509/cert-cache.ts';

describe('BoundedCache (least recently used dropped first)', () => {
  it('keeps at most max entries and drops the least recently used', () => {
    const c = new BoundedCache<string, number>(2);
    c.set('a', 1);
    c.set('b', 2);
    expect(c.get('a')).toBe(1); // a is now the most recent
    c.set('c', 3); // drops b
    expect(c.get('b')).toBeUndefined();
    expect(c.get('a')).toBe(1);
    expect(c.get('c')).toBe(3);
    expect(c.size).toBe(2);
  });

  it('the last-used shortcut answers by content, not identity, and never outlives an eviction', () => {
    const c = new BoundedCache<string, number>(1);
    const key = 'x'.repeat(2000);
    c.set(key, 1);
    expect(c.get('x'.repeat(1000) + 'x'.repeat(1000))).toBe(1); // an equal string built anew
    c.set('y', 2); // evicts the long key, the only other entry
    expect(c.get(key)).toBeUndefined();
    expect(c.get('y')).toBe(2);
    expect(c.size).toBe(1);
  });

  it('a value replaced under the same key is what the shortcut returns', () => {
    const c = new BoundedCache<string, number>(3);
    c.set('k', 1);
    expect(c.get('k')).toBe(1);
    c.set('k', 2);
    expect(c.get('k')).toBe(2);
    c.set('other', 3);
    expect(c.get('k')).toBe(2);
  });

  it('recency: a hit through the shortcut is already the most recent entry', () => {
    const c = new BoundedCache<string, number>(2);
    c.set('a', 1);
    c.set('b', 2);
    expect(c.get('b')).toBe(2); // shortcut
    c.set('c', 3); // drops a (least recent), keeps b
    expect(c.get('a')).toBeUndefined();
    expect(c.get('b')).toBe(2);
  });
});
