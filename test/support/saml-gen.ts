/**
 * Test-only generator of SAML 1.1 / 2.0 tokens inside signed ClaimsService messages. Assertions
 * are signed by xml-crypto's SignedXml (an implementation independent of the gateway's verifier:
 * enveloped-signature + exc-c14n, rsa-sha256), the message by the conformance corpus signer
 * (test/conformance/gen/wss.ts). Keys and certificates: test/fixtures/interop/certs (TEST ONLY).
 */
import { sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignedXml } from 'xml-crypto';
import { excC14n } from '../../src/security/signature/exc-c14n.ts';
import { NS, SIG, bst, certsDir, digestOf, envelope, httpHeaders, isoPlus, loadPair, parse, reference, timestamp } from '../conformance/gen/wss.ts';
import type { KeyPair, SoapVersion } from '../conformance/gen/wss.ts';

export const IDP = 'https://sso.insurer.example/idp';
export const AUDIENCE = 'urn:insurer-example:wsgate:claims';
export const RECIPIENT = 'https://wsgate.insurer.example/ClaimsService';
/** The gateway clock of every generated message. */
export const SAML_CLOCK = '2026-12-01T10:00:00.000Z';

const NS_SAML1 = 'urn:oasis:names:tc:SAML:1.0:assertion';
const NS_SAML2 = 'urn:oasis:names:tc:SAML:2.0:assertion';
const XSI = 'http://www.w3.org/2001/XMLSchema-instance';
const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';
const EXC = 'http://www.w3.org/2001/10/xml-exc-c14n#';

export type Method = 'bearer' | 'holder-of-key' | 'sender-vouches';

export interface AssertionSpec {
  readonly version: '1.1' | '2.0';
  readonly id: string;
  readonly method: Method;
  readonly issuer?: string;
  /** Seconds relative to SAML_CLOCK; null leaves the attribute out. */
  readonly issuedAt?: number;
  readonly notBefore?: number | null;
  readonly notOnOrAfter?: number | null;
  readonly audience?: string;
  readonly nameId?: string;
  /** The holder-of-key certificate (default client-rsa). */
  readonly hok?: KeyPair;
  readonly attributes?: Readonly<Record<string, readonly string[]>>;
}

const at = (seconds: number): string => isoPlus(SAML_CLOCK, seconds).replace(/\.\d{3}Z$/, 'Z');
export const pemOf = (name: string): string => readFileSync(join(certsDir, name), 'utf8');

function saml2(s: AssertionSpec): string {
  const method = `urn:oasis:names:tc:SAML:2.0:cm:${s.method}`;
  const hok = s.hok ?? loadPair('client-rsa');
  const data =
    s.method === 'bearer'
      ? `<saml:SubjectConfirmationData NotOnOrAfter="${at(300)}" Recipient="${RECIPIENT}"/>`
      : s.method === 'holder-of-key'
        ? `<saml:SubjectConfirmationData xsi:type="saml:KeyInfoConfirmationDataType"><ds:KeyInfo xmlns:ds="${NS.ds}"><ds:X509Data><ds:X509Certificate>${hok.certDer.toString('base64')}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></saml:SubjectConfirmationData>`
        : '';
  const attrs = Object.entries(s.attributes ?? { role: ['claims-reader'] })
    .map(([n, vs]) => `<saml:Attribute Name="${n}">${vs.map((v) => `<saml:AttributeValue>${v}</saml:AttributeValue>`).join('')}</saml:Attribute>`)
    .join('');
  return (
    `<saml:Assertion xmlns:saml="${NS_SAML2}" xmlns:xsi="${XSI}" Version="2.0" ID="${s.id}" IssueInstant="${at(s.issuedAt ?? -60)}"><saml:Issuer>${s.issuer ?? IDP}</saml:Issuer>` +
    `<saml:Subject><saml:NameID>${s.nameId ?? 'broker-7731@broker.example'}</saml:NameID><saml:SubjectConfirmation Method="${method}">${data}</saml:SubjectConfirmation></saml:Subject>` +
    `<saml:Conditions${times(s)}><saml:AudienceRestriction><saml:Audience>${s.audience ?? AUDIENCE}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
    `<saml:AttributeStatement>${attrs}</saml:AttributeStatement></saml:Assertion>`
  );
}

function times(s: AssertionSpec): string {
  const nb = s.notBefore === undefined ? -60 : s.notBefore;
  const na = s.notOnOrAfter === undefined ? 600 : s.notOnOrAfter;
  return `${nb === null ? '' : ` NotBefore="${at(nb)}"`}${na === null ? '' : ` NotOnOrAfter="${at(na)}"`}`;
}

function saml1(s: AssertionSpec): string {
  const hok = s.hok ?? loadPair('client-rsa');
  const keyInfo = s.method === 'holder-of-key' ? `<ds:KeyInfo xmlns:ds="${NS.ds}"><ds:X509Data><ds:X509Certificate>${hok.certDer.toString('base64')}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>` : '';
  const subject = `<saml1:Subject><saml1:NameIdentifier Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">${s.nameId ?? 'broker-7731@broker.example'}</saml1:NameIdentifier><saml1:SubjectConfirmation><saml1:ConfirmationMethod>urn:oasis:names:tc:SAML:1.0:cm:${s.method}</saml1:ConfirmationMethod>${keyInfo}</saml1:SubjectConfirmation></saml1:Subject>`;
  const attrs = Object.entries(s.attributes ?? { role: ['claims-reader'] })
    .map(([n, vs]) => `<saml1:Attribute AttributeName="${n}" AttributeNamespace="urn:insurer-example:attr">${vs.map((v) => `<saml1:AttributeValue>${v}</saml1:AttributeValue>`).join('')}</saml1:Attribute>`)
    .join('');
  return (
    `<saml1:Assertion xmlns:saml1="${NS_SAML1}" MajorVersion="1" MinorVersion="1" AssertionID="${s.id}" Issuer="${s.issuer ?? IDP}" IssueInstant="${at(s.issuedAt ?? -60)}">` +
    `<saml1:Conditions${times(s)}><saml1:AudienceRestrictionCondition><saml1:Audience>${s.audience ?? AUDIENCE}</saml1:Audience></saml1:AudienceRestrictionCondition></saml1:Conditions>` +
    `<saml1:AuthenticationStatement AuthenticationMethod="urn:oasis:names:tc:SAML:1.0:am:X509-PKI" AuthenticationInstant="${at(-120)}">${subject}</saml1:AuthenticationStatement>` +
    `<saml1:AttributeStatement>${subject}${attrs}</saml1:AttributeStatement></saml1:Assertion>`
  );
}

/** The assertion, unsigned. */
export function assertionXml(s: AssertionSpec): string {
  return s.version === '2.0' ? saml2(s) : saml1(s);
}

/** Signs an assertion as its IdP would (xml-crypto): `key`.key / `key`.pem from the certs directory, certificate shown in KeyInfo. */
export function signAssertion(xml: string, version: '1.1' | '2.0', key = 'idp'): string {
  const sx = new SignedXml({
    privateKey: pemOf(`${key}.key`),
    publicCert: pemOf(`${key}.pem`),
    signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    canonicalizationAlgorithm: EXC,
    ...(version === '1.1' ? { idAttribute: 'AssertionID' } : {}),
  });
  sx.addReference({ xpath: "/*[local-name(.)='Assertion']", transforms: [ENVELOPED, EXC], digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256' });
  const location = version === '2.0' ? { reference: "/*/*[local-name(.)='Issuer']", action: 'after' as const } : { reference: '/*', action: 'append' as const };
  sx.computeSignature(xml, { prefix: 'ds', location });
  return sx.getSignedXml();
}

export const signedAssertion = (s: AssertionSpec, key = 'idp'): string => signAssertion(assertionXml(s), s.version, key);

export function listPolicies(marker: string): string {
  return `<clm:ListPoliciesRequest xmlns:clm="${NS.clm}"><clm:ClientRequestId>${marker}</clm:ClientRequestId><clm:CustomerId>C004417265</clm:CustomerId><clm:ProductLine>MOTOR</clm:ProductLine><clm:ActiveOn>2026-11-01</clm:ActiveOn><clm:PageSize>25</clm:PageSize></clm:ListPoliciesRequest>`;
}

export interface MessageSpec {
  readonly marker: string;
  /** The assertion as it goes into the Security header (signed or not); undefined: none. */
  readonly assertion: string | undefined;
  /** Ids the message signature covers (Body-1, TS-1, an assertion id); [] leaves the message unsigned. */
  readonly refs: readonly string[];
  /** Message signer (default client-rsa, sent as a BinarySecurityToken). */
  readonly signer?: KeyPair;
  /** KeyInfo content instead of the BinarySecurityToken reference (no BST is sent then). */
  readonly keyInfo?: string;
  readonly version?: SoapVersion;
  /** Extra Security header children after the signature. */
  readonly trailer?: string;
}

export interface Message {
  readonly xml: string;
  readonly endpoint: string;
  readonly headers: Readonly<Record<string, string>>;
}

const X509_REF = `<wsse:SecurityTokenReference><wsse:Reference URI="#X509-1" ValueType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3"/></wsse:SecurityTokenReference>`;

/**
 * The message signature (Id SIG-1) in place of SIG: References by Id with exc-c14n, sha256, and
 * rsa-sha256 or ecdsa-sha256 by the key type; the SignatureValue is computed over SIG-1's own
 * SignedInfo (an assertion signature earlier in the header is left alone).
 */
export function signSamlMessage(xml: string, refs: readonly string[], signer: KeyPair, keyInfo = X509_REF): string {
  const ec = signer.key.asymmetricKeyType === 'ec';
  const method = ec ? 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256' : 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
  const signedInfo = `<ds:SignedInfo><ds:CanonicalizationMethod Algorithm="${EXC}"/><ds:SignatureMethod Algorithm="${method}"/>${refs.map((id) => reference(id, digestOf(xml, id))).join('')}</ds:SignedInfo>`;
  const withSig = xml.replace(SIG, `<ds:Signature xmlns:ds="${NS.ds}" Id="SIG-1">${signedInfo}<ds:SignatureValue>SIGVALUE</ds:SignatureValue><ds:KeyInfo>${keyInfo}</ds:KeyInfo></ds:Signature>`);
  const own = Array.from(parse(withSig).getElementsByTagNameNS(NS.ds, 'Signature')).find((s) => s.getAttribute('Id') === 'SIG-1');
  const si = own?.getElementsByTagNameNS(NS.ds, 'SignedInfo')[0];
  if (si === undefined) throw new Error('no SignedInfo of SIG-1');
  const value = sign('sha256', Buffer.from(excC14n(si), 'utf8'), ec ? { key: signer.key, dsaEncoding: 'ieee-p1363' } : signer.key);
  return withSig.replace('SIGVALUE', value.toString('base64'));
}

/** A signed ListPolicies request carrying the assertion, created 2 s before SAML_CLOCK. */
export function samlMessage(m: MessageSpec): Message {
  const version = m.version ?? '1.1';
  const signer = m.signer ?? loadPair('client-rsa');
  const signed = m.refs.length > 0;
  const security = [timestamp(isoPlus(SAML_CLOCK, -2)), ...(signed && m.keyInfo === undefined ? [bst(signer)] : []), m.assertion ?? '', signed ? SIG : '', m.trailer ?? ''];
  const xml = envelope({ version, security, body: listPolicies(m.marker) });
  return {
    xml: signed ? signSamlMessage(xml, m.refs, signer, m.keyInfo) : xml,
    endpoint: version === '1.1' ? '/ClaimsService/soap11' : '/ClaimsService/soap12',
    headers: httpHeaders(version, 'ListPolicies'),
  };
}

/** A ds:KeyInfo STR naming an assertion by SAML KeyIdentifier (SAML Token Profile 1.1 §3.4.2). */
export function samlKeyIdentifier(id: string, version: '1.1' | '2.0', tokenType: string | undefined = version === '2.0' ? 'SAMLV2.0' : 'SAMLV1.1'): string {
  const valueType = version === '2.0' ? 'http://docs.oasis-open.org/wss/oasis-wss-saml-token-profile-1.1#SAMLID' : 'http://docs.oasis-open.org/wss/oasis-wss-saml-token-profile-1.0#SAMLAssertionID';
  const tt = tokenType === undefined ? '' : ` xmlns:wsse11="${NS.wsse11}" wsse11:TokenType="http://docs.oasis-open.org/wss/oasis-wss-saml-token-profile-1.1#${tokenType}"`;
  return `<wsse:SecurityTokenReference${tt}><wsse:KeyIdentifier ValueType="${valueType}">${id}</wsse:KeyIdentifier></wsse:SecurityTokenReference>`;
}
