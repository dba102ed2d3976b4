import { createHash } from 'node:crypto';
import type { X509Certificate } from 'node:crypto';
import type { Element } from '@xmldom/xmldom';
import { NS_DS, NS_WSSE, childElements, localNameOf } from '../../xml/ns.ts';
import type { CertReferenceKind } from '../types.ts';
import { decodeBase64Strict } from './cipher.ts';
import { sameDistinguishedName } from './dn.ts';

const VT_X509V3 = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3';
const VT_SKI = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509SubjectKeyIdentifier';
const VT_THUMBPRINT = 'http://docs.oasis-open.org/wss/oasis-wss-soap-message-security-1.1#ThumbprintSHA1';
const ET_BASE64 = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary';

export type CertMatch = { readonly ok: true; readonly reference: CertReferenceKind } | { readonly ok: false; readonly reason: string };

// ── a minimal DER reader: just enough to find the SubjectKeyIdentifier extension ──
interface Tlv { readonly tag: number; readonly start: number; readonly end: number }

function readTlv(der: Buffer, pos: number, limit: number): Tlv {
  const tag = der[pos];
  let len = der[pos + 1];
  if (tag === undefined || len === undefined) throw new Error('DER truncated');
  let start = pos + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 3) throw new Error('DER length form not supported');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (der[start + i] ?? Number.NaN);
    start += n;
  }
  const end = start + len;
  if (!Number.isFinite(end) || end > limit) throw new Error('DER length beyond its container');
  return { tag, start, end };
}

function childrenOf(der: Buffer, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let pos = parent.start; pos < parent.end; ) {
    const t = readTlv(der, pos, parent.end);
    out.push(t);
    pos = t.end;
  }
  return out;
}

const OID_SKI = Buffer.from([0x55, 0x1d, 0x0e]); // 2.5.29.14

/**
 * The certificate's SubjectKeyIdentifier extension value; without the extension, the RFC 5280
 * §4.2.1.2 method (1) value (SHA-1 of the subjectPublicKey bits), as WSS4J computes it.
 */
export function subjectKeyIdentifier(cert: X509Certificate): Buffer {
  const der = cert.raw;
  const root = readTlv(der, 0, der.length);
  const tbs = childrenOf(der, root)[0];
  if (tbs === undefined) throw new Error('certificate has no tbsCertificate');
  const extsWrapper = childrenOf(der, tbs).find((t) => t.tag === 0xa3);
  const extsSeq = extsWrapper === undefined ? undefined : childrenOf(der, extsWrapper)[0];
  for (const ext of extsSeq === undefined ? [] : childrenOf(der, extsSeq)) {
    const parts = childrenOf(der, ext);
    const oid = parts[0];
    const value = parts[parts.length - 1];
    if (oid === undefined || value === undefined || oid.tag !== 0x06 || value.tag !== 0x04) continue;
    if (!der.subarray(oid.start, oid.end).equals(OID_SKI)) continue;
    const inner = readTlv(der, value.start, value.end);
    if (inner.tag !== 0x04) throw new Error('SubjectKeyIdentifier is not an OCTET STRING');
    return Buffer.from(der.subarray(inner.start, inner.end));
  }
  const spki = cert.publicKey.export({ type: 'spki', format: 'der' });
  const bits = childrenOf(spki, readTlv(spki, 0, spki.length))[1];
  if (bits === undefined || bits.tag !== 0x03) throw new Error('SubjectPublicKeyInfo without a BIT STRING');
  return createHash('sha1').update(spki.subarray(bits.start + 1, bits.end)).digest();
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
  const sameSerial = BigInt(serialText) === BigInt(`0x${cert.serialNumber}`);
  const sameIssuer = sameDistinguishedName(name.textContent ?? '', cert.issuer);
  return sameSerial && sameIssuer ? { ok: true, reference: 'issuer-serial' } : { ok: false, reason: 'IssuerSerial names another certificate' };
}

function matchKeyIdentifier(kid: Element, cert: X509Certificate): CertMatch {
  const encoding = kid.getAttribute('EncodingType');
  if (encoding && encoding !== ET_BASE64) return { ok: false, reason: 'KeyIdentifier EncodingType is not Base64Binary' };
  const value = decodeBase64Strict(kid.textContent ?? '', 'KeyIdentifier');
  switch (kid.getAttribute('ValueType')) {
    case VT_SKI:
      return value.equals(subjectKeyIdentifier(cert)) ? { ok: true, reference: 'keyid-ski' } : { ok: false, reason: 'SubjectKeyIdentifier names another certificate' };
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
