/**
 * The example insurer's domain: policies, parties, coverages, the product catalogue and the premium
 * rule. Money is held in integer cents and dates as `YYYY-MM-DD` strings, so every calculation is
 * exact and independent of the wall clock.
 */

export type Product = 'Motor' | 'Home' | 'Travel' | 'Life';
export type PolicyStatus = 'Active' | 'Lapsed' | 'Cancelled' | 'Expired';
export type CancellationReason = 'CustomerRequest' | 'NonPayment' | 'RiskSold' | 'Duplicate' | 'Fraud';

export const PRODUCTS: readonly Product[] = ['Motor', 'Home', 'Travel', 'Life'];
export const POLICY_STATUSES: readonly PolicyStatus[] = ['Active', 'Lapsed', 'Cancelled', 'Expired'];
export const CANCELLATION_REASONS: readonly CancellationReason[] = ['CustomerRequest', 'NonPayment', 'RiskSold', 'Duplicate', 'Fraud'];

/** The only currency the example insurer writes business in. */
export const CURRENCY = 'EUR';

export interface Address {
  readonly street: string;
  readonly postalCode: string;
  readonly city: string;
  readonly country: string;
}

export interface Party {
  readonly partyId: string;
  readonly fullName: string;
  readonly dateOfBirth?: string;
  readonly email?: string;
  readonly address: Address;
}

export interface Coverage {
  readonly code: string;
  readonly limitCents: number;
}

export interface Cancellation {
  readonly effectiveDate: string;
  readonly reason: CancellationReason;
  readonly refundCents: number;
}

export interface Policy {
  readonly policyNumber: string;
  readonly product: Product;
  readonly status: PolicyStatus;
  readonly holder: Party;
  readonly inceptionDate: string;
  readonly expiryDate: string;
  readonly coverages: readonly Coverage[];
  readonly version: number;
  readonly cancellation?: Cancellation;
}

/** What the catalogue says about one coverage: premium = base + limit × ratePpm / 1 000 000. */
export interface CoverageRule {
  readonly code: string;
  readonly product: Product;
  readonly description: string;
  readonly mandatory: boolean;
  readonly baseCents: number;
  readonly ratePpm: number;
  readonly minLimitCents: number;
  readonly maxLimitCents: number;
  readonly deductibleCents?: number;
}

const eur = (units: number): number => units * 100;

const rule = (
  product: Product, code: string, description: string, mandatory: boolean,
  base: number, ratePpm: number, minLimit: number, maxLimit: number, deductible?: number,
): CoverageRule => ({
  code, product, description, mandatory, ratePpm,
  baseCents: eur(base), minLimitCents: eur(minLimit), maxLimitCents: eur(maxLimit),
  ...(deductible === undefined ? {} : { deductibleCents: eur(deductible) }),
});

export const CATALOGUE: readonly CoverageRule[] = [
  rule('Motor', 'TPL', 'Third-party liability', true, 150, 20, 1_000_000, 100_000_000),
  rule('Motor', 'COLL', 'Collision damage', false, 90, 12_000, 5_000, 150_000, 500),
  rule('Motor', 'THEFT', 'Fire and theft', false, 25, 4_000, 5_000, 150_000, 250),
  rule('Motor', 'GLASS', 'Glass breakage', false, 15, 20_000, 500, 5_000, 100),
  rule('Motor', 'ROAD', 'Roadside assistance', false, 35, 0, 500, 3_000),
  rule('Home', 'BLDG', 'Buildings', true, 60, 900, 50_000, 2_000_000, 500),
  rule('Home', 'CONT', 'Contents', false, 30, 2_500, 5_000, 500_000, 250),
  rule('Home', 'LIAB', 'Personal liability', false, 45, 10, 500_000, 10_000_000),
  rule('Home', 'FLOOD', 'Flood and storm surge', false, 40, 600, 50_000, 2_000_000, 1_000),
  rule('Travel', 'MED', 'Emergency medical expenses', true, 35, 100, 100_000, 5_000_000),
  rule('Travel', 'CANC', 'Trip cancellation', false, 10, 45_000, 500, 20_000, 50),
  rule('Travel', 'BAGG', 'Baggage', false, 5, 30_000, 500, 5_000, 50),
  rule('Life', 'DEATH', 'Death benefit', true, 20, 1_800, 10_000, 2_000_000),
  rule('Life', 'CI', 'Critical illness', false, 15, 3_200, 10_000, 500_000),
  rule('Life', 'DIS', 'Disability income', false, 25, 2_000, 10_000, 200_000),
];

export function coverageRule(product: Product, code: string): CoverageRule | undefined {
  return CATALOGUE.find((r) => r.product === product && r.code === code);
}

export function coveragePremiumCents(product: Product, coverage: Coverage): number {
  const r = coverageRule(product, coverage.code);
  if (r === undefined) throw new Error(`no catalogue rule for ${product}/${coverage.code}`);
  return r.baseCents + Math.round((coverage.limitCents * r.ratePpm) / 1_000_000);
}

export function annualPremiumCents(policy: Pick<Policy, 'product' | 'coverages'>): number {
  return policy.coverages.reduce((sum, c) => sum + coveragePremiumCents(policy.product, c), 0);
}

/** 12345 → "123.45"; -5 → "-0.05". */
export function formatCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** "123.4" → 12340; undefined when not a decimal with at most two fraction digits. */
export function parseCents(text: string): number | undefined {
  const m = /^\s*(-?)(\d{1,13})(?:\.(\d{1,2}))?\s*$/.exec(text);
  if (m === null) return undefined;
  const cents = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0'));
  return m[1] === '-' ? -cents : cents;
}

// ----- dates --------------------------------------------------------------------------------------

const DAY_MS = 86_400_000;

export function isIsoDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (m === null) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === text;
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** `date` plus whole years; 29 February becomes 28 February in common years. */
export function addYears(date: string, years: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const target = new Date(Date.UTC(y + years, m - 1, d));
  if (target.getUTCMonth() !== m - 1) target.setUTCDate(0);
  return target.toISOString().slice(0, 10);
}

/** The policy year (anniversary to anniversary, capped at expiry) that contains `date`. */
export function policyYear(policy: Pick<Policy, 'inceptionDate' | 'expiryDate'>, date: string): { start: string; end: string } {
  let start = policy.inceptionDate;
  for (let n = 1; ; n++) {
    const next = addYears(policy.inceptionDate, n);
    if (next > date || next >= policy.expiryDate) {
      return { start, end: next < policy.expiryDate ? next : policy.expiryDate };
    }
    start = next;
  }
}

/** Share of `annualCents` that belongs to the rest of the policy year from `date`, rounded to cents. */
export function unearnedCents(policy: Pick<Policy, 'inceptionDate' | 'expiryDate'>, date: string, annualCents: number): number {
  const year = policyYear(policy, date);
  const total = daysBetween(year.start, year.end);
  const remaining = daysBetween(date, year.end);
  return total <= 0 ? 0 : Math.round((annualCents * remaining) / total);
}
