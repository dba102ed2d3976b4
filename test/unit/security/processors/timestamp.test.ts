import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../../../src/clock.ts';
import { processTimestamp, timestampReplayHorizon, timestampSettings } from '../../../../src/security/processors/timestamp.ts';
import type { TimestampSettings } from '../../../../src/security/processors/timestamp.ts';
import { codeOf, interopClock, interopElement, parse, WSU } from './helpers.ts';

const NOW = '2026-11-28T12:00:00.000Z';
const defaults = timestampSettings();
const interop = timestampSettings({ futureSkewSeconds: 300, ttlSeconds: 900 });

function ts(inner: string, attrs = ''): string {
  return `<wsu:Timestamp xmlns:wsu="${WSU}"${attrs}>${inner}</wsu:Timestamp>`;
}
const c = (t: string, a = ''): string => `<wsu:Created${a}>${t}</wsu:Created>`;
const e = (t: string, a = ''): string => `<wsu:Expires${a}>${t}</wsu:Expires>`;

function run(xml: string, opts: { now?: string; settings?: TimestampSettings; seen?: boolean } = {}) {
  return processTimestamp(parse(xml), { clock: fixedClock(opts.now ?? NOW), settings: opts.settings ?? defaults, seen: opts.seen ?? false });
}
const code = (xml: string, opts?: Parameters<typeof run>[1]) => codeOf(() => run(xml, opts));

const OK = ts(c('2026-11-28T12:00:00Z') + e('2026-11-28T12:05:00Z'));

describe('processTimestamp: shape (GW_ERR_SEC_TIMESTAMP_INVALID)', () => {
  it('accepts Created + Expires and returns both instants', () => {
    const r = run(OK);
    expect(r.kind).toBe('timestamp');
    expect(r.created.toISOString()).toBe('2026-11-28T12:00:00.000Z');
    expect(r.expires?.toISOString()).toBe('2026-11-28T12:05:00.000Z');
  });
  it('accepts pretty-printed whitespace between children', async () => {
    expect(await code(ts(`\n  ${c('2026-11-28T12:00:00Z')}\n  ${e('2026-11-28T12:05:00Z')}\n`))).toBe('none');
  });
  it.each([
    ['BSP R3227 second Timestamp in the header', OK, true],
  ])('%s', async (_n, xml, seen) => {
    expect(await code(xml, { seen })).toBe('GW_ERR_SEC_TIMESTAMP_INVALID');
  });
  it.each([
    ['BSP R3203 missing Created', ts(e('2026-11-28T12:05:00Z'))],
    ['BSP R3203 two Created', ts(c('2026-11-28T12:00:00Z') + c('2026-11-28T12:00:00Z') + e('2026-11-28T12:05:00Z'))],
    ['BSP R3224 two Expires', ts(c('2026-11-28T12:00:00Z') + e('2026-11-28T12:05:00Z') + e('2026-11-28T12:05:00Z'))],
    ['BSP R3221 Expires before Created (order)', ts(e('2026-11-28T12:05:00Z') + c('2026-11-28T12:00:00Z'))],
    ['BSP R3222 foreign element child', ts(c('2026-11-28T12:00:00Z') + e('2026-11-28T12:05:00Z') + '<x:Extra xmlns:x="urn:x"/>')],
    ['BSP R3222 Created in the wrong namespace', ts(`<wsse:Created xmlns:wsse="urn:other">2026-11-28T12:00:00Z</wsse:Created>` + e('2026-11-28T12:05:00Z'))],
    ['text content in Timestamp', ts(c('2026-11-28T12:00:00Z') + 'junk' + e('2026-11-28T12:05:00Z'))],
    ['Expires missing when required', ts(c('2026-11-28T12:00:00Z'))],
    ['Expires before Created (values)', ts(c('2026-11-28T12:00:00Z') + e('2026-11-28T11:59:59Z'))],
    ['BSP R3225 ValueType on Created', ts(c('2026-11-28T12:00:00Z', ' ValueType="urn:x"') + e('2026-11-28T12:05:00Z'))],
    ['BSP R3226 ValueType on Expires', ts(c('2026-11-28T12:00:00Z') + e('2026-11-28T12:05:00Z', ' ValueType="urn:x"'))],
    ['BSP R3217 non-UTC offset on Created', ts(c('2026-11-28T13:00:00+01:00') + e('2026-11-28T12:05:00Z'))],
    ['BSP R3223 non-UTC offset on Expires', ts(c('2026-11-28T12:00:00Z') + e('2026-11-28T13:05:00+01:00'))],
    ['Feb 30', ts(c('2026-02-30T12:00:00Z') + e('2026-11-28T12:05:00Z'))],
    ['24:00:00', ts(c('2026-11-28T24:00:00Z') + e('2026-11-29T00:05:00Z'))],
    ['BSP R3213 leap second', ts(c('2026-11-28T11:59:60Z') + e('2026-11-28T12:05:00Z'))],
    ['fraction > 9 digits', ts(c('2026-11-28T12:00:00.1234567890Z') + e('2026-11-28T12:05:00Z'))],
    ['element inside Created', ts('<wsu:Created><b/>2026-11-28T12:00:00Z</wsu:Created>' + e('2026-11-28T12:05:00Z'))],
  ])('refuses: %s', async (_n, xml) => {
    expect(await code(xml)).toBe('GW_ERR_SEC_TIMESTAMP_INVALID');
  });
  it('accepts a missing Expires when the service does not require it', async () => {
    expect(await code(ts(c('2026-11-28T12:00:00Z')), { settings: timestampSettings({ requireExpires: false }) })).toBe('none');
  });
});

describe('processTimestamp: freshness (defaults: skew 60 s, ttl 300 s)', () => {
  it.each([
    ['Created beyond future skew → FUTURE', '2026-11-28T12:01:00.001Z', '2026-11-28T12:06:00Z', 'GW_ERR_SEC_TIMESTAMP_FUTURE'],
    ['Created exactly at now + skew → accepted', '2026-11-28T12:01:00Z', '2026-11-28T12:06:00Z', 'none'],
    ['Expires long past → EXPIRED', '2026-11-28T11:00:00Z', '2026-11-28T11:05:00Z', 'GW_ERR_SEC_TIMESTAMP_EXPIRED'],
    ['Expires == now − skew → EXPIRED (boundary)', '2026-11-28T11:58:00Z', '2026-11-28T11:59:00Z', 'GW_ERR_SEC_TIMESTAMP_EXPIRED'],
    ['Expires 1 ms after now − skew → accepted', '2026-11-28T11:58:00Z', '2026-11-28T11:59:00.001Z', 'none'],
    ['Created older than ttl + skew (long Expires) → EXPIRED', '2026-11-28T11:53:59.999Z', '2026-11-29T00:00:00Z', 'GW_ERR_SEC_TIMESTAMP_EXPIRED'],
    ['Created exactly ttl + skew old → accepted', '2026-11-28T11:54:00Z', '2026-11-29T00:00:00Z', 'none'],
  ])('%s', async (_n, created, expires, want) => {
    expect(await code(ts(c(created) + e(expires)))).toBe(want);
  });
});

describe('processTimestamp: interop corpus (POLICY.md R-TIMESTAMP, skew 300 s, ttl 900 s)', () => {
  it('A13: Timestamp arriving 240 s after Created is accepted', () => {
    const el = interopElement('A13', WSU, 'Timestamp');
    const r = processTimestamp(el, { clock: fixedClock(interopClock('A13')), settings: interop, seen: false });
    expect(r.created.toISOString()).toBe('2026-11-28T23:55:12.371Z');
  });
  it.each([
    ['R07', 'GW_ERR_SEC_TIMESTAMP_EXPIRED'],
    ['R08', 'GW_ERR_SEC_TIMESTAMP_FUTURE'],
  ])('%s is rejected with %s', async (id, want) => {
    const el = interopElement(id, WSU, 'Timestamp');
    expect(await codeOf(() => processTimestamp(el, { clock: fixedClock(interopClock(id)), settings: interop, seen: false }))).toBe(want);
  });
  it('Created more than 900 s + 300 s old is rejected even with a far Expires', async () => {
    const xml = ts(c('2026-11-28T11:39:59.999Z') + e('2026-11-28T13:00:00Z'));
    expect(await code(xml, { settings: interop })).toBe('GW_ERR_SEC_TIMESTAMP_EXPIRED');
  });
});

describe('timestampReplayHorizon', () => {
  it('is the earlier of Expires + skew and Created + ttl + skew', () => {
    const r = run(OK);
    expect(timestampReplayHorizon(r, defaults).toISOString()).toBe('2026-11-28T12:06:00.000Z');
    const long = run(ts(c('2026-11-28T12:00:00Z') + e('2026-11-29T00:00:00Z')));
    expect(timestampReplayHorizon(long, defaults).toISOString()).toBe('2026-11-28T12:06:00.000Z');
  });
  it('settings: expiresSkew follows futureSkew; negative values are refused', () => {
    expect(timestampSettings({ futureSkewSeconds: 300 }).expiresSkewSeconds).toBe(300);
    expect(() => timestampSettings({ ttlSeconds: -1 })).toThrow(RangeError);
  });
});
