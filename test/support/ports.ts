import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServiceConfig } from '../../src/config/types.ts';
import { compileService } from '../../src/service/compile.ts';
import type { CompiledPort, CompiledService } from '../../src/service/compiled.ts';
import { loadWsdl } from '../../src/wsdl/load.ts';
import { defaultXmlLimits } from '../../src/xml/parse.ts';

export const noSecurity: ServiceConfig['security'] = {
  mode: 'off',
  wsdlPolicy: 'import',
  policyMode: 'enforce',
  policyModes: {},
  trust: { anchors: [], intermediates: [], knownCertificates: [], crls: [] },
  timestamp: { requireExpires: true, futureSkewSeconds: 60, ttlSeconds: 300, expiresSkewSeconds: 60 },
  require: { signature: true, signedParts: ['body', 'timestamp'], encryptedParts: [], timestamp: true, saml: false },
  operations: {},
  legacy: [],
  replay: { maxEntries: 100_000 },
};

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const claimsWsdl = join(repoRoot, 'test', 'fixtures', 'interop', 'wsdl', 'ClaimsService.wsdl');

/** Compiles a WSDL with a minimal in-memory service config (no files other than the WSDL). */
export function compileForTest(wsdlPath: string, ports: { wsdlPort: string; path: string }[], extra: Partial<ServiceConfig> = {}): CompiledService {
  const dir = dirname(wsdlPath);
  const config: ServiceConfig = {
    file: join(dir, 'service.yaml'),
    dir,
    name: 'test-service',
    wsdl: wsdlPath,
    ports,
    backend: { type: 'soap', url: 'http://127.0.0.1:1/backend', connectTimeoutMs: 1000, responseTimeoutMs: 2000, maxResponseBytes: 1 << 20, connections: 4, dropHeaders: [] },
    limits: { maxBodyBytes: 1 << 20, ...defaultXmlLimits },
    passThroughHeaders: [],
    roles: [],
    security: noSecurity,
    audit: { mode: 'off', capture: { request: false, response: false, maxBytes: 65536, redact: { namespaces: {}, xml: [], json: [] } } },
    ...extra,
  };
  const problems: { message: string }[] = [];
  const compiled = compileService(config, loadWsdl(wsdlPath, { root: dir }), problems as never);
  if (!compiled || problems.length > 0) throw new Error(`compile failed: ${problems.map((p) => p.message).join('; ')}`);
  return compiled;
}

export function claimsPorts(extra: Partial<ServiceConfig> = {}): { soap11: CompiledPort; soap12: CompiledPort } {
  const svc = compileForTest(
    claimsWsdl,
    [
      { wsdlPort: 'ClaimsSoap11Port', path: '/ClaimsService/soap11' },
      { wsdlPort: 'ClaimsSoap12Port', path: '/ClaimsService/soap12' },
    ],
    extra,
  );
  return { soap11: svc.ports[0] as CompiledPort, soap12: svc.ports[1] as CompiledPort };
}
