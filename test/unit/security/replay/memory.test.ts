import { describe, expect, it } from 'vitest';
import { MemoryReplayCache } from '../../../../src/security/replay/index.ts';

const t0 = Date.parse('2026-11-28T12:00:00Z');
const at = (s: number): Date => new Date(t0 + s * 1000);

describe('MemoryReplayCache', () => {
  it('first use is accepted, the second within the window is a replay', async () => {
    const c = new MemoryReplayCache({ maxEntries: 10 });
    expect(await c.checkAndRemember('sig:a', at(300), at(0))).toBe(true);
    expect(await c.checkAndRemember('sig:a', at(300), at(10))).toBe(false);
    expect(await c.checkAndRemember('sig:b', at(300), at(10))).toBe(true);
  });

  it('remembers until expiresAt inclusive, then forgets', async () => {
    const c = new MemoryReplayCache({ maxEntries: 10 });
    await c.checkAndRemember('nonce:u:n', at(60), at(0));
    expect(await c.checkAndRemember('nonce:u:n', at(120), at(60))).toBe(false);
    expect(await c.checkAndRemember('nonce:u:n', at(120), at(60.001))).toBe(true);
    expect(c.size).toBe(1);
  });

  it('purges expired entries before evicting when full', async () => {
    const c = new MemoryReplayCache({ maxEntries: 2 });
    await c.checkAndRemember('a', at(10), at(0));
    await c.checkAndRemember('b', at(100), at(0));
    expect(await c.checkAndRemember('c', at(100), at(20))).toBe(true);
    expect(c.evictions).toBe(0);
    expect(await c.checkAndRemember('b', at(100), at(20))).toBe(false);
  });

  it('when full of live entries, evicts the one expiring first and counts it (never refuses new keys)', async () => {
    const c = new MemoryReplayCache({ maxEntries: 3 });
    await c.checkAndRemember('late', at(300), at(0));
    await c.checkAndRemember('soon', at(50), at(0));
    await c.checkAndRemember('mid', at(100), at(0));
    expect(await c.checkAndRemember('new', at(200), at(1))).toBe(true);
    expect(c.evictions).toBe(1);
    expect(c.size).toBe(3);
    // The evicted key is forgotten (the documented weakening); the others are still replays.
    expect(await c.checkAndRemember('late', at(300), at(2))).toBe(false);
    expect(await c.checkAndRemember('mid', at(100), at(2))).toBe(false);
    expect(await c.checkAndRemember('soon', at(50), at(2))).toBe(true);
    expect(c.evictions).toBe(2);
  });

  it('keeps heap order over many random inserts', async () => {
    const c = new MemoryReplayCache({ maxEntries: 100 });
    const expiries = Array.from({ length: 500 }, (_, i) => ((i * 7919) % 997) + 1);
    for (const [i, e] of expiries.entries()) expect(await c.checkAndRemember(`k${i}`, at(e), at(0))).toBe(true);
    expect(c.size).toBe(100);
    expect(c.evictions).toBe(400);
    // What survives is the 100 latest expiries.
    const kept = expiries.map((e, i) => ({ e, i })).sort((x, y) => y.e - x.e || y.i - x.i).slice(0, 100);
    const threshold = Math.min(...kept.map((k) => k.e));
    for (const [i, e] of expiries.entries()) {
      if (e > threshold) expect(await c.checkAndRemember(`k${i}`, at(e), at(0))).toBe(false);
    }
  });

  it('does not store a window that is already over; refuses invalid dates; closes', async () => {
    const c = new MemoryReplayCache({ maxEntries: 2 });
    expect(await c.checkAndRemember('x', at(0), at(1))).toBe(true);
    expect(c.size).toBe(0);
    await expect(c.checkAndRemember('y', new Date(NaN), at(0))).rejects.toThrow(RangeError);
    await c.close();
    await expect(c.checkAndRemember('z', at(10), at(0))).rejects.toThrow(/closed/);
    expect(() => new MemoryReplayCache({ maxEntries: 0 })).toThrow(RangeError);
  });
});
