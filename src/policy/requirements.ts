import type { SecurityConfig, SecurityRequirements, WrittenRequirements } from '../config/types.ts';
import type { SecurityFacts } from '../security/types.ts';
import type { Envelope } from '../soap/envelope.ts';
import { enforceAlternatives } from './enforce.ts';
import type { RequirementOrigins } from './model.ts';

/** What service.yaml requires when it is the whole contract and says nothing (the schema documents these). */
export const DEFAULT_REQUIREMENTS: SecurityRequirements = Object.freeze({
  signature: true,
  signedParts: Object.freeze(['body', 'timestamp'] as const),
  encryptedParts: Object.freeze([] as const),
  timestamp: true,
  saml: false,
});

/** The requirements service.yaml states for an operation on its own: defaults, `require`, then `operations.<op>` key by key. */
export function requirementsFor(security: SecurityConfig, operation: string): SecurityRequirements {
  return { ...DEFAULT_REQUIREMENTS, ...security.require, ...(security.operations[operation] ?? {}) };
}

/** Where service.yaml says `key` for an operation (`service.yaml security.operations.X.saml`). */
export function yamlKey(security: SecurityConfig, operation: string, key: keyof WrittenRequirements): string {
  const own = security.operations[operation] ?? {};
  return own[key] !== undefined ? `service.yaml security.operations.${operation}.${key}` : security.require[key] !== undefined ? `service.yaml security.require.${key}` : `service.yaml security.require.${key} (default)`;
}

/** The service.yaml key behind each basic requirement, for error details and `check --explain`. */
export function yamlOrigins(security: SecurityConfig, operation: string): RequirementOrigins {
  const from = (key: keyof WrittenRequirements): string => yamlKey(security, operation, key);
  return {
    signature: from('signature'),
    signedBody: `${from('signedParts')}: body`,
    signedTimestamp: `${from('signedParts')}: timestamp`,
    timestamp: from('timestamp'),
    encryptedBody: `${from('encryptedParts')}: body`,
    saml: from('saml'),
  };
}

/**
 * Pure checks of the facts against one set of requirements, by node identity: "Body signed" means
 * the Envelope's own Body element was among the nodes a verified Reference digested; "Timestamp
 * signed" means the one Timestamp of the gateway's Security header was. No transport facts: a
 * TransportBinding requirement fails. The pipeline uses enforceOperationPolicy (./enforce.ts).
 */
export function enforceRequirements(facts: SecurityFacts, env: Envelope, req: SecurityRequirements): void {
  enforceAlternatives([req], { facts, envelope: env, transport: undefined });
}
