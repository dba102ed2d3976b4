import type { ValidationMode } from '../config/types.ts';

export type { ValidationMode };

/** One schema violation, in a form safe to show a client: where (element path as sent) and what. */
export interface Violation {
  /** `/pa:GetPolicy/pa:Context/pa:Channel`: from the Body child down, names as the sender wrote them. */
  readonly path: string;
  /** libxml2's message, whitespace collapsed, cut to a bounded length. */
  readonly message: string;
}

/** The first violations of a validation (in document order) and how many there were in all. */
export interface ValidationResult {
  readonly total: number;
  readonly violations: readonly Violation[];
}

/** What validating one direction of an exchange found (recorded in the trace, so in the log line and audit). */
export interface ValidationFinding extends ValidationResult {
  readonly mode: Exclude<ValidationMode, 'off'>;
  readonly valid: boolean;
}

/** `ExchangeTrace.validation`. */
export interface ValidationTrace {
  readonly request?: ValidationFinding;
  readonly response?: ValidationFinding;
}
