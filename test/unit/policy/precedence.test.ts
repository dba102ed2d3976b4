import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { prepareGateway } from '../../../src/bootstrap.ts';
import type { OperationPolicy } from '../../../src/policy/operation-policy.ts';
import { configErrorOf } from '../../support/errors.ts';
import { writeExampleConfig } from '../../support/gateway.ts';
import { interopDir, writeClaimsConfig } from '../../support/interop.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function claims(extra: { require?: string; securityYaml?: string; edit?: (yaml: string) => string } = {}): string {
  const dir = writeClaimsConfig('http://127.0.0.1:1', '', { ...(extra.require !== undefined ? { require: extra.require } : {}), ...(extra.securityYaml !== undefined ? { securityYaml: extra.securityYaml } : {}) });
  dirs.push(dir);
  if (extra.edit !== undefined) {
    const file = join(dir, 'claims', 'service.yaml');
    writeFileSync(file, extra.edit(readFileSync(file, 'utf8')));
  }
  return dir;
}

function policyOf(dir: string, op: string): OperationPolicy {
  const policy = prepareGateway(join(dir, 'gateway.yaml'), {}).services[0]?.ports[0]?.policies.get(op);
  if (policy === undefined) throw new Error(`no policy for ${op}`);
  return policy;
}

const problemsOf = (dir: string) => configErrorOf(() => prepareGateway(join(dir, 'gateway.yaml'), {})).problems;

describe('precedence: the WSDL policy is the base, service.yaml only adds', () => {
  it('a service.yaml requirement is added to every WSDL alternative, and says where it came from', () => {
    const p = policyOf(claims({ require: 'require: {saml: true, allowAlgorithms: [ecdsa-sha256, aes256-gcm]}' }), 'GetClaimStatus');
    expect(p.source.kind).toBe('wsdl');
    expect(p.alternatives.length).toBeGreaterThan(1);
    for (const alt of p.alternatives) {
      expect(alt.saml).toBe(true);
      expect(alt.origins?.saml).toBe('service.yaml security.require.saml');
      expect(alt.signedParts).toEqual(['body', 'timestamp']);
    }
  });

  it('`false` in service.yaml cannot loosen an imported policy: start-up names the key', () => {
    const problems = problemsOf(claims({ securityYaml: '  operations: {SubmitClaim: {encryptedParts: [], timestamp: false}}' }));
    expect(problems.map((p) => p.path)).toEqual(expect.arrayContaining(['/security/operations/SubmitClaim/encryptedParts', '/security/operations/SubmitClaim/timestamp']));
    expect(problems[0]?.message).toMatch(/cannot loosen the WS-Policy imported from the WSDL/);
  });

  it('wsdlPolicy: superseded makes service.yaml the whole contract, with its defaults', () => {
    const p = policyOf(claims({ securityYaml: '  wsdlPolicy: superseded' }), 'SubmitClaim');
    expect(p.source).toEqual({ kind: 'service.yaml', why: 'superseded' });
    expect(p.alternatives).toHaveLength(1);
    expect(p.alternatives[0]).toMatchObject({ signature: true, signedParts: ['body', 'timestamp'], encryptedParts: [], timestamp: true, saml: false });
    expect(p.alternatives[0]?.origins?.signature).toBe('service.yaml security.require.signature (default)');
    expect(p.alternatives[0]?.algorithmSuite).toBeUndefined();
  });

  it('a WSDL without policy: service.yaml is the contract, key by key per operation', () => {
    const dir = writeExampleConfig('http://127.0.0.1:1', {
      serviceYaml: `security:\n  mode: enforce\n  trust: {anchors: [${join(interopDir, 'certs', 'root-ca.pem')}]}\n  operations: {CancelPolicy: {timestamp: false}}\n`,
    });
    dirs.push(dir);
    const prepared = prepareGateway(join(dir, 'gateway.yaml'), {});
    const cancel = prepared.services[0]?.ports[0]?.policies.get('CancelPolicy');
    expect(cancel?.source).toEqual({ kind: 'service.yaml', why: 'no-wsdl-policy' });
    expect(cancel?.alternatives[0]).toMatchObject({ signature: true, timestamp: false });
    expect(cancel?.alternatives[0]?.origins?.timestamp).toBe('service.yaml security.operations.CancelPolicy.timestamp');
  });
});

describe('fail closed at start-up', () => {
  it('a WSDL with WS-Policy and security.mode off stops start-up at the WSDL', () => {
    const dir = claims({ edit: (y) => y.replace('  mode: enforce', '  mode: off') });
    const p = problemsOf(dir).find((x) => x.message.includes('WS-Policy'));
    expect(p?.file).toBe(join(dir, 'claims', 'ClaimsService.wsdl'));
    expect(p?.message).toMatch(/security\.mode is off/);
  });

  it('wsdlPolicy: refuse still refuses a WSDL that carries WS-Policy', () => {
    expect(problemsOf(claims({ securityYaml: '  wsdlPolicy: refuse' })).some((p) => p.message.includes('wsdlPolicy: refuse'))).toBe(true);
  });

  it("the WSDL's Basic256Sha256 encrypts with AES-256-CBC: without legacy aes-cbc nor an AES-GCM allowance, SubmitClaim could never pass", () => {
    const dir = claims({ require: 'require: {}', edit: (y) => y.replace('  legacy: [aes-cbc]\n', '') });
    const p = problemsOf(dir).find((x) => x.path === '/security/legacy');
    expect(p?.message).toMatch(/sp:AsymmetricBinding\/sp:AlgorithmSuite\/sp:Basic256Sha256 allows only AES-256-CBC for encryption/);
    expect(p?.message).toContain('operation SubmitClaim');
  });

  it('an imported policy that encrypts needs security.decryption', () => {
    const dir = claims({ edit: (y) => y.replace(/ {2}decryption: .*\n/, '') });
    expect(problemsOf(dir).find((x) => x.path === '/security/decryption')?.message).toMatch(/sp:EncryptedParts\/sp:Body requires encryption to the gateway/);
  });

  it('a WSDL UsernameToken with HashPassword needs digest among security.usernameToken.passwordTypes', () => {
    const dir = claims({ edit: (y) => y.replace('passwordTypes: [digest]', 'passwordTypes: [text]') });
    expect(problemsOf(dir).find((x) => x.path === '/security/usernameToken/passwordTypes')?.message).toMatch(/sp:SupportingTokens\/sp:UsernameToken requires PasswordDigest/);
  });
});

describe('start-up warnings about imported policies', () => {
  it('names an output policy it does not enforce and an operation whose WSDL policy requires nothing', () => {
    const original = readFileSync(join(interopDir, 'wsdl', 'ClaimsService.wsdl'), 'utf8');
    const edited = original
      .replaceAll('<wsp:PolicyReference URI="#ClaimsService_X509_Binding_Policy"/>', '')
      .replaceAll('<wsp:PolicyReference URI="#ClaimsService_GetClaimStatus_Input_Policy"/>', '')
      .replace('<wsdl:output>', '<wsdl:output><wsp:PolicyReference URI="#ClaimsService_SubmitClaim_Input_Policy"/>');
    const tmp = mkdtempSync(join(tmpdir(), 'wsgate-wsdl-'));
    dirs.push(tmp);
    writeFileSync(join(tmp, 'ClaimsService.wsdl'), edited);
    const dir = writeClaimsConfig('http://127.0.0.1:1', '', { wsdl: join(tmp, 'ClaimsService.wsdl') });
    dirs.push(dir);
    const warnings = prepareGateway(join(dir, 'gateway.yaml'), {}).warnings;
    expect(warnings.find((w) => w.code === 'wsdl-policy-response-side')?.message).toContain('the output policy of SubmitClaim (binding ClaimsSoap11Binding) is not enforced');
    expect(warnings.filter((w) => w.code === 'wsdl-policy-unprotected').map((w) => w.path)).toEqual(['binding ClaimsSoap11Binding, operation GetClaimStatus', 'binding ClaimsSoap12Binding, operation GetClaimStatus']);
  });
});
