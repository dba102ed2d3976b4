/**
 * Authorization of one operation: a pure evaluation of a configured rule against the verified
 * principal. A field the principal lacks never matches, so a missing identity denies.
 */
import type { AuthorizationConfig, AuthzMatch, AuthzRule } from '../config/types.ts';
import type { Principal } from './principal.ts';

export interface AuthzDecision {
  readonly allowed: boolean;
  /** Why (for the log/audit record; it names the rule, never secrets). */
  readonly reason: string;
}

/** The values of `field` in the principal (several for a multi-valued SAML attribute). */
function valuesOf(principal: Principal, m: AuthzMatch): readonly string[] {
  switch (m.field) {
    case 'x509.subject':
      return principal.x509 ? [principal.x509.subject] : [];
    case 'x509.issuer':
      return principal.x509 ? [principal.x509.issuer] : [];
    case 'x509.fingerprint256':
      return principal.x509 ? [principal.x509.fingerprint256] : [];
    case 'tls.subject':
      return principal.tls ? [principal.tls.subject] : [];
    case 'tls.fingerprint256':
      return principal.tls ? [principal.tls.fingerprint256] : [];
    case 'username':
      return principal.username !== undefined ? [principal.username] : [];
    case 'saml.issuer':
      return principal.saml ? [principal.saml.issuer] : [];
    case 'saml.nameId':
      return principal.saml?.nameId !== undefined ? [principal.saml.nameId] : [];
    case 'saml.attribute':
      return m.name !== undefined && principal.saml && Object.hasOwn(principal.saml.attributes, m.name) ? (principal.saml.attributes[m.name] ?? []) : [];
  }
}

const describeField = (m: AuthzMatch): string => (m.field === 'saml.attribute' ? `saml.attribute[${JSON.stringify(m.name ?? '')}]` : m.field);

function evaluateMatch(principal: Principal, m: AuthzMatch): AuthzDecision {
  const field = describeField(m);
  const values = valuesOf(principal, m);
  if (values.length === 0) return { allowed: false, reason: `${field} is not established for this request` };
  const wanted = m.equals !== undefined ? [m.equals] : (m.in ?? []);
  const hit = values.find((v) => wanted.includes(v));
  if (hit !== undefined) return { allowed: true, reason: `${field} = ${JSON.stringify(hit)}` };
  return { allowed: false, reason: `${field} ${JSON.stringify(values.length === 1 ? values[0] : values)} is not ${m.equals !== undefined ? JSON.stringify(m.equals) : `one of ${JSON.stringify(wanted)}`}` };
}

/** Evaluates `rule` for `principal`; an empty anyOf allows nothing, an empty allOf is refused too (fail closed). */
export function authorize(principal: Principal, rule: AuthzRule): AuthzDecision {
  if ('match' in rule) return evaluateMatch(principal, rule.match);
  if ('anyOf' in rule) {
    const denied: string[] = [];
    for (const r of rule.anyOf) {
      const d = authorize(principal, r);
      if (d.allowed) return d;
      denied.push(d.reason);
    }
    return { allowed: false, reason: `none of anyOf matched (${denied.join('; ') || 'no rules'})` };
  }
  if (rule.allOf.length === 0) return { allowed: false, reason: 'allOf without rules' };
  const allowed: string[] = [];
  for (const r of rule.allOf) {
    const d = authorize(principal, r);
    if (!d.allowed) return { allowed: false, reason: `allOf: ${d.reason}` };
    allowed.push(d.reason);
  }
  return { allowed: true, reason: allowed.join(' and ') };
}

/** The rule for `operation`: its own, else `*`, else none (denied: the service declares rules). */
export function authorizeOperation(config: AuthorizationConfig, operation: string, principal: Principal): AuthzDecision {
  const own = Object.hasOwn(config.operations, operation) ? config.operations[operation] : undefined;
  const rule = own ?? (Object.hasOwn(config.operations, '*') ? config.operations['*'] : undefined);
  if (rule === undefined) return { allowed: false, reason: `operation ${operation} has no authorization rule (and there is no '*' rule): denied by default` };
  const d = authorize(principal, rule);
  return { allowed: d.allowed, reason: `operation ${operation}${own === undefined ? " (rule '*')" : ''}: ${d.reason}` };
}
