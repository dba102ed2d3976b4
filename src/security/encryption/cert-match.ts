import { createHash } from 'node:crypto';
import type { X509Certificate } from 'node:crypto';
import type { Element } from '@xmldom/xmldom';
import { NS_DS, NS_WSSE, childElements, localNameOf } from '../../xml/ns.ts';
import type { CertReferenceKind } from '../types.ts';
import { parseCertificateDer } from '../x509/cert-facts.ts';
import type { CertFacts } from '../x509/cert-facts.ts';
import { nameKey, parseDnString } from '../x509/dn.ts';
import { decodeBase64Strict } from './cipher.ts';

const VT_X509V3 = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3';
const VT_SKI = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509SubjectKeyIdentifier';
const VT_THUMBPRINT = 'http://docs.oasis-open.org/wss/oasis-wss-soap-message-security-1.1#ThumbprintSHA1';
const ET_BASE64 = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary';

export type CertMatch = { readonly ok: true; readonly reference: CertReferenceKind } | { readonly ok: false; readonly reason: string };

const factsCache = new WeakMap<X509Certificate, CertFacts | string>();

/**
 * The gateway certificate's facts, read once from its DER by the x509 module (the same reader the
 * trust store uses), or the reason it could not be read (strict DER: a certificate node accepts
 * may still be refused here).
 */
function factsOf(cert: X509Certificate): CertFacts | string {
  let f = factsCache.get(cert);
  if (f === undefined) {
    try {
      f = parseCertificateDer(cert.raw);
    } catch (err) {
      f = `gateway certificate is not readable DER: ${(err as Error).message}`;
    }
    factsCache.set(cert, f);
  }
  return f;
}

function only(el: Element, ns: string, local: string): Element | undefined {
  const kids = childElements(el);
  const first = kids[0];
  return kids.length === 1 && first !== undefined && first.namespaceURI === ns && localNameOf(first) === local ? first : undefined;
}

function matchIssuerSerial(x509Data: Element, cert: X509Certificate): CertMatch {
  const issuerSerial = only(x509Data, NS_DS, 'X509IssuerSerial');
  const parts = issuerSerial === undefined ? [] : childElements(issuerSerial);
  const name = parts.find((p) => p.namespaceURI === NS_DS && localNameOf(p) === 'X509IssuerName');
  const serial = parts.find((p) => p.namespaceURI === NS_DS && localNameOf(p) === 'X509SerialNumber');
  if (parts.length !== 2 || name === undefined || serial === undefined) return { ok: false, reason: 'X509Data must hold one X509IssuerSerial' };
  const serialText = (serial.textContent ?? '').trim();
  if (!/^[0-9]{1,80}$/.test(serialText)) return { ok: false, reason: 'X509SerialNumber is not a decimal integer' };
  let messageIssuerKey: string;
  try {
    messageIssuerKey = nameKey(parseDnString(name.textContent ?? ''));
  } catch {
    return { ok: false, reason: 'X509IssuerName is not an RFC 4514 distinguished name' };
  }
  // Same comparison as TrustStore.findByIssuerSerial: DER serial, and the DER issuer name as a
  // canonical multiset of attributes (never node's printed `issuer`, whose escaping is ambiguous).
  const facts = factsOf(cert);
  if (typeof facts === 'string') return { ok: false, reason: facts };
  const sameSerial = BigInt(serialText) === facts.serial;
  const sameIssuer = messageIssuerKey === facts.issuerKey;
  return sameSerial && sameIssuer ? { ok: true, reference: 'issuer-serial' } : { ok: false, reason: 'IssuerSerial names another certificate' };
}

function matchKeyIdentifier(kid: Element, cert: X509Certificate): CertMatch {
  const encoding = kid.getAttribute('EncodingType');
  if (encoding && encoding !== ET_BASE64) return { ok: false, reason: 'KeyIdentifier EncodingType is not Base64Binary' };
  const value = decodeBase64Strict(kid.textContent ?? '', 'KeyIdentifier');
  switch (kid.getAttribute('ValueType')) {
    case VT_SKI: {
      const facts = factsOf(cert);
      if (typeof facts === 'string') return { ok: false, reason: facts };
      return value.equals(facts.effectiveSki) ? { ok: true, reference: 'keyid-ski' } : { ok: false, reason: 'SubjectKeyIdentifier names another certificate' };
    }
    case VT_THUMBPRINT:
      return value.equals(createHash('sha1').update(cert.raw).digest()) ? { ok: true, reference: 'keyid-thumbprint' } : { ok: false, reason: 'ThumbprintSHA1 names another certificate' };
    case VT_X509V3:
      return value.equals(cert.raw) ? { ok: true, reference: 'keyid-x509v3' } : { ok: false, reason: 'X509v3 KeyIdentifier is another certificate' };
    default:
      return { ok: false, reason: 'KeyIdentifier ValueType not supported' };
  }
}

function matchDirectReference(ref: Element, cert: X509Certificate, lookup: (id: string) => Element | undefined): CertMatch {
  const uri = ref.getAttribute('URI') ?? '';
  const bst = uri.startsWith('#') ? lookup(uri.slice(1)) : undefined;
  if (bst === undefined || bst.namespaceURI !== NS_WSSE || localNameOf(bst) !== 'BinarySecurityToken') return { ok: false, reason: 'Reference does not point to a BinarySecurityToken' };
  if (bst.getAttribute('ValueType') !== VT_X509V3) return { ok: false, reason: 'BinarySecurityToken is not X509v3' };
  const der = decodeBase64Strict(bst.textContent ?? '', 'BinarySecurityToken');
  return der.equals(cert.raw) ? { ok: true, reference: 'bst-direct' } : { ok: false, reason: 'BinarySecurityToken is another certificate' };
}

/**
 * Does the EncryptedKey's `ds:KeyInfo` name `cert`? Exactly one `wsse:SecurityTokenReference`
 * (BSP R5426) holding one reference: X509IssuerSerial, KeyIdentifier (SKI, ThumbprintSHA1, X509v3)
 * or a direct Reference to an X509v3 BinarySecurityToken.
 */
export function keyInfoNamesCertificate(keyInfo: Element | undefined, cert: X509Certificate, lookup: (id: string) => Element | undefined): CertMatch {
  if (keyInfo === undefined) return { ok: false, reason: 'EncryptedKey has no KeyInfo' };
  const str = only(keyInfo, NS_WSSE, 'SecurityTokenReference');
  const refs = str === undefined ? [] : childElements(str);
  const ref = refs[0];
  if (refs.length !== 1 || ref === undefined) return { ok: false, reason: 'KeyInfo must hold one SecurityTokenReference with one reference' };
  const local = localNameOf(ref);
  if (ref.namespaceURI === NS_DS && local === 'X509Data') return matchIssuerSerial(ref, cert);
  if (ref.namespaceURI === NS_WSSE && local === 'KeyIdentifier') return matchKeyIdentifier(ref, cert);
  if (ref.namespaceURI === NS_WSSE && local === 'Reference') return matchDirectReference(ref, cert, lookup);
  return { ok: false, reason: `unsupported token reference <${ref.tagName}>` };
}
