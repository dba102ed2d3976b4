import { describe, expect, it } from 'vitest';
import {
  CATALOGUE, addYears, annualPremiumCents, coveragePremiumCents, daysBetween, formatCents, isIsoDate, parseCents, policyYear, unearnedCents,
} from '../../../src/example/policy-model.ts';

describe('money', () => {
  it.each([
    [0, '0.00'], [5, '0.05'], [12345, '123.45'], [-5, '-0.05'], [-11342, '-113.42'], [1_000_000_000, '10000000.00'],
  ])('formatCents(%i) = %s', (cents, text) => {
    expect(formatCents(cents)).toBe(text);
    expect(parseCents(text)).toBe(cents);
  });

  it.each(['2000', '2000.5', ' 2000.50 '])('parses %j', (text) => {
    expect(parseCents(text)).toBe(text.includes('.5') ? 200050 : 200000);
  });

  it.each(['', '1.234', '1e3', 'abc', '1,00', '.5'])('rejects %j', (text) => {
    expect(parseCents(text)).toBeUndefined();
  });
});

describe('dates', () => {
  it('validates calendar dates', () => {
    expect(isIsoDate('2026-02-28')).toBe(true);
    expect(isIsoDate('2026-02-29')).toBe(false);
    expect(isIsoDate('2028-02-29')).toBe(true);
    expect(isIsoDate('2026-13-01')).toBe(false);
    expect(isIsoDate('2026-1-01')).toBe(false);
  });

  it('counts days and adds years (29 February → 28 February)', () => {
    expect(daysBetween('2026-03-01', '2027-03-01')).toBe(365);
    expect(daysBetween('2027-03-01', '2028-03-01')).toBe(366);
    expect(addYears('2028-02-29', 1)).toBe('2029-02-28');
    expect(addYears('2019-07-01', 7)).toBe('2026-07-01');
  });

  it('finds the policy year around a date, capped at expiry', () => {
    const term = { inceptionDate: '2019-07-01', expiryDate: '2039-07-01' };
    expect(policyYear(term, '2026-09-30')).toEqual({ start: '2026-07-01', end: '2027-07-01' });
    expect(policyYear(term, '2026-07-01')).toEqual({ start: '2026-07-01', end: '2027-07-01' });
    expect(policyYear(term, '2039-06-30')).toEqual({ start: '2038-07-01', end: '2039-07-01' });
    expect(policyYear({ inceptionDate: '2026-01-01', expiryDate: '2026-07-01' }, '2026-03-01')).toEqual({ start: '2026-01-01', end: '2026-07-01' });
  });

  it('computes the unearned share of a premium', () => {
    const term = { inceptionDate: '2026-03-01', expiryDate: '2027-03-01' };
    expect(unearnedCents(term, '2026-03-01', 36500)).toBe(36500);
    expect(unearnedCents(term, '2026-09-01', 36500)).toBe(18100);
    expect(unearnedCents(term, '2027-02-28', 36500)).toBe(100);
  });
});

describe('catalogue and premiums', () => {
  it('has one mandatory coverage per product and unique codes per product', () => {
    for (const product of ['Motor', 'Home', 'Travel', 'Life'] as const) {
      const rules = CATALOGUE.filter((r) => r.product === product);
      expect(rules.filter((r) => r.mandatory)).toHaveLength(1);
      expect(new Set(rules.map((r) => r.code)).size).toBe(rules.length);
      for (const r of rules) expect(r.minLimitCents).toBeLessThan(r.maxLimitCents);
    }
  });

  it('prices a coverage as base + limit × rate', () => {
    expect(coveragePremiumCents('Motor', { code: 'COLL', limitCents: 2_500_000 })).toBe(39_000);
    expect(coveragePremiumCents('Home', { code: 'BLDG', limitCents: 35_000_000 })).toBe(37_500);
    expect(annualPremiumCents({ product: 'Motor', coverages: [{ code: 'TPL', limitCents: 1_000_000_000 }, { code: 'COLL', limitCents: 2_500_000 }] })).toBe(74_000);
    expect(() => coveragePremiumCents('Life', { code: 'COLL', limitCents: 1 })).toThrow();
  });
});
