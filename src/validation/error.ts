import { GatewayError, type ErrorDetail } from '../errors.ts';
import type { Violation } from './types.ts';

/** GW_ERR_SCHEMA_INVALID with the violations the client fault may list (bounded, no file paths). */
export class SchemaInvalidError extends GatewayError {
  readonly violations: readonly Violation[];

  constructor(reason: string, detail: ErrorDetail, violations: readonly Violation[]) {
    super('GW_ERR_SCHEMA_INVALID', reason, detail);
    this.violations = violations;
  }
}
