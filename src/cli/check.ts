import type { PreparedGateway } from '../bootstrap.ts';
import { formatWarning } from '../config/warnings.ts';
import type { SecurityConfig, XmlLimitsConfig } from '../config/types.ts';
import { shortRequirements } from '../policy/describe.ts';
import type { CompiledService } from '../service/compiled.ts';
import { validationSummary } from '../validation/describe.ts';

const limitLabels: Readonly<Record<keyof XmlLimitsConfig, string>> = {
  maxBodyBytes: 'body',
  maxDepth: 'depth',
  maxNodes: 'nodes',
  maxAttributes: 'attributes/element',
  maxNamespaceDeclarations: 'namespace declarations/element',
  maxNameLength: 'name length',
  maxAttributeValueLength: 'attribute value',
  maxTextLength: 'text node',
  allowComments: 'comments allowed',
};

function securityLines(sec: SecurityConfig, service: CompiledService): string[] {
  if (sec.mode === 'off') return ['  security off (no WS-Security processing; a mustUnderstand Security header is refused)'];
  const t = sec.trust;
  const out = [
    `  security enforce${sec.actor ? ` (Security header for actor ${sec.actor})` : ''}: ${t.anchors.length} anchor(s), ${t.intermediates.length} intermediate(s), ${t.knownCertificates.length} known certificate(s), ${t.crls.length} CRL(s); decryption ${sec.decryption ? 'configured' : 'none'}; UsernameToken ${sec.usernameToken ? sec.usernameToken.passwordTypes.join('/') : 'not accepted'}`,
    `    timestamp: Created at most ${sec.timestamp.futureSkewSeconds} s ahead, at most ${sec.timestamp.ttlSeconds} s old, Expires ${sec.timestamp.requireExpires ? 'required' : 'optional'} (+${sec.timestamp.expiresSkewSeconds} s)`,
  ];
  for (const port of service.ports) {
    for (const [op, policy] of port.policies) {
      const first = policy.alternatives[0];
      const from = policy.source.kind === 'wsdl' ? `WSDL policy of ${policy.source.binding}${policy.alternatives.length > 1 ? `, ${policy.alternatives.length} alternatives, first` : ''}` : 'service.yaml';
      out.push(`    ${port.wsdlPort.name} ${op} (${from}): ${first === undefined ? '-' : shortRequirements(first)}`);
    }
  }
  if (sec.legacy.length > 0) out.push(`    LEGACY algorithms accepted: ${sec.legacy.join(', ')}`);
  if (sec.wsdlPolicy === 'superseded') out.push('    the WSDL\'s WS-Policy is NOT enforced: this section replaces it');
  const reportOnly = Object.entries(sec.policyModes).filter(([, m]) => m === 'report-only').map(([op]) => op);
  if (sec.policyMode === 'report-only') out.push(`    policy mode: REPORT-ONLY (violations recorded, messages forwarded)${Object.keys(sec.policyModes).length > 0 ? `; per operation: ${Object.entries(sec.policyModes).map(([op, m]) => `${op} ${m}`).join(', ')}` : ''}`);
  else if (reportOnly.length > 0) out.push(`    policy mode: enforce; REPORT-ONLY for ${reportOnly.join(', ')}`);
  return out;
}

/** The human-readable summary `wsgate check` prints: what each service exposes and with which limits. */
export function renderCheckReport(prepared: PreparedGateway, opts: { workers: number }): string {
  const out: string[] = [];
  const g = prepared.gateway;
  out.push(`gateway ${g.file}`);
  out.push(`  listen ${g.tls ? 'https' : 'http'}://${g.listen.host}:${g.listen.port}${g.tls ? ` (TLS, client certificates: ${g.tls.clientAuth})` : ''}`);
  out.push(`  admin  ${g.admin.enabled ? `http://${g.admin.host}:${g.admin.port} (/healthz /readyz /metrics)` : 'disabled'}`);
  out.push(`  workers ${opts.workers}`);
  for (const s of prepared.services) {
    out.push('');
    out.push(`service ${s.name}  (${s.config.file})`);
    out.push(`  wsdl ${s.wsdl.mainPath} (${s.wsdl.documents.length} file${s.wsdl.documents.length === 1 ? '' : 's'})`);
    for (const p of s.ports) {
      out.push(`  port ${p.wsdlPort.name}: SOAP ${p.version} at ${p.path} -> ${p.backendUrl.href}`);
      for (const op of p.operations) {
        const body = op.inputBody.map((q) => `{${q.ns}}${q.local}`).join(' + ');
        out.push(`    - ${op.name} (${op.style}) action=${JSON.stringify(op.soapAction)}${op.inputAction && op.inputAction !== op.soapAction ? ` wsa=${JSON.stringify(op.inputAction)}` : ''} body=${body}`);
      }
    }
    const b = s.config.backend;
    out.push(`  backend soap pass-through: connect ${b.connectTimeoutMs} ms, response ${b.responseTimeoutMs} ms, max response ${b.maxResponseBytes} bytes, ${b.connections} connections`);
    const limits = Object.entries(s.config.limits)
      .map(([k, v]) => `${limitLabels[k as keyof XmlLimitsConfig]} ${String(v)}`)
      .join(', ');
    out.push(`  limits ${limits}`);
    out.push(...securityLines(s.config.security, s));
    out.push(validationSummary(s));
    if (s.config.passThroughHeaders.length > 0) out.push(`  mustUnderstand headers passed to the backend: ${s.config.passThroughHeaders.join(', ')}`);
  }
  const warnings = [...prepared.warnings.map(formatWarning)];
  if (warnings.length > 0) {
    out.push('');
    out.push(`WARNINGS (${warnings.length}):`);
    for (const w of warnings) out.push(`  ! ${w}`);
  }
  return out.join('\n');
}
