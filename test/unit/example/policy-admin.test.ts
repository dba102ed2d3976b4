import { describe, expect, it } from 'vitest';
import { PolicyAdministration, PolicyError } from '../../../src/example/policy-admin.ts';
import type { PolicyFaultCode } from '../../../src/example/policy-admin.ts';
import { annualPremiumCents } from '../../../src/example/policy-model.ts';
import { seedPortfolio } from '../../../src/example/portfolio-seed.ts';

function faultCode(fn: () => unknown): PolicyFaultCode | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof PolicyError) return err.code;
    throw err;
  }
  return undefined;
}

describe('seed portfolio', () => {
  it('holds a dozen consistent policies', () => {
    const policies = [...seedPortfolio().values()];
    expect(policies).toHaveLength(12);
    for (const p of policies) {
      expect(p.policyNumber).toMatch(/^[A-Z]{3}-[0-9]{4}-[0-9]{6}$/);
      expect(p.inceptionDate < p.expiryDate).toBe(true);
      expect(annualPremiumCents(p)).toBeGreaterThan(0);
      expect(p.status === 'Cancelled').toBe(p.cancellation !== undefined);
    }
    expect(new Set(policies.map((p) => p.status))).toEqual(new Set(['Active', 'Lapsed', 'Cancelled', 'Expired']));
  });

  it('is a fresh copy each time', () => {
    const a = new PolicyAdministration();
    a.cancelPolicy({ policyNumber: 'TRV-2026-000031', reason: 'CustomerRequest', effectiveDate: '2026-09-30' });
    expect(new PolicyAdministration().getPolicy('TRV-2026-000031').status).toBe('Active');
  });
});

describe('GetPolicy', () => {
  const admin = new PolicyAdministration();
  it('finds a policy by number', () => {
    expect(admin.getPolicy('MTR-2026-000118').holder.fullName).toBe('Anna Keller');
  });
  it('faults on unknown and malformed numbers', () => {
    expect(faultCode(() => admin.getPolicy('MTR-2020-999999'))).toBe('POLICY_NOT_FOUND');
    expect(faultCode(() => admin.getPolicy('mtr-1'))).toBe('INVALID_REQUEST');
  });
});

describe('SearchPolicies', () => {
  const admin = new PolicyAdministration();
  const numbers = (r: ReturnType<PolicyAdministration['searchPolicies']>) => r.policies.map((p) => p.policyNumber);

  it('matches holder names case-insensitively anywhere in the name', () => {
    expect(numbers(admin.searchPolicies({ holderName: 'DE VRIES' }))).toEqual(['HOM-2026-000912', 'LIF-2019-000054']);
    expect(numbers(admin.searchPolicies({ holderName: 'garcía' }))).toEqual(['TRV-2026-000031']);
  });
  it('combines status, product and inception range', () => {
    expect(numbers(admin.searchPolicies({ product: 'Home', inceptionFrom: '2026-01-01', inceptionTo: '2026-12-31', status: 'Active' })))
      .toEqual(['HOM-2026-000912', 'HOM-2026-004471']);
    expect(admin.searchPolicies({ status: 'Expired' }).totalCount).toBe(1);
  });
  it('reports the total before MaxResults', () => {
    const r = admin.searchPolicies({ maxResults: 3 });
    expect(r.totalCount).toBe(12);
    expect(r.policies).toHaveLength(3);
  });
  it('faults on a reversed date range', () => {
    expect(faultCode(() => admin.searchPolicies({ inceptionFrom: '2026-12-31', inceptionTo: '2026-01-01' }))).toBe('INVALID_REQUEST');
  });
});

describe('EndorsePolicy', () => {
  it('changes coverages, reprices and charges the rest of the policy year', () => {
    const admin = new PolicyAdministration();
    const r = admin.endorsePolicy({
      policyNumber: 'MTR-2026-000118',
      effectiveDate: '2026-09-01',
      changes: [{ action: 'Set', code: 'COLL', limitCents: 3_000_000 }, { action: 'Set', code: 'GLASS', limitCents: 200_000, currency: 'EUR' }],
    });
    expect(r).toEqual({
      policyNumber: 'MTR-2026-000118', endorsementNumber: 'END-MTR-2026-000118-2', effectiveDate: '2026-09-01',
      previousPremiumCents: 86_500, newPremiumCents: 98_000, adjustmentCents: 5_703, version: 2,
    });
    expect(admin.getPolicy('MTR-2026-000118').coverages.map((c) => c.code)).toEqual(['TPL', 'COLL', 'THEFT', 'GLASS']);
  });

  it('is idempotent: the same endorsement again changes nothing', () => {
    const admin = new PolicyAdministration();
    const req = { policyNumber: 'HOM-2026-004471', effectiveDate: '2026-08-01', changes: [{ action: 'Remove', code: 'FLOOD' }] } as const;
    const first = admin.endorsePolicy(req);
    const second = admin.endorsePolicy(req);
    expect(second.version).toBe(first.version);
    expect(second.newPremiumCents).toBe(first.newPremiumCents);
    expect(second.adjustmentCents).toBe(0);
  });

  it.each([
    ['an unknown coverage', [{ action: 'Set', code: 'DEATH', limitCents: 1_000_000 }]],
    ['removing the mandatory coverage', [{ action: 'Remove', code: 'TPL' }]],
    ['Set without a limit', [{ action: 'Set', code: 'GLASS' }]],
    ['a limit above the maximum', [{ action: 'Set', code: 'GLASS', limitCents: 600_000 }]],
    ['a limit in another currency', [{ action: 'Set', code: 'GLASS', limitCents: 200_000, currency: 'USD' }]],
    ['the same coverage twice', [{ action: 'Remove', code: 'COLL' }, { action: 'Remove', code: 'COLL' }]],
    ['no change at all', []],
  ] as const)('faults with INVALID_ENDORSEMENT on %s', (_what, changes) => {
    const admin = new PolicyAdministration();
    expect(faultCode(() => admin.endorsePolicy({ policyNumber: 'MTR-2026-000118', effectiveDate: '2026-09-01', changes }))).toBe('INVALID_ENDORSEMENT');
    expect(admin.getPolicy('MTR-2026-000118').version).toBe(1);
  });

  it('faults on policies that are not active and on dates outside the term', () => {
    const admin = new PolicyAdministration();
    const change = [{ action: 'Remove', code: 'CONT' }] as const;
    expect(faultCode(() => admin.endorsePolicy({ policyNumber: 'HOM-2023-003305', effectiveDate: '2023-09-01', changes: change }))).toBe('POLICY_NOT_ACTIVE');
    expect(faultCode(() => admin.endorsePolicy({ policyNumber: 'MTR-2025-007731', effectiveDate: '2025-10-01', changes: change }))).toBe('POLICY_NOT_ACTIVE');
    expect(faultCode(() => admin.endorsePolicy({ policyNumber: 'HOM-2026-000912', effectiveDate: '2027-01-15', changes: change }))).toBe('INVALID_EFFECTIVE_DATE');
    expect(faultCode(() => admin.endorsePolicy({ policyNumber: 'XXX-2026-000001', effectiveDate: '2026-09-01', changes: change }))).toBe('POLICY_NOT_FOUND');
  });
});

describe('CancelPolicy', () => {
  it('cancels with a pro-rata refund, none for fraud', () => {
    const admin = new PolicyAdministration();
    const r = admin.cancelPolicy({ policyNumber: 'TRV-2026-000031', reason: 'CustomerRequest', effectiveDate: '2026-09-30' });
    expect(r).toEqual({ policyNumber: 'TRV-2026-000031', status: 'Cancelled', effectiveDate: '2026-09-30', refundCents: 23_063, version: 2 });
    expect(admin.getPolicy('TRV-2026-000031').status).toBe('Cancelled');
    expect(admin.cancelPolicy({ policyNumber: 'LIF-2021-000233', reason: 'Fraud', effectiveDate: '2026-01-10' }).refundCents).toBe(0);
  });

  it('refunds within the current policy year of a multi-year policy', () => {
    const admin = new PolicyAdministration();
    const annual = annualPremiumCents(admin.getPolicy('LIF-2019-000054'));
    expect(admin.cancelPolicy({ policyNumber: 'LIF-2019-000054', reason: 'CustomerRequest', effectiveDate: '2026-07-01' }).refundCents).toBe(annual);
  });

  it('repeating the same cancellation returns the same result; a different one faults', () => {
    const admin = new PolicyAdministration();
    const req = { policyNumber: 'MTR-2026-000519', reason: 'RiskSold', effectiveDate: '2026-10-15' } as const;
    expect(admin.cancelPolicy(req)).toEqual(admin.cancelPolicy(req));
    expect(faultCode(() => admin.cancelPolicy({ ...req, effectiveDate: '2026-11-01' }))).toBe('POLICY_NOT_ACTIVE');
    expect(faultCode(() => admin.cancelPolicy({ ...req, policyNumber: 'HOM-2026-001207' }))).toBe('POLICY_NOT_ACTIVE');
    expect(admin.cancelPolicy({ policyNumber: 'HOM-2026-001207', reason: 'RiskSold', effectiveDate: '2026-04-30' }).refundCents).toBeGreaterThan(0);
  });

  it('faults on dates outside the term', () => {
    const admin = new PolicyAdministration();
    expect(faultCode(() => admin.cancelPolicy({ policyNumber: 'TRV-2026-000187', reason: 'Duplicate', effectiveDate: '2026-04-09' }))).toBe('INVALID_EFFECTIVE_DATE');
  });
});
