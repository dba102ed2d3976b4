/**
 * The example insurer's starting portfolio: twelve policies across the four product lines, with
 * holders in several euro-area countries (names with apostrophes and accents on purpose: they must
 * survive the gateway byte for byte). Every backend instance starts from a fresh copy.
 */
import type { Address, Coverage, Party, Policy, PolicyStatus, Product } from './policy-model.ts';
import { annualPremiumCents, unearnedCents } from './policy-model.ts';

const address = (street: string, postalCode: string, city: string, country: string): Address => ({ street, postalCode, city, country });

const party = (partyId: string, fullName: string, dateOfBirth: string, email: string, addr: Address): Party => ({
  partyId, fullName, dateOfBirth, email, address: addr,
});

/** Coverages as `CODE:limit in euros`. */
const covers = (...specs: string[]): Coverage[] =>
  specs.map((s) => {
    const [code, limit] = s.split(':') as [string, string];
    return { code, limitCents: Number(limit) * 100 };
  });

const policy = (
  policyNumber: string, product: Product, status: PolicyStatus, holder: Party,
  inceptionDate: string, expiryDate: string, coverages: Coverage[], extra: Partial<Policy> = {},
): Policy => ({ policyNumber, product, status, holder, inceptionDate, expiryDate, coverages, version: 1, ...extra });

const ANNA_KELLER = party('PTY-100231', 'Anna Keller', '1984-02-17', 'anna.keller@mail.example', address('Lindenstraße 12', '10969', 'Berlin', 'DE'));
const JONAS_KELLER = party('PTY-100232', 'Jonas Keller', '1987-11-03', 'j.keller@mail.example', address('Hofweg 4', '22085', 'Hamburg', 'DE'));
const MARCO_ROSSI = party('PTY-100877', 'Marco Rossi', '1979-06-30', 'marco.rossi@mail.example', address('Via Torino 88', '20123', 'Milano', 'IT'));
const SOFIA_LINDQVIST = party('PTY-101402', 'Sofia Lindqvist', '1990-09-09', 'sofia.lindqvist@mail.example', address('Mannerheimintie 21 B 7', '00100', 'Helsinki', 'FI'));
const PIETER_DE_VRIES = party('PTY-101555', 'Pieter de Vries', '1972-04-05', 'pieter.devries@mail.example', address('Oudegracht 140', '3511 AZ', 'Utrecht', 'NL'));
const CLAIRE_DUBOIS = party('PTY-102010', 'Claire Dubois', '1968-12-24', 'claire.dubois@mail.example', address('12 rue de la République', '69002', 'Lyon', 'FR'));
const LIAM_OCONNOR = party('PTY-102311', "Liam O'Connor", '1995-03-17', 'liam.oconnor@mail.example', address('7 Merrion Square', 'D02 X285', 'Dublin', 'IE'));
const ELENA_GARCIA = party('PTY-102764', 'Elena García Márquez', '1988-07-21', 'elena.garcia@mail.example', address('Calle Sierpes 45', '41004', 'Sevilla', 'ES'));
const KATRIN_VOGEL = party('PTY-103020', 'Katrin Vogel', '1993-01-28', 'katrin.vogel@mail.example', address('Praterstraße 9/14', '1020', 'Wien', 'AT'));
const ANA_FERREIRA = party('PTY-103388', 'Ana Ferreira', '1981-10-12', 'ana.ferreira@mail.example', address('Rua de Santa Catarina 300', '4000-443', 'Porto', 'PT'));
const LUC_JANSSENS = party('PTY-103901', 'Luc Janssens', '1976-05-02', 'luc.janssens@mail.example', address('Korenmarkt 3', '9000', 'Gent', 'BE'));

export function seedPortfolio(): Map<string, Policy> {
  const policies: Policy[] = [
    policy('MTR-2026-000118', 'Motor', 'Active', ANNA_KELLER, '2026-03-01', '2027-03-01',
      covers('TPL:10000000', 'COLL:25000', 'THEFT:25000')),
    policy('MTR-2026-000342', 'Motor', 'Active', JONAS_KELLER, '2026-05-15', '2027-05-15',
      covers('TPL:10000000', 'THEFT:18000')),
    policy('MTR-2025-007731', 'Motor', 'Lapsed', MARCO_ROSSI, '2025-09-01', '2026-09-01',
      covers('TPL:5000000')),
    policy('MTR-2026-000519', 'Motor', 'Active', LUC_JANSSENS, '2026-07-01', '2027-07-01',
      covers('TPL:20000000', 'COLL:40000', 'GLASS:2500', 'ROAD:1500')),
    policy('HOM-2026-004471', 'Home', 'Active', SOFIA_LINDQVIST, '2026-02-01', '2027-02-01',
      covers('BLDG:350000', 'CONT:50000', 'LIAB:5000000', 'FLOOD:350000')),
    policy('HOM-2026-000912', 'Home', 'Active', PIETER_DE_VRIES, '2026-01-15', '2027-01-15',
      covers('BLDG:420000', 'CONT:75000', 'LIAB:2500000')),
    policy('HOM-2023-003305', 'Home', 'Expired', CLAIRE_DUBOIS, '2023-06-01', '2024-06-01',
      covers('BLDG:280000', 'CONT:40000')),
    policy('HOM-2026-001207', 'Home', 'Cancelled', LIAM_OCONNOR, '2026-02-01', '2027-02-01',
      covers('BLDG:300000', 'LIAB:2000000'),
      { version: 2, cancellation: { effectiveDate: '2026-04-30', reason: 'RiskSold', refundCents: 0 } }),
    policy('TRV-2026-000031', 'Travel', 'Active', ELENA_GARCIA, '2026-06-01', '2027-06-01',
      covers('MED:1000000', 'CANC:3000', 'BAGG:2000')),
    policy('TRV-2026-000187', 'Travel', 'Active', KATRIN_VOGEL, '2026-04-10', '2027-04-10',
      covers('MED:2000000', 'BAGG:1500')),
    policy('LIF-2019-000054', 'Life', 'Active', PIETER_DE_VRIES, '2019-07-01', '2039-07-01',
      covers('DEATH:250000', 'CI:100000')),
    policy('LIF-2021-000233', 'Life', 'Active', ANA_FERREIRA, '2021-11-01', '2041-11-01',
      covers('DEATH:400000', 'DIS:60000')),
  ];
  return new Map(policies.map((p) => [p.policyNumber, withComputedRefund(p)]));
}

function withComputedRefund(p: Policy): Policy {
  if (p.cancellation === undefined) return p;
  const refundCents = unearnedCents(p, p.cancellation.effectiveDate, annualPremiumCents(p));
  return { ...p, cancellation: { ...p.cancellation, refundCents } };
}
