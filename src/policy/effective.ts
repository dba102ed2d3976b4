import type { ConfigProblem } from '../config/problems.ts';
import type { ServiceConfig } from '../config/types.ts';
import type { SecurityRuntime } from '../security/runtime.ts';
import type { WsdlModel, WsdlPort } from '../wsdl/types.ts';
import { configGaps } from './config-gaps.ts';
import type { OperationPolicy } from './operation-policy.ts';
import { requirementsFor, yamlKey, yamlOrigins } from './requirements.ts';
import { looseningProblems, tighten, writtenFor } from './tighten.ts';
import { WsdlPolicyImporter } from './wspolicy/import.ts';
import type { ImportedBinding } from './wspolicy/import.ts';

export type PortPolicies = ReadonlyMap<string, OperationPolicy>;

/**
 * Compiles the contract of every operation of the service's ports, once at start-up. The
 * precedence (docs/ws-policy.md): with `wsdlPolicy: import` and a binding that carries WS-Policy,
 * the WSDL policy is the base and service.yaml only adds to each of its alternatives; otherwise
 * (no policy, or `superseded`) service.yaml alone is the contract. Problems are collected.
 */
export function servicePolicyCompiler(config: ServiceConfig, wsdl: WsdlModel, runtime: SecurityRuntime | undefined, problems: ConfigProblem[]): (port: WsdlPort) => PortPolicies {
  const sec = config.security;
  if (sec.mode !== 'enforce') return () => new Map();
  const importer = sec.wsdlPolicy === 'import' ? new WsdlPolicyImporter(wsdl) : undefined;
  const seen = new Set<string>();
  const report = (list: readonly ConfigProblem[]): void => {
    for (const p of list) {
      const key = `${p.file}\u0000${p.path}\u0000${p.line ?? ''}\u0000${p.message}`;
      if (!seen.has(key)) {
        seen.add(key);
        problems.push(p);
      }
    }
  };
  let looseningChecked = false;

  const yamlOnly = (op: string, imported: ImportedBinding | undefined): OperationPolicy => ({
    operation: op,
    source: { kind: 'service.yaml', why: sec.wsdlPolicy === 'superseded' ? 'superseded' : 'no-wsdl-policy' },
    alternatives: [Object.freeze({ ...requirementsFor(sec, op), origins: yamlOrigins(sec, op) })],
    added: {},
    responseSide: imported?.operations.get(op)?.responseSide ?? [],
    dropped: [],
  });

  const fromWsdl = (imported: ImportedBinding, op: string): OperationPolicy | undefined => {
    const base = imported.operations.get(op);
    if (base === undefined || base.alternatives.length === 0) return undefined;
    const written = writtenFor(sec, op);
    const alternatives = base.alternatives.map((alt) => Object.freeze(tighten(alt, written, (key) => yamlKey(sec, op, key))));
    for (const alt of alternatives) report(configGaps(alt, config, runtime, `operation ${op}`));
    return {
      operation: op,
      source: { kind: 'wsdl', file: imported.file, binding: imported.binding, attachments: base.attachments },
      alternatives,
      added: written,
      responseSide: base.responseSide,
      dropped: base.dropped,
    };
  };

  return (port) => {
    const imported = importer?.binding(port);
    const out = new Map<string, OperationPolicy>();
    if (importer !== undefined) report(importer.problems);
    if (imported?.hasPolicy === true && !looseningChecked) {
      looseningChecked = true;
      report(looseningProblems(config.file, sec, port.operations.map((o) => o.name)));
    }
    for (const op of port.operations) {
      const policy = imported?.hasPolicy === true ? fromWsdl(imported, op.name) : yamlOnly(op.name, imported);
      if (policy !== undefined) out.set(op.name, Object.freeze(policy));
    }
    return out;
  };
}
