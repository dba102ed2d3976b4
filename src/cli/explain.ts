import type { PreparedGateway } from '../bootstrap.ts';
import type { AuthzRule, SecurityConfig } from '../config/types.ts';
import { describeAlternative } from '../policy/describe.ts';
import type { OperationPolicy } from '../policy/operation-policy.ts';
import type { CompiledPort, CompiledService } from '../service/compiled.ts';
import { validationLine } from '../validation/describe.ts';

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

function algorithmLine(sec: SecurityConfig): string {
  const legacy = sec.legacy.length > 0 ? `; LEGACY accepted by opt-in: ${sec.legacy.join(', ')}` : '';
  return `gateway allowlist (every message, whatever the policy): signatures RSA-SHA256/384/512, RSA-PSS, ECDSA-SHA256/384/512 over SHA-256+ digests with exclusive C14N; key transport RSA-OAEP; data AES-GCM${legacy}; RSA-1_5 never`;
}

/** Where the contract of an operation at a port came from. */
function sourceLines(port: CompiledPort, p: OperationPolicy): string[] {
  const s = p.source;
  const responseSide = p.responseSide.map((r) => `  NOT enforced (responses are forwarded as the backend sends them): ${r.what}${r.line !== undefined ? ` (line ${r.line})` : ''}`);
  if (s.kind === 'service.yaml') {
    return [`port ${port.wsdlPort.name}: contract from service.yaml (${s.why === 'superseded' ? "wsdlPolicy: superseded — the WSDL's WS-Policy is NOT enforced" : 'the WSDL binding carries no WS-Policy for requests'})`, ...responseSide];
  }
  const added = Object.keys(p.added);
  const out = [
    `port ${port.wsdlPort.name}: contract imported from the WSDL ${s.file}, binding ${s.binding}${added.length > 0 ? `; service.yaml adds ${added.join(', ')}` : ''}`,
    ...s.attachments.map((a) => `  attached to ${a.subject}: ${a.how}${a.line !== undefined ? ` (line ${a.line})` : ''}`),
  ];
  if (p.dropped.length > 0) out.push(`  left out (optional assertions the gateway does not know): ${p.dropped.join('; ')}`);
  return [...out, ...responseSide];
}

/** Alternatives in words: what every alternative requires once, then what each one adds. */
function alternativeLines(p: OperationPolicy, sec: SecurityConfig): string[] {
  const described = p.alternatives.map((a) => describeAlternative(a, sec));
  if (described.length === 1) return (described[0] ?? []).map((l) => `- ${l}`);
  const common = (described[0] ?? []).filter((line) => described.every((d) => d.includes(line)));
  const out = [`${described.length} alternatives: a message must satisfy any one of them`];
  if (common.length > 0) out.push('in every alternative:', ...common.map((l) => `  - ${l}`));
  described.forEach((d, i) => {
    const own = d.filter((l) => !common.includes(l));
    out.push(`alternative ${i + 1}:${own.length === 0 ? ' nothing more' : ''}`, ...own.map((l) => `  - ${l}`));
  });
  return out;
}

function operationLines(s: CompiledService, op: string): string[] {
  const sec = s.config.security;
  const groups = new Map<string, { ports: CompiledPort[]; lines: string[] }>();
  for (const port of s.ports) {
    const policy = port.policies.get(op);
    if (policy === undefined) continue;
    const lines = alternativeLines(policy, sec);
    const key = lines.join('\n');
    const g = groups.get(key);
    if (g === undefined) groups.set(key, { ports: [port], lines });
    else g.ports.push(port);
  }
  const out: string[] = [];
  for (const g of groups.values()) {
    for (const port of g.ports) {
      const policy = port.policies.get(op);
      if (policy !== undefined) out.push(...sourceLines(port, policy));
    }
    out.push(...g.lines.map((l) => `  ${l}`));
  }
  return out;
}

function explainService(s: CompiledService): string[] {
  const sec = s.config.security;
  const authz = s.config.authorization;
  const out = [`service ${s.name} (${s.config.file})`];
  if (sec.mode === 'off') out.push('  WS-Security: off — messages are not verified; a mandatory Security header is refused');
  else out.push(`  ${algorithmLine(sec)}`);
  const operations = [...new Set(s.ports.flatMap((p) => p.operations.map((o) => o.name)))];
  for (const op of operations) {
    out.push(`  operation ${op}:`);
    if (sec.mode === 'enforce') {
      const mode = sec.policyModes[op] ?? sec.policyMode;
      if (mode === 'report-only') out.push('    - policy mode: REPORT-ONLY — violations of the policy below are recorded and the message is forwarded anyway');
      for (const line of operationLines(s, op)) out.push(`    ${line}`);
    }
    if (authz !== undefined) {
      const rule = authz.operations[op] ?? authz.operations['*'];
      out.push(`    - caller allowed when: ${rule ? describeRule(rule) : 'never (rules exist and none names this operation: default deny)'}`);
    } else {
      out.push('    - any caller that meets the above is allowed (no authorization rules)');
    }
    out.push(`    - ${validationLine(s, op)}`);
  }
  return out;
}

/** `wsgate check --explain`: the effective contract per operation in plain words, for a security review. */
export function renderExplain(prepared: PreparedGateway): string {
  return prepared.services.flatMap((s) => [...explainService(s), '']).join('\n');
}
