import type { ConfigProblem } from '../config/problems.ts';
import type { SecurityConfig, SecurityRequirements, WrittenRequirements } from '../config/types.ts';

const union = <T>(a: readonly T[], b: readonly T[] | undefined): T[] => [...new Set([...a, ...(b ?? [])])];

/** What service.yaml adds to an operation's WSDL policy: `require` and `operations.<op>` together (each only adds). */
export function writtenFor(security: SecurityConfig, operation: string): WrittenRequirements {
  const r = security.require;
  const o = security.operations[operation] ?? {};
  const bool = (k: 'signature' | 'timestamp' | 'saml'): boolean | undefined => (r[k] === true || o[k] === true ? true : r[k] ?? o[k]);
  const list = <K extends 'signedParts' | 'encryptedParts' | 'allowAlgorithms'>(k: K): WrittenRequirements[K] =>
    r[k] === undefined && o[k] === undefined ? undefined : (union(r[k] ?? [], o[k]) as WrittenRequirements[K]);
  const out: Record<string, unknown> = {};
  for (const k of ['signature', 'timestamp', 'saml'] as const) if (bool(k) !== undefined) out[k] = bool(k);
  for (const k of ['signedParts', 'encryptedParts', 'allowAlgorithms'] as const) if (list(k) !== undefined) out[k] = list(k);
  return out as WrittenRequirements;
}

/**
 * One WSDL alternative with service.yaml's additions: booleans OR-ed, lists united, so the result
 * is never weaker than the WSDL alternative. `allowAlgorithms` widens only the AlgorithmSuite.
 */
export function tighten(alt: SecurityRequirements, w: WrittenRequirements, yaml: (key: keyof WrittenRequirements) => string): SecurityRequirements {
  const signedParts = union(alt.signedParts, w.signedParts);
  const encryptedParts = union(alt.encryptedParts, w.encryptedParts);
  const o = alt.origins ?? {};
  return {
    ...alt,
    signature: alt.signature || w.signature === true,
    signedParts,
    encryptedParts,
    timestamp: alt.timestamp || w.timestamp === true,
    saml: alt.saml || w.saml === true,
    ...(w.allowAlgorithms !== undefined ? { allowAlgorithms: union(alt.allowAlgorithms ?? [], w.allowAlgorithms) } : {}),
    origins: {
      ...o,
      ...(o.signature === undefined && w.signature === true ? { signature: yaml('signature') } : {}),
      ...(o.signedBody === undefined && signedParts.includes('body') ? { signedBody: `${yaml('signedParts')}: body` } : {}),
      ...(o.signedTimestamp === undefined && signedParts.includes('timestamp') ? { signedTimestamp: `${yaml('signedParts')}: timestamp` } : {}),
      ...(o.timestamp === undefined && w.timestamp === true ? { timestamp: yaml('timestamp') } : {}),
      ...(o.encryptedBody === undefined && encryptedParts.includes('body') ? { encryptedBody: `${yaml('encryptedParts')}: body` } : {}),
      ...(o.saml === undefined && w.saml === true ? { saml: yaml('saml') } : {}),
    },
  };
}

/**
 * With an imported WSDL policy, service.yaml can only add: an explicit `false` or `[]` would read
 * as loosening and does nothing, so it is refused rather than silently ignored.
 */
export function looseningProblems(file: string, security: SecurityConfig, operations: readonly string[]): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const check = (w: WrittenRequirements, base: string): void => {
    for (const [key, value] of Object.entries(w)) {
      if (value === false || (Array.isArray(value) && value.length === 0 && key !== 'allowAlgorithms')) {
        out.push({
          file,
          path: `${base}/${key}`,
          message: `${key}: ${JSON.stringify(value)} cannot loosen the WS-Policy imported from the WSDL (service.yaml only adds to it); remove it, or set security.wsdlPolicy: superseded to make service.yaml the whole contract`,
        });
      }
    }
  };
  check(security.require, '/security/require');
  for (const op of operations) if (security.operations[op] !== undefined) check(security.operations[op], `/security/operations/${op}`);
  return out;
}
