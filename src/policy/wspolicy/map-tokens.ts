import { childElements } from '../../xml/ns.ts';
import type { SupportingContainer, SupportingTokenRequirement, TokenInclusion, X509ReferenceStyle, X509TokenRequirement } from '../model.ts';
import { invalid, nestedOf, pathOf, refuse, unknown } from './draft.ts';
import type { MapContext } from './draft.ts';
import { SP13, SP_NAMESPACES, isSp } from './namespaces.ts';
import type { NormalAssertion } from './normalize.ts';

const INCLUSION: ReadonlyMap<string, TokenInclusion> = new Map([
  ['Always', 'always'],
  ['AlwaysToRecipient', 'always'],
  ['AlwaysToInitiator', 'never'],
  ['Never', 'never'],
  ['Once', 'once'],
]);

const DERIVED_KEYS = new Set(['RequireDerivedKeys', 'RequireImpliedDerivedKeys', 'RequireExplicitDerivedKeys']);

/** sp:IncludeToken, as it applies to requests (AlwaysToInitiator: never in a request). Default: Always. */
function inclusionOf(ctx: MapContext, a: NormalAssertion, path: string): TokenInclusion {
  const attr = SP_NAMESPACES.map((ns) => (a.el.hasAttributeNS(ns, 'IncludeToken') ? a.el.getAttributeNS(ns, 'IncludeToken') : null)).find((v) => v !== null);
  if (attr === undefined || attr === null) return 'always';
  const m = /^(.*)\/IncludeToken\/([A-Za-z]+)$/.exec(attr);
  const inclusion = m !== null && SP_NAMESPACES.includes(m[1] ?? '') ? INCLUSION.get(m[2] ?? '') : undefined;
  if (inclusion === undefined) {
    invalid(ctx, a, path, `IncludeToken '${attr}' is not a WS-SecurityPolicy inclusion value`);
    return 'always';
  }
  return inclusion;
}

/** sp:Issuer / sp:IssuerName constrain who issued a token: not something the gateway matches on. */
function refuseIssuerParameters(ctx: MapContext, a: NormalAssertion, path: string): void {
  if (childElements(a.el).some((c) => isSp(c.namespaceURI ?? '') && (c.localName === 'Issuer' || c.localName === 'IssuerName'))) {
    refuse(ctx, a, path, 'sp:Issuer / sp:IssuerName constraints are not enforced by the gateway (trust comes from security.trust and security.saml)');
  }
}

const REFERENCES: ReadonlyMap<string, X509ReferenceStyle> = new Map([
  ['RequireKeyIdentifierReference', 'key-identifier'],
  ['RequireIssuerSerialReference', 'issuer-serial'],
  ['RequireThumbprintReference', 'thumbprint'],
]);

/** sp:X509Token: inclusion, reference styles and token type. */
export function mapX509Token(ctx: MapContext, a: NormalAssertion, path: string): X509TokenRequirement {
  const references: X509ReferenceStyle[] = [];
  let tokenType: string | undefined;
  refuseIssuerParameters(ctx, a, path);
  for (const n of nestedOf(a)) {
    const p = pathOf(path, n);
    if (!isSp(n.ns)) unknown(ctx, n, p);
    else if (REFERENCES.has(n.local)) references.push(REFERENCES.get(n.local) as X509ReferenceStyle);
    else if (n.local === 'WssX509V3Token10' || n.local === 'WssX509V3Token11') tokenType = n.local;
    else if (n.local === 'RequireEmbeddedTokenReference') refuse(ctx, n, p, 'embedded token references (wsse:Embedded) are not accepted by the gateway');
    else if (DERIVED_KEYS.has(n.local)) refuse(ctx, n, p, 'derived keys (WS-SecureConversation) are not supported');
    else if (/^WssX509(V1|Pkcs7|PkiPath)/.test(n.local)) refuse(ctx, n, p, 'the gateway accepts X.509 v3 tokens only (BinarySecurityToken ValueType #X509v3)');
    else unknown(ctx, n, p);
  }
  return { assertion: path, inclusion: inclusionOf(ctx, a, path), references, tokenType };
}

/** sp:InitiatorToken, sp:RecipientToken and their Signature / Encryption variants: one sp:X509Token. */
export function mapTokenHolder(ctx: MapContext, a: NormalAssertion, path: string): X509TokenRequirement | undefined {
  const tokens = nestedOf(a);
  let found: X509TokenRequirement | undefined;
  for (const t of tokens) {
    const p = pathOf(path, t);
    if (isSp(t.ns) && t.local === 'X509Token') found = mapX509Token(ctx, t, p);
    else if (isSp(t.ns) && /Token$/.test(t.local)) refuse(ctx, t, p, 'the gateway signs and encrypts with X.509 tokens only');
    else unknown(ctx, t, p);
  }
  if (found === undefined && !ctx.draft.invalid) invalid(ctx, a, path, 'names no sp:X509Token');
  return found;
}

function mapUsernameToken(ctx: MapContext, a: NormalAssertion, path: string, container: SupportingContainer): SupportingTokenRequirement | undefined {
  if (container === 'EndorsingSupportingTokens' || container === 'SignedEndorsingSupportingTokens') {
    refuse(ctx, a, path, 'a UsernameToken cannot endorse: keys derived from passwords are not supported');
    return undefined;
  }
  if (inclusionOf(ctx, a, path) === 'never') invalid(ctx, a, path, 'a UsernameToken that is never included cannot be checked');
  refuseIssuerParameters(ctx, a, path);
  let password: 'digest' | 'text' = 'text';
  let nonce = false;
  let created = false;
  for (const n of nestedOf(a)) {
    const p = pathOf(path, n);
    if (!isSp(n.ns)) unknown(ctx, n, p);
    else if (n.local === 'HashPassword') password = 'digest';
    else if (n.local === 'NoPassword') refuse(ctx, n, p, 'the gateway authenticates UsernameTokens by their password; a token without one proves nothing');
    else if (n.local === 'WssUsernameToken10' || n.local === 'WssUsernameToken11') continue;
    else if (n.ns === SP13 && n.local === 'Nonce') nonce = true;
    else if (n.ns === SP13 && n.local === 'Created') created = true;
    else if (DERIVED_KEYS.has(n.local)) refuse(ctx, n, p, 'derived keys are not supported');
    else unknown(ctx, n, p);
  }
  return { kind: 'username', assertion: path, container, password, nonce, created };
}

function mapSamlToken(ctx: MapContext, a: NormalAssertion, path: string, container: SupportingContainer): SupportingTokenRequirement | undefined {
  if (container === 'EndorsingSupportingTokens' || container === 'SignedEndorsingSupportingTokens') {
    refuse(ctx, a, path, 'endorsing SAML tokens are not supported (holder-of-key is checked on the Body and Timestamp signature instead)');
    return undefined;
  }
  refuseIssuerParameters(ctx, a, path);
  let version: '1.1' | '2.0' | undefined;
  for (const n of nestedOf(a)) {
    const p = pathOf(path, n);
    if (!isSp(n.ns)) unknown(ctx, n, p);
    else if (n.local === 'WssSamlV20Token11') version = '2.0';
    else if (n.local === 'WssSamlV11Token10' || n.local === 'WssSamlV11Token11') version = '1.1';
    else if (n.local === 'WssSamlV10Token10' || n.local === 'WssSamlV10Token11') refuse(ctx, n, p, 'SAML 1.0 assertions are not supported by this gateway (SAML 2.0, and SAML 1.1 with security.saml.versions)');
    else if (n.local === 'RequireKeyIdentifierReference') refuse(ctx, n, p, 'a required KeyIdentifier reference to the SAML assertion is not enforced: the assertion must be a child of wsse:Security (a SAML KeyIdentifier is accepted only in the KeyInfo of a holder-of-key signature)');
    else if (DERIVED_KEYS.has(n.local)) refuse(ctx, n, p, 'derived keys are not supported');
    else unknown(ctx, n, p);
  }
  if (version === undefined) ctx.draft.recorded.push({ assertion: path, note: 'no token version named: an assertion of any version in security.saml.versions' });
  return { kind: 'saml', assertion: path, container, version };
}

const REFUSED_TOKENS: ReadonlyMap<string, string> = new Map([
  ['IssuedToken', 'issued tokens (WS-Trust) are not supported'],
  ['KerberosToken', 'Kerberos tokens are not supported'],
  ['SpnegoContextToken', 'SPNEGO context tokens are not supported'],
  ['SecureConversationToken', 'WS-SecureConversation tokens are not supported'],
  ['SecurityContextToken', 'security context tokens are not supported'],
  ['KeyValueToken', 'raw key values carry no identity the gateway can trust'],
  ['RelToken', 'REL tokens are not supported'],
  ['HttpsToken', 'an HttpsToken belongs in sp:TransportBinding/sp:TransportToken'],
]);

/** sp:SupportingTokens and its Signed / Endorsing / SignedEndorsing variants. */
export function mapSupportingTokens(ctx: MapContext, a: NormalAssertion, path: string, container: SupportingContainer): void {
  for (const t of nestedOf(a)) {
    const p = pathOf(path, t);
    if (!isSp(t.ns)) {
      unknown(ctx, t, p);
      continue;
    }
    let mapped: SupportingTokenRequirement | undefined;
    if (t.local === 'UsernameToken') mapped = mapUsernameToken(ctx, t, p, container);
    else if (t.local === 'SamlToken') mapped = mapSamlToken(ctx, t, p, container);
    else if (t.local === 'X509Token') {
      if (container === 'SupportingTokens' || container === 'SignedSupportingTokens') refuse(ctx, t, p, 'an X.509 supporting token that signs nothing proves nothing; use EndorsingSupportingTokens');
      else mapped = { kind: 'x509', assertion: p, container, token: mapX509Token(ctx, t, p) };
    } else if (REFUSED_TOKENS.has(t.local)) refuse(ctx, t, p, REFUSED_TOKENS.get(t.local) as string);
    else if (['AlgorithmSuite', 'SignedParts', 'SignedElements', 'EncryptedParts', 'EncryptedElements'].includes(t.local)) {
      refuse(ctx, t, p, 'protection lists inside a supporting-token assertion are not supported; state them at the top of the policy');
    } else unknown(ctx, t, p);
    if (mapped !== undefined) ctx.draft.supporting.push(mapped);
  }
}
