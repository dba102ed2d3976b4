import { X509Certificate } from 'node:crypto';
import type { Element } from '@xmldom/xmldom';
import { GatewayError } from '../../errors.ts';
import type { ErrorCode } from '../../errors.ts';
import { NS_DS, NS_WSSE, childElements, localNameOf } from '../../xml/ns.ts';
import type { CertReferenceKind, ResolvedCert } from '../types.ts';
import { parsedCertificates } from './cert-cache.ts';
import { parseCertificateDer } from './cert-facts.ts';
import { DnSyntaxError } from './dn.ts';
import type { TrustStore } from './trust-store.ts';

export const X509V3_TOKEN = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3';
export const X509_SKI = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509SubjectKeyIdentifier';
export const THUMBPRINT_SHA1 = 'http://docs.oasis-open.org/wss/oasis-wss-soap-message-security-1.1#ThumbprintSHA1';
export const BASE64_BINARY = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary';

export interface ResolveContext {
  readonly idIndex: { get(id: string): Element | undefined };
  readonly store: TrustStore;
}

const MAX_CERT_BASE64 = 64 * 1024;
const MAX_SERIAL_DIGITS = 100;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const LOCAL_ID = /^#([^#\s]+)$/;

function invalid(reason: string, code: ErrorCode = 'GW_ERR_SEC_TOKEN_INVALID'): GatewayError {
  return new GatewayError(code, reason);
}

function is(el: Element, ns: string, local: string): boolean {
  return el.namespaceURI === ns && localNameOf(el) === local;
}

function qname(el: Element): string {
  return `{${el.namespaceURI ?? ''}}${localNameOf(el)}`;
}

/** The one element child; text other than whitespace, or any second child, is refused. */
function onlyChild(el: Element, what: string): Element {
  for (let n = el.firstChild; n !== null; n = n.nextSibling) {
    if ((n.nodeType === 3 || n.nodeType === 4) && /[^ \t\r\n]/.test(n.nodeValue ?? '')) throw invalid(`${what} has text content`);
  }
  const kids = childElements(el);
  const [first] = kids;
  if (first === undefined) throw invalid(`${what} is empty`);
  if (kids.length > 1) throw invalid(`${what} holds ${kids.length} elements, exactly one is accepted`);
  return first;
}

/** Text content of an element that must hold no child elements. */
function textOf(el: Element, what: string): string {
  if (childElements(el).length > 0) throw invalid(`${what} holds elements`);
  return el.textContent ?? '';
}

/** Strict base64Binary: XML whitespace anywhere is allowed, nothing else; canonical padding and pad bits. */
function decodeBase64(text: string, what: string): Buffer {
  const compact = text.replace(/[ \t\r\n]+/g, '');
  if (compact.length === 0 || compact.length > MAX_CERT_BASE64 || !BASE64.test(compact)) throw invalid(`${what} is not base64`);
  const bytes = Buffer.from(compact, 'base64');
  if (bytes.toString('base64') !== compact) throw invalid(`${what} is not canonical base64`);
  return bytes;
}

/**
 * A DER certificate from base64 text; refuses anything that is not exactly one well-formed
 * certificate. Accepted ones are remembered by their base64 (= their DER): see cert-cache.ts.
 */
function certFromBase64(text: string, what: string): X509Certificate {
  const compact = text.replace(/[ \t\r\n]+/g, '');
  const seen = parsedCertificates.get(compact);
  if (seen !== undefined) return seen;
  const der = decodeBase64(compact, what);
  try {
    parseCertificateDer(der);
    const cert = new X509Certificate(der);
    parsedCertificates.set(compact, cert);
    return cert;
  } catch (err) {
    throw new GatewayError('GW_ERR_SEC_TOKEN_INVALID', `${what} is not an X.509 certificate: ${(err as Error).message}`, undefined, { cause: err });
  }
}

function checkEncodingType(el: Element, what: string): void {
  const enc = el.getAttribute('EncodingType');
  if (enc !== null && enc !== BASE64_BINARY) throw invalid(`${what} EncodingType ${JSON.stringify(enc.slice(0, 200))} is not Base64Binary`);
}

function fromStore(found: readonly X509Certificate[], reference: CertReferenceKind, what: string): ResolvedCert {
  const [cert] = found;
  if (cert === undefined) throw new GatewayError('GW_ERR_SEC_TOKEN_UNRESOLVED', `${what} names no known certificate`, { reference });
  if (found.length > 1) throw new GatewayError('GW_ERR_SEC_TOKEN_UNRESOLVED', `${what} is ambiguous: ${found.length} known certificates match`, { reference });
  return { cert, reference, token: undefined };
}

/** The certificate of an X509v3 wsse:BinarySecurityToken (BSP R3031: ValueType required; Base64Binary). */
export function parseBinarySecurityToken(bst: Element): X509Certificate {
  // BSP R3031: a BinarySecurityToken carries a ValueType.
  if (bst.getAttribute('ValueType') !== X509V3_TOKEN) throw invalid('BinarySecurityToken ValueType is not X509v3');
  checkEncodingType(bst, 'BinarySecurityToken');
  return certFromBase64(textOf(bst, 'BinarySecurityToken'), 'BinarySecurityToken');
}

/** wsse:Reference → wsse:BinarySecurityToken in this message (WSS X.509 Token Profile 1.1 §3.2.1). */
function resolveDirect(ref: Element, ctx: ResolveContext): ResolvedCert {
  if (childElements(ref).length > 0) throw invalid('wsse:Reference has child elements');
  const uri = ref.getAttribute('URI') ?? '';
  const m = LOCAL_ID.exec(uri);
  if (m === null || m[1] === undefined) throw invalid(`wsse:Reference URI ${JSON.stringify(uri.slice(0, 200))} is not a same-document "#id"`);
  const valueType = ref.getAttribute('ValueType');
  if (valueType !== null && valueType !== X509V3_TOKEN) throw invalid(`wsse:Reference ValueType ${JSON.stringify(valueType.slice(0, 200))} is not X509v3`);
  const target = ctx.idIndex.get(m[1]);
  if (target === undefined) throw new GatewayError('GW_ERR_SEC_REFERENCE_UNRESOLVED', `wsse:Reference ${JSON.stringify(uri.slice(0, 200))} names no element of the message`);
  if (!is(target, NS_WSSE, 'BinarySecurityToken')) throw invalid(`wsse:Reference points to ${qname(target)}, not a wsse:BinarySecurityToken`);
  const cert = parseBinarySecurityToken(target);
  return { cert, reference: 'bst-direct', token: target };
}

/** wsse:KeyIdentifier (Token Profile 1.1 §3.2.2–3.2.3, SOAP Message Security 1.1 §7.3). */
function resolveKeyIdentifier(kid: Element, ctx: ResolveContext): ResolvedCert {
  checkEncodingType(kid, 'wsse:KeyIdentifier');
  const valueType = kid.getAttribute('ValueType');
  const text = textOf(kid, 'wsse:KeyIdentifier');
  switch (valueType) {
    case X509V3_TOKEN:
      return { cert: certFromBase64(text, 'X509v3 KeyIdentifier'), reference: 'keyid-x509v3', token: undefined };
    case X509_SKI:
      return fromStore(ctx.store.findBySki(decodeBase64(text, 'SubjectKeyIdentifier')), 'keyid-ski', 'SubjectKeyIdentifier');
    case THUMBPRINT_SHA1: {
      const tp = decodeBase64(text, 'ThumbprintSHA1');
      if (tp.length !== 20) throw invalid(`ThumbprintSHA1 is ${tp.length} bytes, not 20`);
      return fromStore(ctx.store.findByThumbprintSha1(tp), 'keyid-thumbprint', 'ThumbprintSHA1');
    }
    default:
      throw invalid(`wsse:KeyIdentifier ValueType ${JSON.stringify((valueType ?? '(none)').slice(0, 200))} is not supported`);
  }
}

/** ds:X509Data holding one ds:X509IssuerSerial or one ds:X509Certificate (XML-DSig §4.4.4). */
function resolveX509Data(data: Element, ctx: ResolveContext): ResolvedCert {
  const item = onlyChild(data, 'ds:X509Data');
  if (is(item, NS_DS, 'X509Certificate')) {
    return { cert: certFromBase64(textOf(item, 'ds:X509Certificate'), 'ds:X509Certificate'), reference: 'embedded-x509', token: undefined };
  }
  if (!is(item, NS_DS, 'X509IssuerSerial')) throw invalid(`ds:X509Data child ${qname(item)} is not supported`);
  const [name, number, extra] = childElements(item);
  if (name === undefined || number === undefined || extra !== undefined || !is(name, NS_DS, 'X509IssuerName') || !is(number, NS_DS, 'X509SerialNumber')) {
    throw invalid('ds:X509IssuerSerial must hold X509IssuerName then X509SerialNumber');
  }
  const serialText = textOf(number, 'X509SerialNumber').trim();
  if (!/^-?\d+$/.test(serialText) || serialText.length > MAX_SERIAL_DIGITS) throw invalid('X509SerialNumber is not a decimal integer');
  try {
    const found = ctx.store.findByIssuerSerial(textOf(name, 'X509IssuerName').trim(), BigInt(serialText));
    return fromStore(found, 'issuer-serial', 'X509IssuerSerial');
  } catch (err) {
    if (err instanceof DnSyntaxError) throw new GatewayError('GW_ERR_SEC_TOKEN_INVALID', `X509IssuerName: ${err.message}`, undefined, { cause: err });
    throw err;
  }
}

function resolveStr(str: Element, ctx: ResolveContext): ResolvedCert {
  const child = onlyChild(str, 'wsse:SecurityTokenReference');
  if (is(child, NS_WSSE, 'Reference')) return resolveDirect(child, ctx);
  if (is(child, NS_WSSE, 'KeyIdentifier')) return resolveKeyIdentifier(child, ctx);
  if (is(child, NS_DS, 'X509Data')) return resolveX509Data(child, ctx);
  throw invalid(`wsse:SecurityTokenReference child ${qname(child)} is not supported`);
}

/**
 * The certificate a `ds:KeyInfo` (or a `wsse:SecurityTokenReference`) names: a BinarySecurityToken
 * of this message, a certificate in the reference itself, or a known certificate of the store.
 * Resolution only — the result is NOT trusted until validateCertificate has judged it.
 */
export function resolveCertificate(keyInfoOrStr: Element, ctx: ResolveContext): ResolvedCert {
  if (is(keyInfoOrStr, NS_WSSE, 'SecurityTokenReference')) return resolveStr(keyInfoOrStr, ctx);
  if (!is(keyInfoOrStr, NS_DS, 'KeyInfo')) throw invalid(`${qname(keyInfoOrStr)} is neither ds:KeyInfo nor wsse:SecurityTokenReference`);
  // XML-DSig §4.4.3: RetrievalMethod would make us fetch or dereference key material: never.
  if (childElements(keyInfoOrStr).some((c) => is(c, NS_DS, 'RetrievalMethod'))) {
    throw invalid('ds:RetrievalMethod is not allowed', 'GW_ERR_SEC_SIGNATURE_MALFORMED');
  }
  const child = onlyChild(keyInfoOrStr, 'ds:KeyInfo');
  if (is(child, NS_WSSE, 'SecurityTokenReference')) return resolveStr(child, ctx);
  if (is(child, NS_DS, 'X509Data')) return resolveX509Data(child, ctx);
  throw invalid(`ds:KeyInfo child ${qname(child)} is not supported (KeyValue, KeyName and others carry no certificate)`);
}
