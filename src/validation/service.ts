import type { ConfigProblem } from '../config/problems.ts';
import type { ServiceConfig, ValidationMode } from '../config/types.ts';
import type { QName, WsdlModel, WsdlOperation } from '../wsdl/types.ts';
import { compileSchemas } from './compile.ts';
import type { SchemaValidator } from './validator.ts';

export interface OperationValidation {
  readonly request: ValidationMode;
  readonly response: ValidationMode;
}

/** A service's schema validation, compiled at start-up. Present only when some operation validates something. */
export interface ServiceValidation {
  readonly validator: SchemaValidator;
  readonly maxViolations: number;
  /** Operation name → effective modes (`validation.operations.<op>` over the service-wide values). */
  readonly operations: ReadonlyMap<string, OperationValidation>;
}

const clark = (q: QName): string => `{${q.ns}}${q.local}`;

/** The effective modes of an operation (also for `wsgate check`). */
export function operationModes(config: ServiceConfig, operation: string): OperationValidation {
  const v = config.validation;
  const own = v?.operations[operation];
  return { request: own?.request ?? v?.request ?? 'off', response: own?.response ?? v?.response ?? 'off' };
}

/**
 * Resolves the per-operation modes and, when any operation validates, compiles the WSDL's schemas.
 * Problems: an operation name the ports do not offer; validation asked of an rpc/literal operation
 * (its wrapper and part accessors are declared by the WSDL message, not by a schema: not
 * supported); an operation element without a global declaration; every schema compile error.
 */
export function compileServiceValidation(config: ServiceConfig, wsdl: WsdlModel, operations: readonly WsdlOperation[], problems: ConfigProblem[]): ServiceValidation | undefined {
  const v = config.validation;
  if (v === undefined) return undefined;
  const offered = new Set(operations.map((op) => op.name));
  for (const name of Object.keys(v.operations)) {
    if (!offered.has(name)) problems.push({ file: config.file, path: `/validation/operations/${name}`, message: `validation settings for '${name}', which no exposed port offers (operations: ${[...offered].join(', ') || 'none'})` });
  }
  const modes = new Map<string, OperationValidation>();
  const checks: { readonly op: WsdlOperation; readonly direction: 'input' | 'output'; readonly elements: readonly QName[] }[] = [];
  const seen = new Set<string>();
  for (const op of operations) {
    // Ports of the same portType repeat its operations: judge each one once.
    const key = `${op.name}|${op.style}|${op.inputBody.map(clark).join(' ')}|${op.outputBody.map(clark).join(' ')}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const m = operationModes(config, op.name);
    modes.set(op.name, m);
    const request = m.request !== 'off';
    const response = m.response !== 'off' && !op.oneWay;
    if (!request && !response) continue;
    if (op.style === 'rpc') {
      const at = v.operations[op.name] !== undefined ? `/validation/operations/${op.name}` : request ? '/validation/request' : '/validation/response';
      problems.push({
        file: config.file,
        path: at,
        message: `operation '${op.name}' is rpc/literal: its Body wrapper and part accessors are not declared by the WSDL's schema, so it cannot be schema-validated; set validation.operations.${op.name}: {request: off, response: off}`,
      });
      continue;
    }
    if (request) checks.push({ op, direction: 'input', elements: op.inputBody });
    if (response) checks.push({ op, direction: 'output', elements: op.outputBody });
  }
  if (checks.length === 0) return undefined;
  const schemas = compileSchemas(wsdl, problems);
  if (schemas === undefined) return undefined;
  for (const { op, direction, elements } of checks) {
    for (const q of elements) {
      if (!schemas.globalElements.has(clark(q))) {
        problems.push({ file: wsdl.mainPath, path: '', message: `the ${direction} of operation '${op.name}' is element ${clark(q)}, which no schema of the WSDL declares globally: validating it would refuse every message` });
      }
    }
  }
  return Object.freeze({ validator: schemas.validator, maxViolations: v.maxViolations, operations: modes });
}
