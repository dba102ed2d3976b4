import type { SecurityRequirements } from '../config/types.ts';
import type { ConfigWarning } from '../config/warnings.ts';
import type { CompiledService } from './compiled.ts';

/** An alternative that asks nothing of a request: no signature, Timestamp, token, encryption or TLS. */
function unprotected(r: SecurityRequirements): boolean {
  return !r.signature && !r.timestamp && !r.saml && r.signedParts.length === 0 && r.encryptedParts.length === 0 && r.transport === undefined && (r.supportingTokens?.length ?? 0) === 0;
}

/**
 * What an operator must see about imported WSDL policies: output and fault attachments the gateway
 * does not enforce (responses are forwarded as the backend sends them), and operations whose WSDL
 * policy lets a request through with no protection at all. Once per place.
 */
export function policyWarnings(services: readonly CompiledService[]): ConfigWarning[] {
  const out: ConfigWarning[] = [];
  const seen = new Set<string>();
  const once = (key: string, w: ConfigWarning): void => {
    if (seen.has(key)) return;
    seen.add(key);
    out.push(w);
  };
  for (const s of services) {
    for (const port of s.ports) {
      for (const policy of port.policies.values()) {
        for (const r of policy.responseSide) {
          once(`${r.file}:${r.line ?? ''}`, {
            code: 'wsdl-policy-response-side',
            file: r.file,
            path: r.line !== undefined ? `line ${r.line}` : '',
            message: `service ${s.name}: the ${r.what} is not enforced: the gateway protects requests; responses are forwarded as the backend sends them`,
          });
        }
        const src = policy.source;
        if (src.kind === 'wsdl' && policy.alternatives.some(unprotected)) {
          once(`${src.binding}#${policy.operation}`, {
            code: 'wsdl-policy-unprotected',
            file: src.file,
            path: `binding ${src.binding}, operation ${policy.operation}`,
            message: `service ${s.name}: an alternative of the WSDL policy of ${policy.operation} requires no protection at all, so unsigned requests are accepted; add security.operations.${policy.operation} to service.yaml if that is not intended`,
          });
        }
      }
    }
  }
  return out;
}
