import { describe, expect, it } from 'vitest';
import { parseWsDateTime } from '../../../../src/security/processors/datetime.ts';

describe('parseWsDateTime (BSP R3217/R3223 UTC, R3213/R3215 seconds < 60)', () => {
  it.each([
    ['2026-11-28T23:59:12Z', '2026-11-28T23:59:12.000Z'],
    ['2026-11-28T23:59:12.367Z', '2026-11-28T23:59:12.367Z'],
    ['2026-11-28T23:59:12.1Z', '2026-11-28T23:59:12.100Z'],
    ['2026-11-28T23:59:12.123456789Z', '2026-11-28T23:59:12.123Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
    ['2000-02-29T12:00:00Z', '2000-02-29T12:00:00.000Z'],
    ['\n  2026-01-01T00:00:00Z \t', '2026-01-01T00:00:00.000Z'],
    ['0050-01-01T00:00:00Z', '0050-01-01T00:00:00.000Z'],
  ])('accepts %j', (text, iso) => {
    expect(parseWsDateTime(text)?.toISOString()).toBe(iso);
  });

  it.each([
    ['R3217 non-UTC offset', '2026-11-28T23:59:12+01:00'],
    ['R3217 +00:00 instead of Z', '2026-11-28T23:59:12+00:00'],
    ['R3217 no zone (local time)', '2026-11-28T23:59:12'],
    ['lower-case z', '2026-11-28T23:59:12z'],
    ['Feb 30', '2026-02-30T00:00:00Z'],
    ['Feb 29 in a non-leap year', '2026-02-29T00:00:00Z'],
    ['Feb 29 in 1900 (century, not leap)', '1900-02-29T00:00:00Z'],
    ['April 31', '2026-04-31T00:00:00Z'],
    ['month 13', '2026-13-01T00:00:00Z'],
    ['month 0', '2026-00-01T00:00:00Z'],
    ['day 0', '2026-01-00T00:00:00Z'],
    ['24:00:00', '2026-01-01T24:00:00Z'],
    ['minute 60', '2026-01-01T00:60:00Z'],
    ['R3213 leap second 60', '2016-12-31T23:59:60Z'],
    ['fraction > 9 digits', '2026-01-01T00:00:00.1234567890Z'],
    ['empty fraction', '2026-01-01T00:00:00.Z'],
    ['year 0000', '0000-01-01T00:00:00Z'],
    ['5-digit year', '12026-01-01T00:00:00Z'],
    ['negative year', '-2026-01-01T00:00:00Z'],
    ['date only', '2026-01-01'],
    ['space instead of T', '2026-01-01 00:00:00Z'],
    ['trailing junk', '2026-01-01T00:00:00Zx'],
    ['leading junk', 'x2026-01-01T00:00:00Z'],
    ['inner whitespace', '2026-01-01T00:00: 00Z'],
    ['non-XML whitespace (NBSP) around', '\u00a02026-01-01T00:00:00Z'],
    ['Unicode digits', '２０２６-01-01T00:00:00Z'],
    ['empty', ''],
  ])('refuses %s', (_name, text) => {
    expect(parseWsDateTime(text)).toBeUndefined();
  });
});
