import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.ts';
import { interopDir, writeClaimsConfig } from '../../support/interop.ts';
import { problemsOf } from './helpers.ts';
import { prepareGateway } from '../../../src/bootstrap.ts';
import { configErrorOf } from '../../support/errors.ts';

describe('security.saml', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('loads the POLICY.md section with its defaults and resolves the pinned certificate', () => {
    const dir = writeClaimsConfig('http://127.0.0.1:1');
    dirs.push(dir);
    const sec = loadConfig(join(dir, 'gateway.yaml')).services[0]?.security;
    expect(sec?.saml).toEqual({
      issuers: [{ entityId: 'https://sso.insurer.example/idp', certificate: join(interopDir, 'certs', 'idp.pem') }],
      audience: 'urn:insurer-example:wsgate:claims',
      skewSeconds: 300,
      maxAgeSeconds: 1800,
      versions: ['2.0'],
      recipients: ['https://wsgate.insurer.example/ClaimsService'],
      senders: [],
      senderVouches: { requireSignedAssertion: false },
    });
    // ListPolicies needs SAML because the WSDL's imported policy says so: service.yaml states only the allowances.
    expect(sec?.require).toEqual({ allowAlgorithms: ['ecdsa-sha256', 'aes256-gcm'] });
    expect(sec?.operations).toEqual({});
  });

  it('refuses saml: true without a saml section, and a saml section without an audience', () => {
    const dir = writeClaimsConfig('http://127.0.0.1:1', '', { securityYaml: '  operations: {ListPolicies: {saml: true}}' });
    dirs.push(dir);
    const file = join(dir, 'claims', 'service.yaml');
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, original.replace(/ {2}saml:\n(?: {4}.*\n)+/, ''));
    expect(problemsOf(join(dir, 'gateway.yaml')).map((p) => p.path)).toContain('/security/operations/ListPolicies/saml');
    writeFileSync(file, original.replace(/ {4}audience: .*\n/, ''));
    expect(problemsOf(join(dir, 'gateway.yaml')).some((p) => p.path?.startsWith('/security/saml'))).toBe(true);
  });

  it('refuses a WSDL policy that requires a SAML token when service.yaml has no saml section to verify it with', () => {
    const dir = writeClaimsConfig('http://127.0.0.1:1');
    dirs.push(dir);
    const file = join(dir, 'claims', 'service.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/ {2}saml:\n(?: {4}.*\n)+/, ''));
    const err = configErrorOf(() => prepareGateway(join(dir, 'gateway.yaml'), {}));
    const p = err.problems.find((x) => x.path === '/security/saml');
    expect(p?.file).toBe(file);
    expect(p?.message).toContain('sp:SupportingTokens/sp:SamlToken requires a SAML 2.0 assertion');
    expect(p?.message).toContain('operation ListPolicies');
  });
});
