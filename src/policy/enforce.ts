import type { SecurityRequirements } from '../config/types.ts';
import { GatewayError } from '../errors.ts';
import type { ErrorDetail } from '../errors.ts';
import type { MessageView, Validator, Violation } from './message-view.ts';
import type { OperationPolicy } from './operation-policy.ts';
import { checkAddressing } from './validators/addressing.ts';
import { checkAlgorithmSuite } from './validators/algorithm-suite.ts';
import { checkEncryptedElements, checkSignedElements } from './validators/elements.ts';
import { checkFloors } from './validators/floors.ts';
import { checkLayout } from './validators/layout.ts';
import { checkEncryptedParts, checkSignedParts } from './validators/parts.ts';
import { checkHeaderPresent, checkSignaturePresent, checkTimestampPresent } from './validators/presence.ts';
import { checkProtection } from './validators/protection.ts';
import { checkSupportingTokens } from './validators/supporting.ts';
import { checkRecipientToken, checkSignerToken } from './validators/tokens.ts';
import { checkTransport } from './validators/transport.ts';

/**
 * One validator per assertion family, in the order a rejection is explained: presence first,
 * then what is protected, then by which tokens and algorithms, then how the header is laid out.
 */
const VALIDATORS: readonly Validator[] = [
  checkHeaderPresent,
  checkTransport,
  checkTimestampPresent,
  checkSignaturePresent,
  checkSignedParts,
  checkSignedElements,
  checkEncryptedParts,
  checkEncryptedElements,
  checkSupportingTokens,
  checkSignerToken,
  checkRecipientToken,
  checkAlgorithmSuite,
  checkLayout,
  checkProtection,
  checkAddressing,
];

interface Failure {
  /** How far the alternative got: the index of the validator that failed. */
  readonly step: number;
  readonly violation: Violation;
}

/** The first assertion of one alternative the message does not satisfy, or undefined when it holds. */
export function firstViolation(req: SecurityRequirements, m: MessageView): Failure | undefined {
  for (const [step, validate] of VALIDATORS.entries()) {
    const v = validate(req, m);
    if (v !== undefined) return { step, violation: v };
  }
  return undefined;
}

const MAX_SUMMARY = 480;

function summary(failures: readonly Failure[]): string {
  const text = failures.map((f, i) => `${i + 1}: ${f.violation.detail.assertion}`).join('; ');
  return text.length > MAX_SUMMARY ? `${text.slice(0, MAX_SUMMARY)}…` : text;
}

/**
 * Judges a message against the alternatives of its operation's policy: the gateway floor first,
 * then the alternatives in order; the first that holds is the one the message satisfied (its
 * index is returned). When none holds, the failure of the alternative that got furthest is
 * thrown, its detail naming the assertion, the alternative and what the others failed on.
 */
export function enforceAlternatives(alternatives: readonly SecurityRequirements[], m: MessageView): number {
  const verdict = judgeAlternatives(alternatives, m);
  if (verdict instanceof GatewayError) throw verdict;
  return verdict;
}

/**
 * Like enforceAlternatives, but the policy's verdict is returned instead of thrown (for
 * `policyMode: report-only`). The gateway floor is never a matter of reporting: it always throws.
 */
export function judgeAlternatives(alternatives: readonly SecurityRequirements[], m: MessageView): number | GatewayError {
  const floor = checkFloors(m.facts);
  if (floor !== undefined) throw new GatewayError(floor.code, floor.reason, floor.detail);
  const failures: Failure[] = [];
  for (const [i, alt] of alternatives.entries()) {
    const f = firstViolation(alt, m);
    if (f === undefined) return i;
    failures.push(f);
  }
  let best = 0;
  for (const [i, f] of failures.entries()) if (f.step > (failures[best]?.step ?? -1)) best = i;
  const chosen = failures[best];
  if (chosen === undefined) return new GatewayError('GW_ERR_INTERNAL', 'an operation policy without alternatives');
  const detail: ErrorDetail = {
    ...chosen.violation.detail,
    alternative: best + 1,
    alternatives: alternatives.length,
    ...(alternatives.length > 1 ? { failed: summary(failures) } : {}),
  };
  return new GatewayError(chosen.violation.code, alternatives.length > 1 ? `${chosen.violation.reason} (closest of ${alternatives.length} alternatives: ${best + 1})` : chosen.violation.reason, detail);
}

/** The policy stage of the pipeline: the compiled policy of the dispatched operation, judged on the facts. */
export function enforceOperationPolicy(policy: OperationPolicy | undefined, m: MessageView): number {
  if (policy === undefined) throw new GatewayError('GW_ERR_INTERNAL', 'no compiled policy for the dispatched operation');
  return enforceAlternatives(policy.alternatives, m);
}

/** The verdict without throwing it: the satisfied alternative, or the violation (report-only mode). */
export function judgeOperationPolicy(policy: OperationPolicy | undefined, m: MessageView): number | GatewayError {
  if (policy === undefined) throw new GatewayError('GW_ERR_INTERNAL', 'no compiled policy for the dispatched operation');
  const verdict = judgeAlternatives(policy.alternatives, m);
  if (verdict instanceof GatewayError && verdict.code === 'GW_ERR_INTERNAL') throw verdict;
  return verdict;
}
