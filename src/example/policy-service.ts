/**
 * The PolicyAdministration operations as node-soap service methods: request objects are read into
 * typed requests, the business logic runs, and the result is written back in the order of the
 * schema sequences. A `PolicyError` becomes a `PolicyFault` in the endpoint's SOAP version; any
 * other error a generic Receiver fault (nothing internal is leaked).
 */
import type { IServicePort, IServices } from 'soap';
import type { CoverageChange, PolicyAdministration } from './policy-admin.ts';
import { PolicyError } from './policy-admin.ts';
import type { Policy } from './policy-model.ts';
import {
  CANCELLATION_REASONS, CURRENCY, POLICY_STATUSES, PRODUCTS,
  annualPremiumCents, coveragePremiumCents, coverageRule, formatCents,
} from './policy-model.ts';
import type { Args } from './soap-args.ts';
import {
  asArgs, correlationId, list, optionalDate, optionalEnum, optionalInt, optionalMoney, optionalText,
  requiredDate, requiredEnum, requiredText,
} from './soap-args.ts';
import type { SoapVersion } from './soap-faults.ts';
import { NodeSoapFault, policyFaultDetail } from './soap-faults.ts';

export const SERVICE_NAME = 'PolicyAdministration';
export const PORT_NAMES: Readonly<Record<SoapVersion, string>> = {
  '1.1': 'PolicyAdministrationSoap11',
  '1.2': 'PolicyAdministrationSoap12',
};

type Out = Record<string, unknown>;

const money = (cents: number): Out => ({ attributes: { currency: CURRENCY }, $value: formatCents(cents) });
const withCorrelation = (out: Out, args: Args): Out => {
  const id = correlationId(args);
  return id === undefined ? out : { ...out, CorrelationId: id };
};

function policyOut(p: Policy): Out {
  const h = p.holder;
  return {
    PolicyNumber: p.policyNumber,
    Product: p.product,
    Status: p.status,
    Holder: {
      PartyId: h.partyId,
      FullName: h.fullName,
      ...(h.dateOfBirth === undefined ? {} : { DateOfBirth: h.dateOfBirth }),
      ...(h.email === undefined ? {} : { Email: h.email }),
      Address: { Street: h.address.street, PostalCode: h.address.postalCode, City: h.address.city, Country: h.address.country },
    },
    InceptionDate: p.inceptionDate,
    ExpiryDate: p.expiryDate,
    ...(p.cancellation === undefined ? {} : { CancellationDate: p.cancellation.effectiveDate }),
    Coverages: {
      Coverage: p.coverages.map((c) => {
        const rule = coverageRule(p.product, c.code);
        return {
          Code: c.code,
          Description: rule?.description ?? c.code,
          Limit: money(c.limitCents),
          ...(rule?.deductibleCents === undefined ? {} : { Deductible: money(rule.deductibleCents) }),
          AnnualPremium: money(coveragePremiumCents(p.product, c)),
        };
      }),
    },
    AnnualPremium: money(annualPremiumCents(p)),
    Version: p.version,
  };
}

function summaryOut(p: Policy): Out {
  return {
    PolicyNumber: p.policyNumber,
    Product: p.product,
    Status: p.status,
    HolderName: p.holder.fullName,
    InceptionDate: p.inceptionDate,
    ExpiryDate: p.expiryDate,
    AnnualPremium: money(annualPremiumCents(p)),
  };
}

function readChange(c: Args): CoverageChange {
  const limit = optionalMoney(c, 'Limit');
  return {
    action: requiredEnum(c, 'Action', ['Set', 'Remove'] as const),
    code: requiredText(c, 'CoverageCode'),
    ...(limit === undefined ? {} : { limitCents: limit.cents, currency: limit.currency }),
  };
}

function operations(admin: PolicyAdministration): Readonly<Record<string, (args: Args) => Out>> {
  return {
    GetPolicy: (args) => withCorrelation({ Policy: policyOut(admin.getPolicy(requiredText(args, 'PolicyNumber'))) }, args),

    SearchPolicies: (args) => {
      const holderName = optionalText(args, 'HolderName');
      const status = optionalEnum(args, 'Status', POLICY_STATUSES);
      const product = optionalEnum(args, 'Product', PRODUCTS);
      const inceptionFrom = optionalDate(args, 'InceptionFrom');
      const inceptionTo = optionalDate(args, 'InceptionTo');
      const maxResults = optionalInt(args, 'MaxResults', 1, 100);
      const result = admin.searchPolicies({
        ...(holderName === undefined ? {} : { holderName }),
        ...(status === undefined ? {} : { status }),
        ...(product === undefined ? {} : { product }),
        ...(inceptionFrom === undefined ? {} : { inceptionFrom }),
        ...(inceptionTo === undefined ? {} : { inceptionTo }),
        ...(maxResults === undefined ? {} : { maxResults }),
      });
      const found = result.policies.length === 0 ? {} : { PolicySummary: result.policies.map(summaryOut) };
      return withCorrelation({ TotalCount: result.totalCount, ...found }, args);
    },

    EndorsePolicy: (args) => {
      const r = admin.endorsePolicy({
        policyNumber: requiredText(args, 'PolicyNumber'),
        effectiveDate: requiredDate(args, 'EffectiveDate'),
        changes: list(args, 'Change').map(readChange),
      });
      return withCorrelation({
        PolicyNumber: r.policyNumber,
        EndorsementNumber: r.endorsementNumber,
        EffectiveDate: r.effectiveDate,
        PreviousAnnualPremium: money(r.previousPremiumCents),
        NewAnnualPremium: money(r.newPremiumCents),
        PremiumAdjustment: money(r.adjustmentCents),
        Version: r.version,
      }, args);
    },

    CancelPolicy: (args) => {
      const r = admin.cancelPolicy({
        policyNumber: requiredText(args, 'PolicyNumber'),
        reason: requiredEnum(args, 'Reason', CANCELLATION_REASONS),
        effectiveDate: requiredDate(args, 'EffectiveDate'),
      });
      return withCorrelation({
        PolicyNumber: r.policyNumber,
        Status: r.status,
        EffectiveDate: r.effectiveDate,
        Refund: money(r.refundCents),
        Version: r.version,
      }, args);
    },
  };
}

/** Called for errors that are not business faults; the client only sees "Internal error". */
export type InternalErrorListener = (operation: string, error: unknown) => void;

function port(admin: PolicyAdministration, version: SoapVersion, onInternalError: InternalErrorListener): IServicePort {
  const methods: IServicePort = {};
  for (const [name, op] of Object.entries(operations(admin))) {
    methods[name] = (args: unknown) => {
      try {
        return op(asArgs(args, name));
      } catch (error) {
        if (error instanceof PolicyError) {
          const detailXml = policyFaultDetail(error.code, error.message, error.policyNumber);
          throw new NodeSoapFault(version, { kind: 'Sender', reason: error.message, detailXml });
        }
        onInternalError(name, error);
        throw new NodeSoapFault(version, { kind: 'Receiver', reason: 'Internal error.' });
      }
    };
  }
  return methods;
}

/** The `services` object for node-soap: both ports of the PolicyAdministration service. */
export function policyAdministrationServices(admin: PolicyAdministration, onInternalError: InternalErrorListener): IServices {
  return {
    [SERVICE_NAME]: {
      [PORT_NAMES['1.1']]: port(admin, '1.1', onInternalError),
      [PORT_NAMES['1.2']]: port(admin, '1.2', onInternalError),
    },
  };
}
