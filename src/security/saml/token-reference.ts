import type { Element } from '@xmldom/xmldom';
import { GatewayError } from '../../errors.ts';
import { NS_DS, NS_WSSE, NS_WSSE11, childElements, localNameOf } from '../../xml/ns.ts';
import { simpleText } from '../processors/dom-text.ts';
import type { ProcessingResult, ResolvedCert, SamlAssertionResult, SamlVersion } from '../types.ts';
import { KEYID_SAML1, KEYID_SAML2, TOKEN_TYPE_SAML1, TOKEN_TYPE_SAML2 } from './names.ts';

const KEYID_VERSION: ReadonlyMap<string, SamlVersion> = new Map([
  [KEYID_SAML2, '2.0'],
  [KEYID_SAML1, '1.1'],
]);
const TOKEN_TYPES: ReadonlyMap<string, SamlVersion> = new Map([
  [TOKEN_TYPE_SAML2, '2.0'],
  [TOKEN_TYPE_SAML1, '1.1'],
]);

const is = (el: Element | undefined, ns: string, local: string): el is Element => el !== undefined && el.namespaceURI === ns && localNameOf(el) === local;

function tokenError(reason: string, code: 'GW_ERR_SEC_TOKEN_INVALID' | 'GW_ERR_SEC_TOKEN_UNRESOLVED' = 'GW_ERR_SEC_TOKEN_INVALID'): GatewayError {
  return new GatewayError(code, reason);
}

/** The wsse:SecurityTokenReference of a ds:KeyInfo (or the STR itself), when it is the only child. */
function strOf(keyInfoOrStr: Element): Element | undefined {
  if (is(keyInfoOrStr, NS_WSSE, 'SecurityTokenReference')) return keyInfoOrStr;
  if (!is(keyInfoOrStr, NS_DS, 'KeyInfo')) return undefined;
  const kids = childElements(keyInfoOrStr);
  return kids.length === 1 && is(kids[0], NS_WSSE, 'SecurityTokenReference') ? kids[0] : undefined;
}

/**
 * The key of a message signature whose ds:KeyInfo is a SecurityTokenReference to a SAML
 * assertion of this Security header (SAML Token Profile 1.1 §3.4.2 / §3.5.1): a wsse:KeyIdentifier
 * with ValueType #SAMLID (2.0) or #SAMLAssertionID (1.1) naming the assertion's ID. The key is the
 * certificate of the assertion's holder-of-key confirmation; the assertion must already be
 * processed (it precedes the signature) and be holder-of-key. Returns undefined when the KeyInfo
 * does not refer to an assertion, so the X.509 resolution applies. The certificate is NOT trusted
 * yet: the caller validates its path like any other signing certificate.
 */
export function resolveSamlKeyReference(keyInfoOrStr: Element, processed: readonly ProcessingResult[], idIndex: { get(id: string): Element | undefined }): ResolvedCert | undefined {
  const str = strOf(keyInfoOrStr);
  const child = str === undefined ? undefined : childElements(str)[0];
  if (str === undefined || child === undefined) return undefined;
  if (is(child, NS_WSSE, 'Reference') && TOKEN_TYPES.has(child.getAttribute('ValueType') ?? '')) {
    throw tokenError('a wsse:Reference to a SAML assertion is not supported: name it with a SAML wsse:KeyIdentifier');
  }
  const version = is(child, NS_WSSE, 'KeyIdentifier') ? KEYID_VERSION.get(child.getAttribute('ValueType') ?? '') : undefined;
  if (version === undefined) return undefined;
  if (childElements(str).length !== 1) throw tokenError('a SecurityTokenReference to a SAML assertion must hold exactly one wsse:KeyIdentifier');
  const tokenType = str.getAttributeNS(NS_WSSE11, 'TokenType');
  if (tokenType !== null && tokenType !== '' && TOKEN_TYPES.get(tokenType) !== version) {
    throw tokenError(`SecurityTokenReference TokenType ${JSON.stringify(tokenType.slice(0, 120))} does not match a SAML ${version} KeyIdentifier`);
  }
  const id = (simpleText(child) ?? '').trim();
  const assertion = processed.find((r): r is SamlAssertionResult => r.kind === 'samlAssertion' && r.id === id);
  if (assertion === undefined) {
    const later = idIndex.get(id) !== undefined;
    throw tokenError(
      later ? `the SAML KeyIdentifier names ${JSON.stringify(id.slice(0, 80))}, which is not a processed assertion preceding the signature in the Security header` : `the SAML KeyIdentifier names ${JSON.stringify(id.slice(0, 80))}: no such assertion in the Security header`,
      'GW_ERR_SEC_TOKEN_UNRESOLVED',
    );
  }
  if (assertion.version !== version) throw tokenError(`a SAML ${version} KeyIdentifier names a SAML ${assertion.version} assertion`);
  if (assertion.confirmation !== 'holder-of-key') throw tokenError(`the SAML assertion named by the signature KeyInfo is ${assertion.confirmation}, not holder-of-key: it holds no key of the signer`);
  const [cert, ...more] = assertion.holderOfKeyCerts;
  if (cert === undefined || more.length > 0) throw tokenError(`the holder-of-key assertion names ${assertion.holderOfKeyCerts.length} certificates: the signing key is ambiguous`, 'GW_ERR_SEC_TOKEN_UNRESOLVED');
  return { cert, reference: 'saml-keyid', token: assertion.element };
}
