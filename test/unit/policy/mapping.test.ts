import { describe, expect, it } from 'vitest';
import { ALG_AES128_CBC, ALG_AES256_CBC, ALG_RSA_OAEP_MGF1P } from '../../../src/security/encryption/algorithms.ts';
import { DIGEST_SHA1, DIGEST_SHA256, SIG_RSA_SHA1, SIG_RSA_SHA256 } from '../../../src/security/signature/algorithms.ts';
import { SP11, SP12, WSP12, mapPolicy, onlyRequirements, policyXml } from './helpers.ts';

const x509 = (include: string, nested = '<sp:WssX509V3Token10/>', sp = SP12): string =>
  `<sp:X509Token sp:IncludeToken="${sp}/IncludeToken/${include}"><wsp:Policy>${nested}</wsp:Policy></sp:X509Token>`;

const asymmetric = (extra = '', suite = 'Basic256Sha256'): string =>
  `<sp:AsymmetricBinding><wsp:Policy>
     <sp:InitiatorToken><wsp:Policy>${x509('AlwaysToRecipient')}</wsp:Policy></sp:InitiatorToken>
     <sp:RecipientToken><wsp:Policy>${x509('Never', '<sp:RequireIssuerSerialReference/>')}</wsp:Policy></sp:RecipientToken>
     <sp:AlgorithmSuite><wsp:Policy><sp:${suite}/></wsp:Policy></sp:AlgorithmSuite>
     ${extra}
   </wsp:Policy></sp:AsymmetricBinding>`;

const messages = (xml: string): string[] => mapPolicy(xml).problems.map((p) => p.message);

describe('AsymmetricBinding', () => {
  it('maps tokens, suite, layout, timestamp and header rules, with the assertion path of each', () => {
    const r = onlyRequirements(policyXml(`${asymmetric('<sp:Layout><wsp:Policy><sp:LaxTsFirst/></wsp:Policy></sp:Layout><sp:IncludeTimestamp/><sp:OnlySignEntireHeadersAndBody/><sp:ProtectTokens/>')}<sp:SignedParts><sp:Body/></sp:SignedParts>`));
    expect(r.signer).toEqual({ assertion: 'sp:AsymmetricBinding/sp:InitiatorToken/sp:X509Token', inclusion: 'always', references: [], tokenType: 'WssX509V3Token10' });
    expect(r.recipient).toMatchObject({ inclusion: 'never', references: ['issuer-serial'] });
    expect(r.layout).toEqual({ assertion: 'sp:AsymmetricBinding/sp:Layout/sp:LaxTsFirst', layout: 'LaxTsFirst' });
    expect(r).toMatchObject({ signature: true, signedParts: ['body', 'timestamp'], timestamp: true, onlySignEntireHeadersAndBody: 'sp:AsymmetricBinding/sp:OnlySignEntireHeadersAndBody', protectTokens: 'sp:AsymmetricBinding/sp:ProtectTokens' });
    expect(r.origins).toMatchObject({ signedBody: 'sp:SignedParts/sp:Body', signedTimestamp: 'sp:AsymmetricBinding/sp:IncludeTimestamp', timestamp: 'sp:AsymmetricBinding/sp:IncludeTimestamp' });
  });

  it('reads the three reference styles and AlwaysToInitiator as "never in a request"', () => {
    const refs = '<sp:RequireKeyIdentifierReference/><sp:RequireIssuerSerialReference/><sp:RequireThumbprintReference/>';
    const r = onlyRequirements(policyXml(`<sp:AsymmetricBinding><wsp:Policy><sp:InitiatorToken><wsp:Policy>${x509('AlwaysToInitiator', refs)}</wsp:Policy></sp:InitiatorToken><sp:AlgorithmSuite><wsp:Policy><sp:Basic128/></wsp:Policy></sp:AlgorithmSuite></wsp:Policy></sp:AsymmetricBinding>`));
    expect(r.signer).toMatchObject({ inclusion: 'never', references: ['key-identifier', 'issuer-serial', 'thumbprint'], tokenType: undefined });
  });

  it('without an InitiatorToken or an AlgorithmSuite it is a start-up problem', () => {
    expect(messages(policyXml('<sp:AsymmetricBinding><wsp:Policy><sp:IncludeTimestamp/></wsp:Policy></sp:AsymmetricBinding>'))[0]).toMatch(/has no sp:InitiatorToken/);
  });

  it('refuses EncryptSignature: the engine cannot decrypt a ds:Signature, so nothing could satisfy it', () => {
    expect(messages(policyXml(asymmetric('<sp:EncryptSignature/>')))[0]).toMatch(/^sp:AsymmetricBinding\/sp:EncryptSignature \(\{.*200702\}EncryptSignature\) is not supported: the gateway does not decrypt an encrypted ds:Signature/);
  });

  it('refuses ProtectTokens with an initiator token that is never included', () => {
    const xml = policyXml(`<sp:AsymmetricBinding><wsp:Policy><sp:InitiatorToken><wsp:Policy>${x509('Never', '<sp:RequireThumbprintReference/>')}</wsp:Policy></sp:InitiatorToken><sp:AlgorithmSuite><wsp:Policy><sp:Basic256Sha256/></wsp:Policy></sp:AlgorithmSuite><sp:ProtectTokens/></wsp:Policy></sp:AsymmetricBinding>`);
    expect(messages(xml)[0]).toMatch(/ProtectTokens with an InitiatorToken that is never included cannot be satisfied/);
  });

  it('records EncryptBeforeSigning and the response-side tokens instead of pretending to check them', () => {
    const r = onlyRequirements(policyXml(asymmetric(`<sp:EncryptBeforeSigning/><sp:RecipientSignatureToken><wsp:Policy>${x509('Never')}</wsp:Policy></sp:RecipientSignatureToken>`)));
    expect(r.recorded?.map((x) => x.assertion)).toEqual(expect.arrayContaining(['sp:AsymmetricBinding/sp:EncryptBeforeSigning', 'sp:AsymmetricBinding/sp:RecipientSignatureToken']));
  });

  it('refuses derived keys, embedded references and non-v3 X.509 token types', () => {
    for (const nested of ['<sp:RequireDerivedKeys/>', '<sp:RequireEmbeddedTokenReference/>', '<sp:WssX509Pkcs7Token11/>']) {
      expect(messages(policyXml(`<sp:AsymmetricBinding><wsp:Policy><sp:InitiatorToken><wsp:Policy>${x509('Always', nested)}</wsp:Policy></sp:InitiatorToken><sp:AlgorithmSuite><wsp:Policy><sp:Basic256/></wsp:Policy></sp:AlgorithmSuite></wsp:Policy></sp:AsymmetricBinding>`))).toHaveLength(1);
    }
  });
});

describe('AlgorithmSuite', () => {
  it('Basic256Sha256: SHA-256 digests, RSA-SHA256 (or RSA-SHA1, the spec letter) signatures, RSA-OAEP, AES-256-CBC, 1024–4096-bit RSA', () => {
    expect(onlyRequirements(policyXml(asymmetric())).algorithmSuite).toEqual({
      assertion: 'sp:AsymmetricBinding/sp:AlgorithmSuite/sp:Basic256Sha256',
      name: 'Basic256Sha256',
      signature: [SIG_RSA_SHA256, SIG_RSA_SHA1],
      digest: [DIGEST_SHA256],
      keyTransport: [ALG_RSA_OAEP_MGF1P],
      encryption: [ALG_AES256_CBC],
      minRsaBits: 1024,
      maxRsaBits: 4096,
    });
  });

  it('Basic128Sha256 encrypts with AES-128-CBC; Basic256 keeps SHA-1', () => {
    expect(onlyRequirements(policyXml(asymmetric('', 'Basic128Sha256'))).algorithmSuite?.encryption).toEqual([ALG_AES128_CBC]);
    expect(onlyRequirements(policyXml(asymmetric('', 'Basic256'))).algorithmSuite).toMatchObject({ signature: [SIG_RSA_SHA1], digest: [DIGEST_SHA1] });
  });

  it.each(['Basic256Rsa15', 'Basic128Rsa15', 'Basic256Sha256Rsa15', 'TripleDesRsa15'])('refuses %s at start-up: RSA-1_5 key transport is never accepted', (suite) => {
    expect(messages(policyXml(asymmetric('', suite)))[0]).toMatch(new RegExp(`^sp:AsymmetricBinding/sp:AlgorithmSuite/sp:${suite} .* is not supported: the suite transports keys with RSA-1_5`));
  });

  it('refuses InclusiveC14N, records STRTransform10', () => {
    expect(messages(policyXml(`<sp:AsymmetricBinding><wsp:Policy><sp:InitiatorToken><wsp:Policy>${x509('Always')}</wsp:Policy></sp:InitiatorToken><sp:AlgorithmSuite><wsp:Policy><sp:Basic256Sha256/><sp:InclusiveC14N/></wsp:Policy></sp:AlgorithmSuite></wsp:Policy></sp:AsymmetricBinding>`))[0]).toMatch(/InclusiveC14N .* exclusive C14N only/);
    const r = onlyRequirements(policyXml(`<sp:AsymmetricBinding><wsp:Policy><sp:InitiatorToken><wsp:Policy>${x509('Always')}</wsp:Policy></sp:InitiatorToken><sp:AlgorithmSuite><wsp:Policy><sp:Basic256Sha256/><sp:STRTransform10/></wsp:Policy></sp:AlgorithmSuite></wsp:Policy></sp:AsymmetricBinding>`));
    expect(r.recorded?.some((x) => x.assertion.endsWith('sp:STRTransform10'))).toBe(true);
  });
});

describe('TransportBinding', () => {
  it('HttpsToken with RequireClientCertificate (1.2 nested form) means HTTPS with a verified client certificate; signed parts are left to TLS', () => {
    const r = onlyRequirements(policyXml('<sp:TransportBinding><wsp:Policy><sp:TransportToken><wsp:Policy><sp:HttpsToken><wsp:Policy><sp:RequireClientCertificate/></wsp:Policy></sp:HttpsToken></wsp:Policy></sp:TransportToken><sp:IncludeTimestamp/></wsp:Policy></sp:TransportBinding><sp:SignedParts><sp:Body/></sp:SignedParts>'));
    expect(r.transport).toEqual({ assertion: 'sp:TransportBinding/sp:TransportToken/sp:HttpsToken', clientCertificate: true });
    expect(r).toMatchObject({ signature: false, signedParts: [], timestamp: true });
    expect(r.recorded).toContainEqual({ assertion: 'sp:SignedParts/sp:Body', note: 'protected by HTTPS (TransportBinding)' });
  });

  it('reads the WS-SecurityPolicy 1.1 attribute form RequireClientCertificate="true" under WS-Policy 1.2', () => {
    const r = onlyRequirements(policyXml('<sp:TransportBinding><wsp:Policy><sp:TransportToken><wsp:Policy><sp:HttpsToken RequireClientCertificate="true"/></wsp:Policy></sp:TransportToken></wsp:Policy></sp:TransportBinding>', { wsp: WSP12, sp: SP11 }));
    expect(r.transport?.clientCertificate).toBe(true);
  });

  it('refuses HTTP Basic authentication in the HttpsToken', () => {
    expect(messages(policyXml('<sp:TransportBinding><wsp:Policy><sp:TransportToken><wsp:Policy><sp:HttpsToken><wsp:Policy><sp:HttpBasicAuthentication/></wsp:Policy></sp:HttpsToken></wsp:Policy></sp:TransportToken></wsp:Policy></sp:TransportBinding>'))[0]).toMatch(/HTTP authentication is not checked/);
  });
});

describe('SignedParts, EncryptedParts, SignedElements, EncryptedElements', () => {
  it('sp:Header by QName, and every header of a namespace without Name', () => {
    const r = onlyRequirements(policyXml('<sp:SignedParts><sp:Header Name="To" Namespace="http://www.w3.org/2005/08/addressing"/><sp:Header Namespace="urn:trace"/></sp:SignedParts><sp:EncryptedParts><sp:Header Name="Card" Namespace="urn:pay"/></sp:EncryptedParts>'));
    expect(r.signedHeaders).toEqual([
      { assertion: 'sp:SignedParts/sp:Header{http://www.w3.org/2005/08/addressing}To', ns: 'http://www.w3.org/2005/08/addressing', local: 'To' },
      { assertion: 'sp:SignedParts/sp:Header{urn:trace}*', ns: 'urn:trace', local: undefined },
    ]);
    expect(r.encryptedHeaders).toEqual([{ assertion: 'sp:EncryptedParts/sp:Header{urn:pay}Card', ns: 'urn:pay', local: 'Card' }]);
    expect(r.signedParts).toEqual([]);
  });

  it('an empty SignedParts is the Body and every header; an empty EncryptedParts is the Body', () => {
    const r = onlyRequirements(policyXml('<sp:SignedParts/><sp:EncryptedParts/>'));
    expect(r.signedParts).toEqual(['body']);
    expect(r.signedHeaders).toEqual([{ assertion: 'sp:SignedParts (empty: every header)', ns: undefined, local: undefined }]);
    expect(r.encryptedParts).toEqual(['body']);
  });

  it('refuses sp:Attachments', () => {
    expect(messages(policyXml('<sp:SignedParts><sp:Attachments/></sp:SignedParts>'))[0]).toMatch(/SOAP attachments are not supported/);
  });

  it('SignedElements: an absolute path and a //-path with prefixes declared on sp:XPath', () => {
    const r = onlyRequirements(policyXml('<sp:SignedElements><sp:XPath xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:o="urn:orders">/s:Envelope/s:Body/o:Order</sp:XPath><sp:XPath xmlns:o="urn:orders">//o:Card</sp:XPath></sp:SignedElements>'));
    expect(r.signedElements?.map((e) => [e.xpath, e.anywhere, e.steps.map((s) => `{${s.ns}}${s.local}`).join('/')])).toEqual([
      ['/s:Envelope/s:Body/o:Order', false, '{http://schemas.xmlsoap.org/soap/envelope/}Envelope/{http://schemas.xmlsoap.org/soap/envelope/}Body/{urn:orders}Order'],
      ['//o:Card', true, '{urn:orders}Card'],
    ]);
  });

  it.each([
    ['a predicate', '/s:Envelope/s:Body/o:Order[1]'],
    ['an attribute step', '/s:Envelope/s:Body/@Id'],
    ['a relative path', 'o:Order'],
    ['an undeclared prefix', '/s:Envelope/z:Body'],
    ['a wildcard', '/s:Envelope/*'],
  ])('refuses an XPath outside the subset: %s', (_what, xpath) => {
    expect(messages(policyXml(`<sp:EncryptedElements><sp:XPath xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:o="urn:orders">${xpath}</sp:XPath></sp:EncryptedElements>`))[0]).toMatch(/sp:EncryptedElements\/sp:XPath .* is not supported/);
  });
});

describe('supporting tokens', () => {
  const ut = (nested: string, container = 'SupportingTokens'): string => `<sp:${container}><wsp:Policy><sp:UsernameToken sp:IncludeToken="${SP12}/IncludeToken/AlwaysToRecipient"><wsp:Policy>${nested}</wsp:Policy></sp:UsernameToken></wsp:Policy></sp:${container}>`;

  it('UsernameToken: HashPassword → PasswordDigest, none → PasswordText, sp13 Nonce/Created required', () => {
    expect(onlyRequirements(policyXml(ut('<sp:HashPassword/><sp:WssUsernameToken10/>'))).supportingTokens).toEqual([
      { kind: 'username', assertion: 'sp:SupportingTokens/sp:UsernameToken', container: 'SupportingTokens', password: 'digest', nonce: false, created: false },
    ]);
    expect(onlyRequirements(policyXml(ut('<sp13:Nonce/><sp13:Created/>', 'SignedSupportingTokens'))).supportingTokens).toEqual([
      { kind: 'username', assertion: 'sp:SignedSupportingTokens/sp:UsernameToken', container: 'SignedSupportingTokens', password: 'text', nonce: true, created: true },
    ]);
  });

  it('SamlToken WssSamlV20Token11 is a SAML 2.0 assertion and sets `saml`', () => {
    const r = onlyRequirements(policyXml('<sp:SupportingTokens><wsp:Policy><sp:SamlToken><wsp:Policy><sp:WssSamlV20Token11/></wsp:Policy></sp:SamlToken></wsp:Policy></sp:SupportingTokens>'));
    expect(r.saml).toBe(true);
    expect(r.supportingTokens).toEqual([{ kind: 'saml', assertion: 'sp:SupportingTokens/sp:SamlToken', container: 'SupportingTokens', version: '2.0' }]);
  });

  it.each(['WssSamlV11Token10', 'WssSamlV11Token11'])('SamlToken %s is a SAML 1.1 assertion', (token) => {
    const r = onlyRequirements(policyXml(`<sp:SignedSupportingTokens><wsp:Policy><sp:SamlToken><wsp:Policy><sp:${token}/></wsp:Policy></sp:SamlToken></wsp:Policy></sp:SignedSupportingTokens>`));
    expect(r.saml).toBe(true);
    expect(r.supportingTokens).toEqual([{ kind: 'saml', assertion: 'sp:SignedSupportingTokens/sp:SamlToken', container: 'SignedSupportingTokens', version: '1.1' }]);
  });

  it('SamlToken without a token version: any version of security.saml.versions, recorded', () => {
    const r = onlyRequirements(policyXml('<sp:SupportingTokens><wsp:Policy><sp:SamlToken/></wsp:Policy></sp:SupportingTokens>'));
    expect(r.supportingTokens).toEqual([{ kind: 'saml', assertion: 'sp:SupportingTokens/sp:SamlToken', container: 'SupportingTokens', version: undefined }]);
    expect(r.recorded?.map((x) => x.note)).toContain('no token version named: an assertion of any version in security.saml.versions');
  });

  it('refuses a SAML 1.0 token, naming it', () => {
    expect(messages(policyXml('<sp:SupportingTokens><wsp:Policy><sp:SamlToken><wsp:Policy><sp:WssSamlV10Token11/></wsp:Policy></sp:SamlToken></wsp:Policy></sp:SupportingTokens>'))[0]).toMatch(
      /^sp:SupportingTokens\/sp:SamlToken\/sp:WssSamlV10Token11 .* is not supported: SAML 1\.0 assertions are not supported by this gateway/,
    );
  });

  it('EndorsingSupportingTokens with an X509Token endorses; a plain X509 supporting token is refused', () => {
    const r = onlyRequirements(policyXml(`<sp:SignedEndorsingSupportingTokens><wsp:Policy>${x509('AlwaysToRecipient')}</wsp:Policy></sp:SignedEndorsingSupportingTokens>`));
    expect(r.supportingTokens?.[0]).toMatchObject({ kind: 'x509', container: 'SignedEndorsingSupportingTokens', token: { inclusion: 'always' } });
    expect(messages(policyXml(`<sp:SupportingTokens><wsp:Policy>${x509('AlwaysToRecipient')}</wsp:Policy></sp:SupportingTokens>`))[0]).toMatch(/signs nothing proves nothing/);
  });

  it.each(['IssuedToken', 'KerberosToken', 'SecureConversationToken', 'SpnegoContextToken'])('refuses a %s supporting token', (token) => {
    expect(messages(policyXml(`<sp:EndorsingSupportingTokens><wsp:Policy><sp:${token}/></wsp:Policy></sp:EndorsingSupportingTokens>`))[0]).toMatch(new RegExp(`^sp:EndorsingSupportingTokens/sp:${token} .* is not supported`));
  });
});

describe('assertions the gateway does not enforce', () => {
  it('SymmetricBinding stops start-up naming its QName', () => {
    expect(messages(policyXml('<sp:SymmetricBinding><wsp:Policy/></sp:SymmetricBinding>'))[0]).toMatch(/^sp:SymmetricBinding \(\{http:\/\/docs\.oasis-open\.org\/ws-sx\/ws-securitypolicy\/200702\}SymmetricBinding\) is not supported/);
  });

  it('an unknown assertion in a security namespace stops start-up even with wsp:Optional', () => {
    expect(messages(policyXml('<sp:NoSuchThing wsp:Optional="true"/>'))[0]).toMatch(/does not know this security assertion/);
  });

  it('an unknown assertion elsewhere stops start-up unless optional or ignorable', () => {
    expect(messages(policyXml('<x:Compression/>'))[0]).toMatch(/^\{urn:example:other\}Compression .* neither wsp:Optional nor wsp:Ignorable/);
    const optional = mapPolicy(policyXml('<x:Compression wsp:Optional="true"/>'));
    expect(optional.problems).toEqual([]);
    expect(optional.mapped.map((m) => m.kind)).toEqual(['dropped', 'ok']);
    const ignorable = onlyRequirements(policyXml('<x:Compression wsp:Ignorable="true"/>'));
    expect(ignorable.recorded).toEqual([{ assertion: '{urn:example:other}Compression', note: 'wsp:Ignorable and unknown to the gateway: ignored' }]);
  });

  it('Wss10/Wss11 options and Trust13 are accepted and recorded', () => {
    const r = onlyRequirements(policyXml('<sp:Wss11><wsp:Policy><sp:MustSupportRefThumbprint/></wsp:Policy></sp:Wss11><sp:Trust13><wsp:Policy><sp:RequireClientEntropy/></wsp:Policy></sp:Trust13>'));
    expect(r.recorded?.map((x) => x.assertion)).toEqual(['sp:Wss11', 'sp:Trust13']);
  });

  it('wsam:Addressing requires WS-Addressing; wsaw:UsingAddressing too', () => {
    expect(onlyRequirements(policyXml('<wsam:Addressing xmlns:wsam="http://www.w3.org/2007/05/addressing/metadata"><wsp:Policy/></wsam:Addressing>')).addressing).toBe('wsam:Addressing');
    expect(onlyRequirements(policyXml('<wsaw:UsingAddressing xmlns:wsaw="http://www.w3.org/2006/05/addressing/wsdl"/>')).addressing).toBe('wsaw:UsingAddressing');
  });
});
