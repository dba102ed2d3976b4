import type { PreparedGateway } from '../bootstrap.ts';
import { formatWarning } from '../config/warnings.ts';
import type { SecurityConfig, SecurityRequirements, XmlLimitsConfig } from '../config/types.ts';

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

function describeRequirements(r: SecurityRequirements): string {
  const parts = [
    r.signature ? 'X.509 signature' : 'no signature',
    r.signedParts.length > 0 ? `signed: ${r.signedParts.join(', ')}` : 'nothing signed',
    r.encryptedParts.length > 0 ? `encrypted: ${r.encryptedParts.join(', ')}` : '',
    r.timestamp ? 'Timestamp' : 'no Timestamp',
  ];
  return parts.filter(Boolean).join('; ');
}

function securityLines(sec: SecurityConfig, operations: readonly string[]): string[] {
  if (sec.mode === 'off') return ['  security off (no WS-Security processing; a mustUnderstand Security header is refused)'];
  const t = sec.trust;
  const out = [
    `  security enforce${sec.actor ? ` (Security header for actor ${sec.actor})` : ''}: ${t.anchors.length} anchor(s), ${t.intermediates.length} intermediate(s), ${t.knownCertificates.length} known certificate(s), ${t.crls.length} CRL(s); decryption ${sec.decryption ? 'configured' : 'none'}; UsernameToken ${sec.usernameToken ? sec.usernameToken.passwordTypes.join('/') : 'not accepted'}`,
    `    timestamp: Created at most ${sec.timestamp.futureSkewSeconds} s ahead, at most ${sec.timestamp.ttlSeconds} s old, Expires ${sec.timestamp.requireExpires ? 'required' : 'optional'} (+${sec.timestamp.expiresSkewSeconds} s)`,
  ];
  for (const op of [...new Set(operations)]) {
    const r = { ...sec.require, ...(sec.operations[op] ?? {}) };
    out.push(`    ${op}: ${describeRequirements(r)}`);
  }
  if (sec.legacy.length > 0) out.push(`    LEGACY algorithms accepted: ${sec.legacy.join(', ')}`);
  if (sec.wsdlPolicy === 'superseded') out.push('    the WSDL\'s WS-Policy is NOT enforced: this section replaces it');
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
    out.push(...securityLines(s.config.security, s.ports.flatMap((p) => p.operations.map((o) => o.name))));
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
