import { describe, expect, it } from 'vitest';
import { authorize, authorizeOperation } from '../../../src/auth/authorize.ts';
import { principalOf, type Principal } from '../../../src/auth/principal.ts';
import type { AuthzRule } from '../../../src/config/types.ts';
import type { SamlAssertionResult, SecurityFacts, SignatureResult, UsernameTokenResult } from '../../../src/security/types.ts';

const broker: Principal = {
  x509: { subject: 'C=DE, O=Broker, CN=broker-7731', issuer: 'C=DE, CN=Issuing CA', fingerprint256: 'AA:BB' },
  username: 'broker-7731',
  saml: { issuer: 'https://idp.example', nameId: 'alice', attributes: { role: ['claims-reader', 'auditor'] } },
};
const subject = (equals: string): AuthzRule => ({ match: { field: 'x509.subject', equals } });

describe('authorize: match', () => {
  it('allows an exact equals and refuses a different value, naming both in the reason', () => {
    expect(authorize(broker, subject('C=DE, O=Broker, CN=broker-7731')).allowed).toBe(true);
    const d = authorize(broker, subject('CN=someone-else'));
    expect(d.allowed).toBe(false);
    expect(d.reason).toContain('x509.subject');
    expect(d.reason).toContain('someone-else');
  });

  it('allows a value listed in `in`', () => {
    expect(authorize(broker, { match: { field: 'username', in: ['ops', 'broker-7731'] } }).allowed).toBe(true);
    expect(authorize(broker, { match: { field: 'username', in: ['ops'] } }).allowed).toBe(false);
  });

  it('does not match by prefix, suffix or case', () => {
    expect(authorize(broker, { match: { field: 'username', equals: 'broker' } }).allowed).toBe(false);
    expect(authorize(broker, { match: { field: 'username', equals: 'BROKER-7731' } }).allowed).toBe(false);
    expect(authorize(broker, { match: { field: 'x509.fingerprint256', equals: 'aa:bb' } }).allowed).toBe(false);
  });

  it('matches any value of a multi-valued SAML attribute, and only the named attribute', () => {
    expect(authorize(broker, { match: { field: 'saml.attribute', name: 'role', equals: 'auditor' } }).allowed).toBe(true);
    expect(authorize(broker, { match: { field: 'saml.attribute', name: 'role', in: ['admin', 'claims-reader'] } }).allowed).toBe(true);
    expect(authorize(broker, { match: { field: 'saml.attribute', name: 'role', equals: 'admin' } }).allowed).toBe(false);
    expect(authorize(broker, { match: { field: 'saml.attribute', name: 'group', equals: 'auditor' } }).allowed).toBe(false);
    // Inherited object keys are not attributes.
    expect(authorize(broker, { match: { field: 'saml.attribute', name: 'constructor', in: ['function Object() { [native code] }'] } }).allowed).toBe(false);
  });

  it('denies when the field is missing from the principal', () => {
    const empty: Principal = {};
    for (const field of ['x509.subject', 'x509.issuer', 'x509.fingerprint256', 'tls.subject', 'tls.fingerprint256', 'username', 'saml.issuer', 'saml.nameId'] as const) {
      const d = authorize(empty, { match: { field, in: ['', 'anything'] } });
      expect(d.allowed, field).toBe(false);
      expect(d.reason).toContain('not established');
    }
    expect(authorize({ saml: { issuer: 'i', attributes: {} } }, { match: { field: 'saml.nameId', equals: '' } }).allowed).toBe(false);
  });
});

describe('authorize: anyOf / allOf', () => {
  const ok = subject('C=DE, O=Broker, CN=broker-7731');
  const no = subject('CN=nobody');
  it('anyOf allows when one rule allows and denies when none does', () => {
    expect(authorize(broker, { anyOf: [no, ok] }).allowed).toBe(true);
    const d = authorize(broker, { anyOf: [no, { match: { field: 'tls.subject', equals: 'x' } }] });
    expect(d.allowed).toBe(false);
    expect(d.reason).toContain('tls.subject is not established');
  });
  it('allOf needs every rule', () => {
    expect(authorize(broker, { allOf: [ok, { match: { field: 'saml.issuer', equals: 'https://idp.example' } }] }).allowed).toBe(true);
    expect(authorize(broker, { allOf: [ok, no] }).allowed).toBe(false);
  });
  it('empty anyOf and allOf deny (fail closed)', () => {
    expect(authorize(broker, { anyOf: [] }).allowed).toBe(false);
    expect(authorize(broker, { allOf: [] }).allowed).toBe(false);
  });
  it('nests', () => {
    expect(authorize(broker, { allOf: [{ anyOf: [no, ok] }, { anyOf: [{ match: { field: 'username', equals: 'broker-7731' } }] }] }).allowed).toBe(true);
  });
});

describe('authorizeOperation: default deny', () => {
  const config = { operations: { GetClaimStatus: { match: { field: 'username', equals: 'broker-7731' } } as AuthzRule } };
  it('denies an operation without a rule when rules exist', () => {
    const d = authorizeOperation(config, 'SubmitClaim', broker);
    expect(d.allowed).toBe(false);
    expect(d.reason).toContain('no authorization rule');
  });
  it("falls back to '*' and prefers the operation's own rule", () => {
    const withStar = { operations: { ...config.operations, '*': { match: { field: 'username', equals: 'ops' } } as AuthzRule } };
    expect(authorizeOperation(withStar, 'GetClaimStatus', broker).allowed).toBe(true);
    expect(authorizeOperation(withStar, 'SubmitClaim', broker).allowed).toBe(false);
    expect(authorizeOperation({ operations: { '*': { match: { field: 'username', equals: 'broker-7731' } } } }, 'SubmitClaim', broker).allowed).toBe(true);
  });
  it('does not take an operation named after an Object.prototype key as having a rule', () => {
    expect(authorizeOperation(config, 'toString', broker).allowed).toBe(false);
  });
});

describe('principalOf: only verified facts', () => {
  const signer = (fp: string, subj: string): SignatureResult => ({ signer: { fingerprint256: fp, subject: subj, issuer: 'CN=CA' } }) as unknown as SignatureResult;
  const facts = (over: Partial<SecurityFacts>): SecurityFacts => ({ signatures: [], usernameTokens: [], samlAssertions: [], ...over }) as unknown as SecurityFacts;

  it('is empty without facts and without a TLS client', () => {
    expect(principalOf(undefined, undefined)).toEqual({});
  });

  it('takes the signer, the user, the assertion and the TLS client', () => {
    const saml = { issuer: 'https://idp.example', nameId: 'alice', attributes: new Map([['role', ['r']]]) } as unknown as SamlAssertionResult;
    const p = principalOf(
      facts({ signatures: [signer('AA', 'CN=a'), signer('AA', 'CN=a')], usernameTokens: [{ username: 'u' } as UsernameTokenResult], samlAssertions: [saml] }),
      { subject: 'CN=tls', issuer: 'CN=CA', fingerprint256: 'TT' },
    );
    expect(p).toEqual({
      x509: { subject: 'CN=a', issuer: 'CN=CA', fingerprint256: 'AA' },
      tls: { subject: 'CN=tls', issuer: 'CN=CA', fingerprint256: 'TT' },
      username: 'u',
      saml: { issuer: 'https://idp.example', nameId: 'alice', attributes: { role: ['r'] } },
    });
    expect(Object.isFrozen(p)).toBe(true);
  });

  it('leaves x509 out when verified signatures name different signers (ambiguous identity denies)', () => {
    const p = principalOf(facts({ signatures: [signer('AA', 'CN=a'), signer('BB', 'CN=b')] }), undefined);
    expect(p.x509).toBeUndefined();
    expect(authorize(p, subject('CN=a')).allowed).toBe(false);
  });
});
