import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.ts';
import { fixture, lineContaining, problemsOf } from './helpers.ts';

const env = { WSGATE_TLS_PASSPHRASE: 'not-used-in-tests' };

describe('loadConfig: a valid gateway with two services', () => {
  const config = loadConfig(fixture('valid/gateway.yaml'), { env });
  const [claims, policies] = config.services;

  it('resolves every path to an absolute path relative to the file that named it', () => {
    expect(config.gateway.file).toBe(fixture('valid/gateway.yaml'));
    expect(config.gateway.tls).toEqual({
      cert: fixture('valid/tls/server.crt'),
      key: fixture('valid/tls/server.key'),
      passphrase: { env: 'WSGATE_TLS_PASSPHRASE' },
      clientCa: [fixture('valid/tls/client-ca.pem')],
      clientAuth: 'optional',
    });
    expect(config.gateway.services).toEqual([fixture('valid/services/claims'), fixture('valid/services/policies')]);
    expect(policies?.dir).toBe(fixture('valid/services/policies'));
    expect(policies?.file).toBe(fixture('valid/services/policies/service.yaml'));
    expect(policies?.wsdl).toBe(fixture('valid/services/policies/wsdl/Policies.wsdl'));
  });

  it('applies the defaults of the gateway file', () => {
    const { file: _file, tls: _tls, services: _services, ...rest } = config.gateway;
    expect(rest).toEqual({
      listen: { host: '0.0.0.0', port: 8443 },
      publicUrl: 'https://gateway.example.com',
      admin: { enabled: true, host: '127.0.0.1', port: 9090 },
      logging: { level: 'info' },
      shutdown: { graceMs: 10_000 },
      workers: 2,
      requestTimeoutMs: 30_000,
      audit: {
        sink: 'file',
        dir: fixture('valid/audit'),
        signingKey: fixture('valid/audit/audit-signing.key'),
        createSigningKey: true,
        checkpoint: { everyRecords: 1000, everySeconds: 60 },
        rotate: { maxBytes: 64 * 1024 * 1024, daily: true },
        queue: { maxEntries: 10_000, maxBatch: 1000 },
        unroutedMode: 'best-effort',
      },
    });
    expect('instanceId' in config.gateway).toBe(false);
  });

  it('applies the defaults of a service file', () => {
    expect(policies).toEqual({
      file: fixture('valid/services/policies/service.yaml'),
      dir: fixture('valid/services/policies'),
      name: 'policies',
      wsdl: fixture('valid/services/policies/wsdl/Policies.wsdl'),
      ports: [{ wsdlPort: 'PoliciesPort', path: '/policies' }],
      backend: {
        type: 'soap',
        url: 'https://policies.internal.example:8443/ws',
        connectTimeoutMs: 5000,
        responseTimeoutMs: 30_000,
        maxResponseBytes: 10 * 1024 * 1024,
        connections: 64,
        dropHeaders: [],
      },
      limits: {
        maxBodyBytes: 1024 * 1024,
        maxDepth: 64,
        maxNodes: 20_000,
        maxAttributes: 64,
        maxNamespaceDeclarations: 32,
        maxNameLength: 256,
        maxAttributeValueLength: 65_536,
        maxTextLength: 1_048_576,
        allowComments: false,
      },
      passThroughHeaders: [],
      roles: [],
      audit: { mode: 'required', capture: { request: false, response: false, maxBytes: 65_536, redact: { namespaces: {}, xml: [], json: [] } } },
      validation: { request: 'off', response: 'off', maxViolations: 5, operations: {} },
      security: {
        mode: 'off',
        wsdlPolicy: 'import',
        policyMode: 'enforce',
        policyModes: {},
        trust: { anchors: [], intermediates: [], knownCertificates: [], crls: [] },
        timestamp: { requireExpires: true, futureSkewSeconds: 60, ttlSeconds: 300, expiresSkewSeconds: 60 },
        // Only what is written: the no-policy defaults are applied when the contract is compiled (DEFAULT_REQUIREMENTS).
        require: {},
        operations: {},
        legacy: [],
        replay: { maxEntries: 100_000 },
      },
    });
  });

  it('keeps what the service file sets', () => {
    expect(claims?.ports[1]).toEqual({ wsdlPort: 'ClaimsPortSoap12', path: '/claims/soap12', backendUrl: 'http://127.0.0.1:7001/claims12' });
    expect(claims?.limits.maxBodyBytes).toBe(4 * 1024 * 1024);
    expect(claims?.backend.dropHeaders).toEqual(['x-internal-user']);
    expect(claims?.passThroughHeaders).toEqual(['{urn:example:tracing}TraceContext']);
    expect(claims?.roles).toEqual(['urn:example:roles:gateway']);
  });

  it('returns deeply frozen objects', () => {
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.gateway.listen)).toBe(true);
    expect(Object.isFrozen(config.gateway.tls?.clientCa)).toBe(true);
    expect(Object.isFrozen(config.services)).toBe(true);
    expect(Object.isFrozen(claims?.ports[0])).toBe(true);
    expect(Object.isFrozen(claims?.limits)).toBe(true);
  });
});

interface BrokenCase {
  readonly name: string;
  readonly file: string;
  readonly path: string;
  /** Text on the line the problem must point at. */
  readonly lineText: string;
  readonly message: string | RegExp;
  readonly env?: NodeJS.ProcessEnv;
}

const cases: readonly BrokenCase[] = [
  { name: 'unknown-key-typo', file: 'gateway.yaml', path: '/listen/prot', lineText: 'prot: 8080', message: "unknown key 'prot' in listen (did you mean 'port'?)" },
  { name: 'wrong-type', file: 'gateway.yaml', path: '/workers', lineText: 'workers: two', message: 'workers must be a whole number, not a string' },
  { name: 'bad-backend-url', file: 'svc/service.yaml', path: '/backend/url', lineText: 'url: ftp:', message: "backend.url must be an http or https URL (without user:password), not 'ftp://backend.internal/claims'" },
  { name: 'missing-wsdl', file: 'svc/service.yaml', path: '/wsdl', lineText: 'wsdl: Missing.wsdl', message: /^wsdl: file \/.*\/missing-wsdl\/svc\/Missing\.wsdl does not exist$/ },
  { name: 'duplicate-path-across-services', file: 'b/service.yaml', path: '/ports/1/path', lineText: 'path: /shared/soap11', message: /^ports\[1\]\.path '\/shared\/soap11' is already used by ports\[0\]\.path in \/.*\/a\/service\.yaml:5: every port needs its own path$/ },
  { name: 'yaml-syntax-error', file: 'gateway.yaml', path: '', lineText: 'workers: 1', message: /^YAML syntax error: / },
  { name: 'inline-secret', file: 'gateway.yaml', path: '/tls/passphrase', lineText: 'passphrase:', message: 'tls.passphrase must not be written inline: use {file: ...} or {env: ...}' },
  { name: 'missing-env-secret', file: 'gateway.yaml', path: '/tls/passphrase', lineText: 'passphrase:', message: 'tls.passphrase: environment variable WSGATE_TEST_MISSING_PASSPHRASE is not set', env: {} },
  { name: 'wsdl-escapes-service-dir', file: 'svc/service.yaml', path: '/wsdl', lineText: 'wsdl: ../Outside.wsdl', message: /^wsdl must be inside the service directory \/.*\/svc, but '\.\.\/Outside\.wsdl' resolves to \/.*\/Outside\.wsdl$/ },
];

describe('loadConfig: each broken configuration names file, path and line', () => {
  it.each(cases)('$name', (c) => {
    const dir = fixture('broken', c.name);
    const file = fixture('broken', c.name, c.file);
    const problems = problemsOf(fixture('broken', c.name, 'gateway.yaml'), { env: c.env ?? {} });
    expect(problems).toHaveLength(1);
    const [p] = problems;
    expect(p?.file).toBe(file);
    expect(p?.path).toBe(c.path);
    expect(p?.line).toBe(lineContaining(file, c.lineText));
    if (typeof c.message === 'string') expect(p?.message).toBe(c.message);
    else expect(p?.message).toMatch(c.message);
    expect(p?.file.startsWith(dir)).toBe(true);
  });

  it('never repeats an inline secret in the error', () => {
    const err = problemsOf(fixture('broken/inline-secret/gateway.yaml'));
    expect(JSON.stringify(err)).not.toContain('correct-horse');
  });
});

describe('loadConfig: every problem of every file at once', () => {
  const dir = fixture('broken/many-problems');
  const at = (file: string, text: string): number => lineContaining(fixture('broken/many-problems', file), text);
  const problems = problemsOf(fixture('broken/many-problems/gateway.yaml'));
  const summary = problems.map((p) => [p.file.slice(dir.length + 1), p.path, p.line]);

  it('reports gateway, service and cross-service problems together, in file order', () => {
    expect(summary).toEqual([
      ['gateway.yaml', '/logging/levl', at('gateway.yaml', 'levl:')],
      ['gateway.yaml', '/shutdown/graceMs', at('gateway.yaml', 'graceMs: -5')],
      ['gateway.yaml', '/admin/port', at('gateway.yaml', 'admin: { port: 8080 }')],
      ['gateway.yaml', '/services/3', at('gateway.yaml', '- no-service-file')],
      ['gateway.yaml', '/services/4', at('gateway.yaml', '- does-not-exist')],
      ['claims/service.yaml', '/wsdl', at('claims/service.yaml', 'wsdl:')],
      ['claims/service.yaml', '/backend/url', at('claims/service.yaml', 'url: claims.internal')],
      ['claims/service.yaml', '/backend/conectTimeoutMs', at('claims/service.yaml', 'conectTimeoutMs')],
      ['claims/service.yaml', '/limits/maxBodyBytes', at('claims/service.yaml', 'maxBodyBytes')],
      ['policies/service.yaml', '/name', at('policies/service.yaml', 'name: claims')],
      ['policies/service.yaml', '/ports/1/wsdlPort', at('policies/service.yaml', '- path: /claims')],
      ['policies/service.yaml', '/ports/1/path', at('policies/service.yaml', '- path: /claims')],
      ['policies/service.yaml', '/roles', at('policies/service.yaml', 'roles:')],
      ['broken-yaml/service.yaml', '', expect.any(Number)],
    ]);
  });

  it('says what to fix in plain words', () => {
    const messages = problems.map((p) => p.message);
    expect(messages).toContain("unknown key 'levl' in logging (did you mean 'level'?)");
    expect(messages).toContain('shutdown.graceMs must be at least 0, not -5');
    expect(messages).toContain('admin.port 8080 is also listen.port on the same address: give the admin listener its own port');
    expect(messages).toContain(`services[3]: directory ${dir}/no-service-file has no service.yaml`);
    expect(messages).toContain(`services[4]: directory ${dir}/does-not-exist does not exist`);
    expect(messages).toContain("unknown key 'conectTimeoutMs' in backend (did you mean 'connectTimeoutMs'?)");
    expect(messages).toContain('limits.maxBodyBytes must be at most 67108864, not 134217728');
    expect(messages).toContain(`name 'claims' is already used by the service in ${dir}/claims/service.yaml:1: service names must be unique`);
    expect(messages).toContain('ports[1].wsdlPort is required');
    expect(messages).toContain('roles must be a list, not a string');
    expect(messages.some((m) => m.startsWith('YAML syntax error: '))).toBe(true);
  });
});
