import type { PreparedGateway } from '../bootstrap.ts';
import type { AuthzRule, SecurityConfig, SecurityRequirements } from '../config/types.ts';
import type { CompiledService } from '../service/compiled.ts';

/** A rule in words, e.g. `x509.subject is "C=NL, …" or username is one of [a, b]`. */
export function describeRule(rule: AuthzRule): string {
  if ('match' in rule) {
    const m = rule.match;
    const field = m.field === 'saml.attribute' ? `SAML attribute ${JSON.stringify(m.name ?? '')}` : m.field;
    return m.equals !== undefined ? `${field} is ${JSON.stringify(m.equals)}` : `${field} is one of ${JSON.stringify(m.in ?? [])}`;
  }
  if ('anyOf' in rule) return `(${rule.anyOf.map(describeRule).join(' OR ') || 'nothing'})`;
  return `(${rule.allOf.map(describeRule).join(' AND ') || 'nothing'})`;
}

function requirementLines(sec: SecurityConfig, r: SecurityRequirements): string[] {
  const out: string[] = [];
  if (r.signature) out.push('must be signed (XML Signature) with a certificate that chains to a configured trust anchor');
  if (r.signedParts.includes('body')) out.push("the signature must cover the Envelope's own Body element");
  if (r.signedParts.includes('timestamp')) out.push("the signature must cover the Timestamp of the gateway's Security header");
  if (r.timestamp) {
    out.push(`must carry a Timestamp: Created at most ${sec.timestamp.futureSkewSeconds} s ahead and at most ${sec.timestamp.ttlSeconds} s old, Expires ${sec.timestamp.requireExpires ? 'required' : 'optional'}`);
  }
  if (r.encryptedParts.includes('body')) out.push('the Body must arrive encrypted to the gateway certificate');
  if (r.saml) {
    const saml = sec.saml;
    out.push(`must carry a SAML 2.0 assertion from ${saml ? saml.issuers.map((i) => i.entityId).join(' or ') : '(no issuer configured)'} for audience ${saml ? JSON.stringify(saml.audience) : '-'}`);
  }
  if (out.length === 0) out.push('no message-level protection is required');
  return out;
}

function algorithmLine(sec: SecurityConfig): string {
  const legacy = sec.legacy.length > 0 ? `; LEGACY accepted by opt-in: ${sec.legacy.join(', ')}` : '';
  return `algorithms: signatures RSA-SHA256/384/512, RSA-PSS, ECDSA-SHA256/384/512 over SHA-256+ digests with exclusive C14N; key transport RSA-OAEP; data AES-GCM${legacy}; RSA-1_5 never`;
}

function explainService(s: CompiledService): string[] {
  const sec = s.config.security;
  const authz = s.config.authorization;
  const out = [`service ${s.name} (${s.config.file})`];
  if (sec.mode === 'off') out.push('  WS-Security: off — messages are not verified; a mandatory Security header is refused');
  else {
    out.push(`  ${algorithmLine(sec)}`);
    if (sec.wsdlPolicy === 'superseded') out.push("  the WSDL's WS-Policy is NOT enforced: this configuration replaces it");
  }
  const operations = [...new Set(s.ports.flatMap((p) => p.operations.map((o) => o.name)))];
  for (const op of operations) {
    out.push(`  operation ${op}:`);
    if (sec.mode === 'enforce') for (const line of requirementLines(sec, { ...sec.require, ...(sec.operations[op] ?? {}) })) out.push(`    - ${line}`);
    if (authz !== undefined) {
      const rule = authz.operations[op] ?? authz.operations['*'];
      out.push(`    - caller allowed when: ${rule ? describeRule(rule) : 'never (rules exist and none names this operation: default deny)'}`);
    } else {
      out.push('    - any caller that meets the above is allowed (no authorization rules)');
    }
  }
  return out;
}

/** `wsgate check --explain`: the effective contract per operation in plain words, for a security review. */
export function renderExplain(prepared: PreparedGateway): string {
  return prepared.services.flatMap((s) => [...explainService(s), '']).join('\n');
}
