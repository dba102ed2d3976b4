/**
 * The example insurer's policy-administration logic, free of SOAP: read, search, endorse, cancel
 * over an in-memory portfolio. Business rule violations throw `PolicyError`, which the SOAP layer
 * turns into a `PolicyFault`. Endorse and cancel are idempotent for the same input, so the sample
 * requests can be sent again and again.
 */
import { seedPortfolio } from './portfolio-seed.ts';
import type { CancellationReason, Coverage, Policy, PolicyStatus, Product } from './policy-model.ts';
import { CURRENCY, annualPremiumCents, coverageRule, formatCents, unearnedCents } from './policy-model.ts';

export type PolicyFaultCode =
  | 'POLICY_NOT_FOUND'
  | 'POLICY_NOT_ACTIVE'
  | 'INVALID_EFFECTIVE_DATE'
  | 'INVALID_ENDORSEMENT'
  | 'INVALID_REQUEST';

export class PolicyError extends Error {
  override readonly name = 'PolicyError';
  constructor(
    readonly code: PolicyFaultCode,
    message: string,
    readonly policyNumber?: string,
  ) {
    super(message);
  }
}

export interface SearchCriteria {
  readonly holderName?: string;
  readonly status?: PolicyStatus;
  readonly product?: Product;
  readonly inceptionFrom?: string;
  readonly inceptionTo?: string;
  readonly maxResults?: number;
}

export interface SearchResult {
  /** Matches before `maxResults` was applied. */
  readonly totalCount: number;
  readonly policies: readonly Policy[];
}

export interface CoverageChange {
  readonly action: 'Set' | 'Remove';
  readonly code: string;
  readonly limitCents?: number;
  readonly currency?: string;
}

export interface EndorseRequest {
  readonly policyNumber: string;
  readonly effectiveDate: string;
  readonly changes: readonly CoverageChange[];
}

export interface EndorseResult {
  readonly policyNumber: string;
  readonly endorsementNumber: string;
  readonly effectiveDate: string;
  readonly previousPremiumCents: number;
  readonly newPremiumCents: number;
  readonly adjustmentCents: number;
  readonly version: number;
}

export interface CancelRequest {
  readonly policyNumber: string;
  readonly reason: CancellationReason;
  readonly effectiveDate: string;
}

export interface CancelResult {
  readonly policyNumber: string;
  readonly status: 'Cancelled';
  readonly effectiveDate: string;
  readonly refundCents: number;
  readonly version: number;
}

export const DEFAULT_MAX_RESULTS = 20;
const POLICY_NUMBER = /^[A-Z]{3}-[0-9]{4}-[0-9]{6}$/;

export class PolicyAdministration {
  constructor(private readonly policies: Map<string, Policy> = seedPortfolio()) {}

  getPolicy(policyNumber: string): Policy {
    if (!POLICY_NUMBER.test(policyNumber)) {
      throw new PolicyError('INVALID_REQUEST', 'PolicyNumber must look like MTR-2026-000118.', policyNumber);
    }
    const policy = this.policies.get(policyNumber);
    if (policy === undefined) throw new PolicyError('POLICY_NOT_FOUND', `Policy ${policyNumber} does not exist.`, policyNumber);
    return policy;
  }

  searchPolicies(c: SearchCriteria): SearchResult {
    if (c.inceptionFrom !== undefined && c.inceptionTo !== undefined && c.inceptionFrom > c.inceptionTo) {
      throw new PolicyError('INVALID_REQUEST', 'InceptionFrom is after InceptionTo.');
    }
    const name = c.holderName?.trim().toLowerCase();
    const matches = [...this.policies.values()]
      .filter((p) => name === undefined || name === '' || p.holder.fullName.toLowerCase().includes(name))
      .filter((p) => c.status === undefined || p.status === c.status)
      .filter((p) => c.product === undefined || p.product === c.product)
      .filter((p) => c.inceptionFrom === undefined || p.inceptionDate >= c.inceptionFrom)
      .filter((p) => c.inceptionTo === undefined || p.inceptionDate <= c.inceptionTo)
      .sort((a, b) => a.policyNumber.localeCompare(b.policyNumber));
    return { totalCount: matches.length, policies: matches.slice(0, c.maxResults ?? DEFAULT_MAX_RESULTS) };
  }

  endorsePolicy(r: EndorseRequest): EndorseResult {
    const policy = this.activePolicy(r.policyNumber, 'endorsed');
    this.checkEffectiveDate(policy, r.effectiveDate);
    if (r.changes.length === 0) throw new PolicyError('INVALID_ENDORSEMENT', 'An endorsement needs at least one Change.', policy.policyNumber);
    const seen = new Set<string>();
    let coverages: Coverage[] = [...policy.coverages];
    for (const change of r.changes) {
      if (seen.has(change.code)) {
        throw new PolicyError('INVALID_ENDORSEMENT', `Coverage ${change.code} is changed twice.`, policy.policyNumber);
      }
      seen.add(change.code);
      coverages = applyChange(policy, coverages, change);
    }
    const previous = annualPremiumCents(policy);
    const unchanged = sameCoverages(policy.coverages, coverages);
    const updated: Policy = unchanged ? policy : { ...policy, coverages, version: policy.version + 1 };
    const next = annualPremiumCents(updated);
    this.policies.set(updated.policyNumber, updated);
    return {
      policyNumber: updated.policyNumber,
      endorsementNumber: `END-${updated.policyNumber}-${updated.version}`,
      effectiveDate: r.effectiveDate,
      previousPremiumCents: previous,
      newPremiumCents: next,
      adjustmentCents: unearnedCents(updated, r.effectiveDate, next - previous),
      version: updated.version,
    };
  }

  cancelPolicy(r: CancelRequest): CancelResult {
    const existing = this.getPolicy(r.policyNumber);
    const done = existing.cancellation;
    if (existing.status === 'Cancelled' && done !== undefined && done.effectiveDate === r.effectiveDate && done.reason === r.reason) {
      return cancelResult(existing, done.refundCents);
    }
    const policy = this.activePolicy(r.policyNumber, 'cancelled');
    this.checkEffectiveDate(policy, r.effectiveDate);
    const refundCents = r.reason === 'Fraud' ? 0 : unearnedCents(policy, r.effectiveDate, annualPremiumCents(policy));
    const cancelled: Policy = {
      ...policy,
      status: 'Cancelled',
      version: policy.version + 1,
      cancellation: { effectiveDate: r.effectiveDate, reason: r.reason, refundCents },
    };
    this.policies.set(cancelled.policyNumber, cancelled);
    return cancelResult(cancelled, refundCents);
  }

  private activePolicy(policyNumber: string, what: string): Policy {
    const policy = this.getPolicy(policyNumber);
    if (policy.status !== 'Active') {
      const since = policy.cancellation === undefined ? '' : ` since ${policy.cancellation.effectiveDate}`;
      throw new PolicyError('POLICY_NOT_ACTIVE', `Policy ${policyNumber} is ${policy.status}${since} and cannot be ${what}.`, policyNumber);
    }
    return policy;
  }

  private checkEffectiveDate(policy: Policy, date: string): void {
    if (date < policy.inceptionDate || date >= policy.expiryDate) {
      throw new PolicyError(
        'INVALID_EFFECTIVE_DATE',
        `EffectiveDate ${date} is outside the policy term ${policy.inceptionDate} to ${policy.expiryDate}.`,
        policy.policyNumber,
      );
    }
  }
}

function applyChange(policy: Policy, coverages: Coverage[], change: CoverageChange): Coverage[] {
  const fail = (message: string): never => {
    throw new PolicyError('INVALID_ENDORSEMENT', message, policy.policyNumber);
  };
  const rule = coverageRule(policy.product, change.code) ?? fail(`Coverage ${change.code} is not offered for ${policy.product} policies.`);
  if (change.action === 'Remove') {
    if (rule.mandatory) fail(`Coverage ${change.code} is mandatory for ${policy.product} policies and cannot be removed.`);
    return coverages.filter((c) => c.code !== change.code);
  }
  const limit = change.limitCents ?? fail(`Set ${change.code} needs a Limit.`);
  if (change.currency !== undefined && change.currency !== CURRENCY) fail(`Limits are in ${CURRENCY}, not ${change.currency}.`);
  if (limit < rule.minLimitCents || limit > rule.maxLimitCents) {
    fail(`The limit of ${change.code} must be between ${formatCents(rule.minLimitCents)} and ${formatCents(rule.maxLimitCents)} ${CURRENCY}.`);
  }
  const rest = coverages.filter((c) => c.code !== change.code);
  const index = coverages.findIndex((c) => c.code === change.code);
  const updated = { code: change.code, limitCents: limit };
  return index < 0 ? [...coverages, updated] : [...rest.slice(0, index), updated, ...rest.slice(index)];
}

function sameCoverages(a: readonly Coverage[], b: readonly Coverage[]): boolean {
  return a.length === b.length && a.every((c, i) => c.code === b[i]?.code && c.limitCents === b[i]?.limitCents);
}

function cancelResult(p: Policy, refundCents: number): CancelResult {
  return { policyNumber: p.policyNumber, status: 'Cancelled', effectiveDate: p.cancellation?.effectiveDate ?? '', refundCents, version: p.version };
}
