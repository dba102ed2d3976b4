import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareGateway } from '../../src/bootstrap.ts';
import { startClaimsBackend } from '../support/claims-backend.ts';
import { configErrorOf } from '../support/errors.ts';
import { writeClaimsConfig } from '../support/interop.ts';
import { sendInteropCase, wsdlPolicyFixture } from '../support/wsdl-policy.ts';

/**
 * The interop corpus messages against real-world shapes of the ClaimsService WSDL, each with its
 * own WS-SecurityPolicy: what the WSDL says is what is enforced, per operation and per alternative.
 */
let backend: Awaited<ReturnType<typeof startClaimsBackend>>;
const dirs: string[] = [];
beforeAll(async () => {
  backend = await startClaimsBackend();
});
afterAll(async () => {
  await backend.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function configFor(fixture: string): string {
  const dir = writeClaimsConfig(backend.url, '', { wsdl: wsdlPolicyFixture(fixture) });
  dirs.push(dir);
  return dir;
}

describe('CXF-style WSDL: a different PolicyReference on each operation input', () => {
  let dir: string;
  beforeAll(() => {
    dir = configFor('cxf-per-operation');
  });

  it('GetClaimStatus with the signed UsernameToken its input policy asks for reaches the backend (WSS4J A06)', async () => {
    const r = await sendInteropCase(dir, backend, 'A06');
    expect(r.status).toBe(200);
    expect(r.forwarded?.body).toContain('GetClaimStatusRequest');
  });

  it('GetClaimStatus without the UsernameToken is refused naming sp:SignedSupportingTokens/sp:UsernameToken (WSS4J A01)', async () => {
    const r = await sendInteropCase(dir, backend, 'A01');
    expect(r.forwarded).toBeUndefined();
    expect(r.publicCode).toBe('GW_ERR_SEC_REJECTED');
    expect(r.code).toBe('GW_ERR_POLICY_TOKEN');
    expect(r.detail?.['assertion']).toBe('sp:SignedSupportingTokens/sp:UsernameToken');
  });

  it('a UsernameToken outside the signature does not meet SignedSupportingTokens (zeep A12 signs Body and Timestamp only)', async () => {
    const r = await sendInteropCase(dir, backend, 'A12');
    expect(r.forwarded).toBeUndefined();
    expect(r.code).toBe('GW_ERR_POLICY_TOKEN');
    expect(r.detail?.['assertion']).toBe('sp:SignedSupportingTokens/sp:UsernameToken');
  });

  it('ListPolicies carries the SAML token its own input policy asks for (zeep A14), and without one is refused (R12)', async () => {
    const ok = await sendInteropCase(dir, backend, 'A14');
    expect(ok.status).toBe(200);
    expect(ok.forwarded?.body).toContain('ListPoliciesRequest');
    const missing = await sendInteropCase(dir, backend, 'R12');
    expect(missing.forwarded).toBeUndefined();
    expect(missing.code).toBe('GW_ERR_POLICY_SAML_REQUIRED');
    expect(missing.detail?.['assertion']).toBe('sp:SupportingTokens/sp:SamlToken');
  });

  it('SubmitClaim signed with the certificate as BinarySecurityToken and encrypted reaches the backend decrypted (xmlsec1 A17)', async () => {
    const r = await sendInteropCase(dir, backend, 'A17');
    expect(r.status).toBe(200);
    expect(r.forwarded?.body).toContain('SubmitClaimRequest');
    expect(r.forwarded?.body).not.toContain('EncryptedData');
  });

  it('SubmitClaim signed by a certificate only referenced by SKI breaks InitiatorToken IncludeToken AlwaysToRecipient (WSS4J A07)', async () => {
    const r = await sendInteropCase(dir, backend, 'A07');
    expect(r.forwarded).toBeUndefined();
    expect(r.code).toBe('GW_ERR_POLICY_TOKEN');
    expect(r.detail).toMatchObject({ assertion: 'sp:AsymmetricBinding/sp:InitiatorToken/sp:X509Token', reference: 'keyid-ski' });
  });
});

describe('WCF-style WSDL: wsp:ExactlyOne of a TransportBinding and an AsymmetricBinding (WS-Policy 1.2, WS-SecurityPolicy 1.1)', () => {
  let dir: string;
  beforeAll(() => {
    dir = configFor('wcf-alternatives');
  });

  it('a message over plain HTTP that satisfies only the second alternative (Strict layout: Timestamp and token before the signature) is forwarded (xmlsec1 A15)', async () => {
    const r = await sendInteropCase(dir, backend, 'A15');
    expect(r.status).toBe(200);
    expect(r.forwarded?.body).toContain('GetClaimStatusRequest');
  });

  it('a message that satisfies neither alternative is refused; the detail names the Strict layout of alternative 2, the closest (WSS4J A01: Timestamp after the signature)', async () => {
    const r = await sendInteropCase(dir, backend, 'A01');
    expect(r.forwarded).toBeUndefined();
    expect(r.publicCode).toBe('GW_ERR_SEC_REJECTED');
    expect(r.code).toBe('GW_ERR_POLICY_LAYOUT');
    expect(r.detail).toMatchObject({ assertion: 'sp:AsymmetricBinding/sp:Layout/sp:Strict', alternative: 2, alternatives: 2 });
    expect(String(r.detail?.['failed'])).toContain('1: sp:TransportBinding/sp:TransportToken/sp:HttpsToken');
  });

  it('a BinarySecurityToken after the signature that uses it breaks Strict as well (zeep A10)', async () => {
    const r = await sendInteropCase(dir, backend, 'A10');
    expect(r.forwarded).toBeUndefined();
    expect(r.code).toBe('GW_ERR_POLICY_LAYOUT');
    expect(r.detail?.['element']).toBe('{http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd}BinarySecurityToken');
  });
});

describe('a WSDL whose policy the gateway cannot enforce', () => {
  it('stops start-up naming the SymmetricBinding and the Kerberos token, their WSDL line, binding and operation', () => {
    const dir = configFor('unsupported-symmetric');
    const wsdl = join(dir, 'claims', 'ClaimsService.wsdl');
    const lines = readFileSync(wsdl, 'utf8').split('\n');
    const lineOf = (needle: string): number => lines.findIndex((l) => l.includes(needle)) + 1;
    const err = configErrorOf(() => prepareGateway(join(dir, 'gateway.yaml'), {}));
    const symmetric = err.problems.filter((p) => p.message.includes('sp:SymmetricBinding'));
    expect(symmetric.map((p) => p.path)).toEqual([
      "/definitions[@name='ClaimsService']/binding[@name='ClaimsSoap11Binding']",
      "/definitions[@name='ClaimsService']/binding[@name='ClaimsSoap12Binding']",
    ]);
    for (const p of symmetric) {
      expect(p.file).toBe(wsdl);
      expect(p.line).toBe(lineOf('<sp:SymmetricBinding>'));
      expect(p.message).toContain('({http://docs.oasis-open.org/ws-sx/ws-securitypolicy/200702}SymmetricBinding) is not supported');
      expect(p.message).toContain('operations SubmitClaim, GetClaimStatus, ListPolicies]');
    }
    const kerberos = err.problems.find((p) => p.message.includes('sp:EndorsingSupportingTokens/sp:KerberosToken'));
    expect(kerberos?.line).toBe(lineOf('<sp:KerberosToken'));
    expect(kerberos?.path).toBe("/definitions[@name='ClaimsService']/binding[@name='ClaimsSoap11Binding']/operation[@name='GetClaimStatus']/input");
    expect(kerberos?.message).toContain('operation GetClaimStatus]');
  });
});
