import { describe, expect, it } from 'vitest';
import { enforceAlternatives } from '../../../src/policy/enforce.ts';
import type { MessageView } from '../../../src/policy/message-view.ts';
import type { AlgorithmSuiteRequirement, X509TokenRequirement } from '../../../src/policy/model.ts';
import { checkAlgorithmSuite } from '../../../src/policy/validators/algorithm-suite.ts';
import { checkSupportingTokens } from '../../../src/policy/validators/supporting.ts';
import { checkRecipientToken, checkSignerToken } from '../../../src/policy/validators/tokens.ts';
import { ALGORITHM_SUITES } from '../../../src/policy/wspolicy/algorithm-suites.ts';
import { ALG_AES256_CBC, ALG_AES256_GCM } from '../../../src/security/encryption/algorithms.ts';
import { SIG_ECDSA_SHA256 } from '../../../src/security/signature/algorithms.ts';
import type { UsernameTokenResult } from '../../../src/security/types.ts';
import { codeOf, gatewayErrorOf } from '../../support/errors.ts';
import { decryption, ecCert, factsOf, message, req, signature } from './facts.ts';
import type { Message } from './facts.ts';

const view = (m: Message, facts = factsOf(m)): MessageView => ({ facts, envelope: m.env, transport: undefined });
const token = (over: Partial<X509TokenRequirement>): X509TokenRequirement => ({ assertion: 'sp:AsymmetricBinding/sp:InitiatorToken/sp:X509Token', inclusion: 'always', references: [], tokenType: undefined, ...over });
const basic256sha256 = { assertion: 'sp:AsymmetricBinding/sp:AlgorithmSuite/sp:Basic256Sha256', name: 'Basic256Sha256', ...ALGORITHM_SUITES.get('Basic256Sha256') } as AlgorithmSuiteRequirement;

describe('InitiatorToken / RecipientToken (sp:X509Token)', () => {
  it('IncludeToken Always: a signature whose certificate is only referenced by SKI is refused', () => {
    const m = message();
    const v = checkSignerToken(req({ signer: token({}) }), view(m, factsOf(m, { signatures: [signature(m.sig, [m.env.body], { reference: 'keyid-ski' })] })));
    expect(v).toMatchObject({ code: 'GW_ERR_POLICY_TOKEN', detail: { assertion: 'sp:AsymmetricBinding/sp:InitiatorToken/sp:X509Token', reference: 'keyid-ski' } });
  });

  it('IncludeToken Never: a BinarySecurityToken in the message is refused; the listed reference styles pass', () => {
    const m = message();
    const never = req({ signer: token({ inclusion: 'never', references: ['thumbprint', 'issuer-serial'] }) });
    expect(checkSignerToken(never, view(m, factsOf(m, { signatures: [signature(m.sig, [m.env.body], { token: m.bst })] })))?.reason).toMatch(/must not be included/);
    expect(checkSignerToken(never, view(m, factsOf(m, { signatures: [signature(m.sig, [m.env.body], { reference: 'keyid-ski' })] })))?.reason).toMatch(/thumbprint or issuer-serial/);
    expect(checkSignerToken(never, view(m, factsOf(m, { signatures: [signature(m.sig, [m.env.body], { reference: 'issuer-serial' })] })))).toBeUndefined();
  });

  it('an X509v3 KeyIdentifier is a key identifier reference, not an inclusion (as WSS4J reads it)', () => {
    const m = message();
    const facts = factsOf(m, { signatures: [signature(m.sig, [m.env.body], { reference: 'keyid-x509v3' })] });
    expect(checkSignerToken(req({ signer: token({ inclusion: 'never', references: ['key-identifier'] }) }), view(m, facts))).toBeUndefined();
    expect(checkSignerToken(req({ signer: token({ inclusion: 'always' }) }), view(m, facts))?.code).toBe('GW_ERR_POLICY_TOKEN');
  });

  it('RecipientToken: an EncryptedKey that names the gateway certificate by a reference style not listed is refused', () => {
    const m = message();
    const recipient = token({ assertion: 'sp:AsymmetricBinding/sp:RecipientToken/sp:X509Token', inclusion: 'never', references: ['issuer-serial'] });
    expect(checkRecipientToken(req({ recipient }), view(m, factsOf(m, { decryptions: [decryption([m.order], { keyReference: 'keyid-thumbprint' })] })))?.detail).toMatchObject({ assertion: recipient.assertion, reference: 'keyid-thumbprint' });
    expect(checkRecipientToken(req({ recipient }), view(m, factsOf(m, { decryptions: [decryption([m.order])] })))).toBeUndefined();
  });
});

describe('AlgorithmSuite', () => {
  it('an ECDSA signature is outside Basic256Sha256 unless service.yaml allowAlgorithms adds it', () => {
    const m = message();
    const facts = factsOf(m, { signatures: [signature(m.sig, [m.env.body], { method: SIG_ECDSA_SHA256, cert: ecCert })] });
    expect(checkAlgorithmSuite(req({ algorithmSuite: basic256sha256 }), view(m, facts))).toMatchObject({ code: 'GW_ERR_POLICY_ALGORITHM', detail: { algorithm: SIG_ECDSA_SHA256, element: 'ds:SignatureMethod' } });
    expect(checkAlgorithmSuite(req({ algorithmSuite: basic256sha256, allowAlgorithms: ['ecdsa-sha256'] }), view(m, facts))).toBeUndefined();
  });

  it('AES-256-GCM data is outside the suite (AES-256-CBC) unless allowed; a SHA-512 digest is outside', () => {
    const m = message();
    const gcm = factsOf(m, { decryptions: [decryption([m.order], { dataAlgorithm: ALG_AES256_GCM })] });
    expect(checkAlgorithmSuite(req({ algorithmSuite: basic256sha256 }), view(m, gcm))?.detail['algorithm']).toBe(ALG_AES256_GCM);
    expect(checkAlgorithmSuite(req({ algorithmSuite: basic256sha256, allowAlgorithms: ['aes256-gcm'] }), view(m, gcm))).toBeUndefined();
    expect(checkAlgorithmSuite(req({ algorithmSuite: basic256sha256 }), view(m, factsOf(m, { decryptions: [decryption([m.order], { dataAlgorithm: ALG_AES256_CBC })] })))).toBeUndefined();
    const sha512 = factsOf(m, { signatures: [signature(m.sig, [m.env.body], { digest: 'http://www.w3.org/2001/04/xmlenc#sha512' })] });
    expect(checkAlgorithmSuite(req({ algorithmSuite: basic256sha256 }), view(m, sha512))?.detail['element']).toBe('ds:DigestMethod');
  });

  it('an RSA signing key outside the suite bounds is refused with its size', () => {
    const m = message();
    const facts = factsOf(m, { signatures: [signature(m.sig, [m.env.body])] });
    expect(checkAlgorithmSuite(req({ algorithmSuite: basic256sha256 }), view(m, facts))).toBeUndefined();
    expect(checkAlgorithmSuite(req({ algorithmSuite: { ...basic256sha256, maxRsaBits: 2048 } }), view(m, facts))?.detail['keyBits']).toBe(3072);
  });
});

describe('supporting tokens', () => {
  const ut = (m: Message, passwordType: 'text' | 'digest', nonce = 'n'): UsernameTokenResult => ({ kind: 'usernameToken', element: m.ut, username: 'u', passwordType, nonce, created: new Date(0) });
  const digest = { kind: 'username' as const, assertion: 'sp:SupportingTokens/sp:UsernameToken', container: 'SupportingTokens' as const, password: 'digest' as const, nonce: false, created: false };

  it('HashPassword: a PasswordText token is refused, naming the type it used', () => {
    const m = message();
    expect(checkSupportingTokens(req({ supportingTokens: [digest] }), view(m, factsOf(m, { usernames: [ut(m, 'text')] })))).toMatchObject({ code: 'GW_ERR_POLICY_TOKEN', detail: { passwordType: 'text' } });
    expect(checkSupportingTokens(req({ supportingTokens: [digest] }), view(m, factsOf(m, { usernames: [ut(m, 'digest')] })))).toBeUndefined();
  });

  it('SignedSupportingTokens: the token must be covered by the primary signature; sp13:Nonce must be present', () => {
    const m = message();
    const signed = { ...digest, container: 'SignedSupportingTokens' as const, assertion: 'sp:SignedSupportingTokens/sp:UsernameToken' };
    expect(checkSupportingTokens(req({ supportingTokens: [signed] }), view(m, factsOf(m, { usernames: [ut(m, 'digest')], signatures: [signature(m.sig, [m.env.body])] })))?.reason).toMatch(/not covered by the message signature/);
    expect(checkSupportingTokens(req({ supportingTokens: [signed] }), view(m, factsOf(m, { usernames: [ut(m, 'digest')], signatures: [signature(m.sig, [m.env.body, m.ut])] })))).toBeUndefined();
    expect(checkSupportingTokens(req({ supportingTokens: [{ ...digest, nonce: true }] }), view(m, factsOf(m, { usernames: [{ ...ut(m, 'digest'), nonce: undefined }] })))?.reason).toMatch(/Nonce or Created/);
  });

  it('a SAML token the message lacks keeps its own code, before any other token', () => {
    const m = message();
    const r = req({ saml: true, supportingTokens: [digest, { kind: 'saml', assertion: 'sp:SupportingTokens/sp:SamlToken', container: 'SupportingTokens', version: '2.0' }] });
    expect(checkSupportingTokens(r, view(m))).toMatchObject({ code: 'GW_ERR_POLICY_SAML_REQUIRED', detail: { assertion: 'saml' } });
    expect(checkSupportingTokens({ ...r, saml: false }, view(m))).toMatchObject({ code: 'GW_ERR_POLICY_SAML_REQUIRED', detail: { assertion: 'sp:SupportingTokens/sp:SamlToken' } });
  });

  it('EndorsingSupportingTokens: a second signature over the primary ds:Signature endorses it', () => {
    const m = message(['bst', 'sig', 'ts', 'ut']);
    const endorsing = { kind: 'x509' as const, assertion: 'sp:EndorsingSupportingTokens/sp:X509Token', container: 'EndorsingSupportingTokens' as const, token: token({ inclusion: 'never', references: [] }) };
    const primary = signature(m.sig, [m.env.body]);
    expect(checkSupportingTokens(req({ supportingTokens: [endorsing] }), view(m, factsOf(m, { signatures: [primary] })))?.reason).toMatch(/endorsing X.509 signature/);
    const endorser = signature(m.ut, [m.sig], { reference: 'issuer-serial' });
    expect(checkSupportingTokens(req({ supportingTokens: [endorsing] }), view(m, factsOf(m, { signatures: [primary, endorser] })))).toBeUndefined();
  });
});

describe('alternatives (satisfied if any one holds)', () => {
  const first = req({ signedParts: ['body'], origins: { signedBody: 'sp:SignedParts/sp:Body' } });
  const second = req({ transport: { assertion: 'sp:TransportBinding/sp:TransportToken/sp:HttpsToken', clientCertificate: false } });

  it('returns the index of the first alternative the message satisfies', () => {
    const m = message();
    const facts = factsOf(m, { signatures: [signature(m.sig, [m.env.body])] });
    expect(enforceAlternatives([second, first], { facts, envelope: m.env, transport: { proto: 'http', tlsClient: undefined } })).toBe(1);
  });

  it('when none holds, throws the failure of the alternative that got furthest, naming it and the others', () => {
    const m = message();
    const err = gatewayErrorOf(() => enforceAlternatives([second, first], { facts: factsOf(m, { signatures: [signature(m.sig, [m.to])] }), envelope: m.env, transport: { proto: 'http', tlsClient: undefined } }));
    expect(err.code).toBe('GW_ERR_POLICY_SIGNED_PARTS');
    expect(err.detail).toMatchObject({ assertion: 'sp:SignedParts/sp:Body', part: 'body', alternative: 2, alternatives: 2, failed: '1: sp:TransportBinding/sp:TransportToken/sp:HttpsToken; 2: sp:SignedParts/sp:Body' });
  });

  it('the AES-CBC floor is checked before any alternative: CBC plaintext outside every signature is refused', () => {
    const m = message();
    const cbc = factsOf(m, { decryptions: [decryption([m.order], { dataAlgorithm: ALG_AES256_CBC })] });
    expect(codeOf(() => enforceAlternatives([req()], { facts: cbc, envelope: m.env, transport: undefined }))).toBe('GW_ERR_POLICY_ENCRYPTED_PARTS');
  });

  it('no Security header while the alternative needs one is GW_ERR_SEC_HEADER_MISSING', () => {
    const m = message();
    expect(codeOf(() => enforceAlternatives([req({ timestamp: true })], { facts: { ...factsOf(m), header: undefined }, envelope: m.env, transport: undefined }))).toBe('GW_ERR_SEC_HEADER_MISSING');
  });
});
