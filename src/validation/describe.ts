import type { CompiledService } from '../service/compiled.ts';
import { operationModes } from './service.ts';

function isRpc(s: CompiledService, op: string): boolean {
  return s.ports.some((p) => p.operations.some((o) => o.name === op && o.style === 'rpc'));
}

/** `wsgate check --explain`, per operation: `schema validation (WSDL XSD): request on, response off`. */
export function validationLine(s: CompiledService, op: string): string {
  const m = operationModes(s.config, op);
  return `schema validation (WSDL XSD): request ${m.request}, response ${m.response}${isRpc(s, op) ? ' (rpc/literal: not supported)' : ''}`;
}

/** `wsgate check`, one line per service: each operation's modes, or `off`. */
export function validationSummary(s: CompiledService): string {
  const ops = [...new Set(s.ports.flatMap((p) => p.operations.map((o) => o.name)))];
  const modes = ops.map((op) => ({ op, m: operationModes(s.config, op) }));
  if (modes.every(({ m }) => m.request === 'off' && m.response === 'off')) return '  schema validation: off';
  return `  schema validation: ${modes.map(({ op, m }) => `${op} request ${m.request}, response ${m.response}`).join('; ')}`;
}
