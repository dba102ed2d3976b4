import type { Element, Node } from '@xmldom/xmldom';
import { GatewayError } from '../../errors.ts';
import { NS_DS, childElements, localNameOf } from '../../xml/ns.ts';
import { ALG_ENVELOPED_SIGNATURE, ALG_EXC_C14N, NS_EXC_C14N, SUPPORTED_DIGEST_METHODS, SUPPORTED_SIGNATURE_METHODS, TYPE_MANIFEST, hashLength } from './algorithms.ts';
import type { HashName, SignatureScheme } from './algorithms.ts';
import type { InclusivePrefixes } from './exc-c14n.ts';
import type { SignatureAlgorithmPolicy } from './types.ts';

/**
 * The accepted shape of a message signature, checked before any key is resolved or any byte is
 * hashed (bounded work for unauthenticated input). Everything outside it is refused: there is no
 * "ignore what we don't understand".
 */

export interface ParsedReference {
  readonly element: Element;
  readonly uri: string;
  /** The Id the same-document URI names (the URI without '#'). */
  readonly id: string;
  /** The one exc-c14n transform's PrefixList. */
  readonly prefixes: InclusivePrefixes;
  readonly transforms: readonly string[];
  readonly digestMethod: string;
  readonly hash: HashName;
  readonly digestValue: Buffer;
}

export interface ParsedSignature {
  readonly signedInfo: Element;
  readonly canonicalization: string;
  readonly c14nPrefixes: InclusivePrefixes;
  readonly signatureMethod: string;
  readonly scheme: SignatureScheme;
  readonly references: readonly ParsedReference[];
  readonly signatureValue: Buffer;
  readonly keyInfo: Element | undefined;
}

const TEXT = 3;
const CDATA = 4;
const PI = 7;
const COMMENT = 8;
const XML_SPACE = /[ \t\r\n]/g;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const NCNAME = /^[\p{L}_][\p{L}\p{N}_.\-\u00B7]*$/u;
// A bare same-document reference: no xpointer(), no empty URI, nothing outside the message.
const SAME_DOCUMENT_ID = /^#([\p{L}_][\p{L}\p{N}_.\-\u00B7]*)$/u;

function malformed(reason: string): GatewayError {
  return new GatewayError('GW_ERR_SEC_SIGNATURE_MALFORMED', reason);
}

function unsupported(reason: string): GatewayError {
  return new GatewayError('GW_ERR_SEC_UNSUPPORTED_ALGORITHM', reason);
}

function isDs(el: Element | undefined, local: string): el is Element {
  return el !== undefined && el.namespaceURI === NS_DS && localNameOf(el) === local;
}

function name(el: Element): string {
  return `${el.namespaceURI === NS_DS ? 'ds:' : `{${el.namespaceURI ?? ''}}`}${localNameOf(el)}`;
}

/** Element children, refusing non-whitespace text between them (no mixed content in ds structure). */
function structure(el: Element): Element[] {
  for (let n = el.firstChild; n !== null; n = n.nextSibling) {
    if ((n.nodeType === TEXT || n.nodeType === CDATA) && ((n as unknown as { data: string }).data.replace(XML_SPACE, '') !== '' || n.nodeType === CDATA)) {
      throw malformed(`character data inside ${name(el)}`);
    }
  }
  return childElements(el);
}

function algorithm(el: Element): string {
  const alg = el.getAttribute('Algorithm');
  if (alg === null || alg === '') throw malformed(`${name(el)} without an Algorithm`);
  return alg;
}

/** The text of a DigestValue/SignatureValue: exactly one text node (CVE-2025-29775: nothing may split it), strict base64. */
function base64Value(el: Element): Buffer {
  const only = el.firstChild;
  if (only === null || only.nodeType !== TEXT || only.nextSibling !== null) throw malformed(`${name(el)} must hold exactly one text node`);
  const compact = (only as unknown as { data: string }).data.replace(XML_SPACE, '');
  if (compact === '' || !BASE64.test(compact)) throw malformed(`${name(el)} is not strict base64`);
  return Buffer.from(compact, 'base64');
}

/** ec:InclusiveNamespaces PrefixList of a CanonicalizationMethod or Transform (at most one child, nothing else). */
function prefixList(el: Element): InclusivePrefixes {
  const kids = structure(el);
  if (kids.length === 0) return new Set();
  const inc = kids[0] as Element;
  if (kids.length > 1 || inc.namespaceURI !== NS_EXC_C14N || localNameOf(inc) !== 'InclusiveNamespaces' || structure(inc).length > 0) {
    throw malformed(`${name(el)} may hold only one ec:InclusiveNamespaces`);
  }
  const list = inc.getAttribute('PrefixList');
  if (list === null) throw malformed('ec:InclusiveNamespaces without PrefixList');
  const out = new Set<string>();
  for (const token of list.split(XML_SPACE)) {
    if (token === '') continue;
    if (token === '#default') out.add('');
    else if (NCNAME.test(token)) out.add(token);
    else throw malformed(`PrefixList token ${JSON.stringify(token.slice(0, 40))} is not a prefix`);
  }
  return out;
}

/** No comment, PI or RetrievalMethod anywhere inside the Signature (the parser normally refuses the first two already). */
function scanSubtree(sig: Element): void {
  const stack: Node[] = [sig];
  while (stack.length > 0) {
    const n = stack.pop() as Node;
    if (n.nodeType === COMMENT) throw malformed('comment inside ds:Signature');
    if (n.nodeType === PI) throw malformed('processing instruction inside ds:Signature');
    if (n.nodeType === 1 && localNameOf(n) === 'RetrievalMethod') throw malformed('RetrievalMethod inside ds:Signature');
    for (let c = n.firstChild; c !== null; c = c.nextSibling) stack.push(c);
  }
}

function parseReference(ref: Element, policy: SignatureAlgorithmPolicy): ParsedReference {
  const uri = ref.getAttribute('URI');
  if (uri === null || uri === '') throw malformed('Reference without a URI (whole-document references are refused)');
  const match = SAME_DOCUMENT_ID.exec(uri);
  if (match === null) throw malformed(`Reference URI ${JSON.stringify(uri.slice(0, 80))} is not a same-document #id`);
  if (ref.getAttribute('Type') === TYPE_MANIFEST) throw malformed('Reference to a ds:Manifest');
  const kids = structure(ref);
  const transformsEl = isDs(kids[0], 'Transforms') ? kids.shift() : undefined;
  // BSP R5416: every Reference has Transforms; the last must be exc-c14n (R5423).
  if (transformsEl === undefined) throw malformed(`Reference ${uri} has no ds:Transforms`);
  const digestEl = kids[0];
  const valueEl = kids[1];
  if (kids.length !== 2 || !isDs(digestEl, 'DigestMethod') || !isDs(valueEl, 'DigestValue')) {
    throw malformed(`Reference ${uri} must hold Transforms, DigestMethod, DigestValue and nothing else`);
  }
  const transforms = structure(transformsEl);
  if (transforms.length === 0) throw malformed(`Reference ${uri} has an empty ds:Transforms`);
  if (transforms.length > policy.maxTransforms) throw malformed(`Reference ${uri} has ${transforms.length} transforms (limit ${policy.maxTransforms})`);
  const algs: string[] = [];
  for (const [i, t] of transforms.entries()) {
    if (!isDs(t, 'Transform')) throw malformed(`${name(t)} inside ds:Transforms`);
    const alg = algorithm(t);
    // BSP R5423: exc-c14n last. An enveloped-signature transform before it is tolerated (node-soap
    // writes it on every Reference): the referenced element may never enclose the Signature
    // (verifyReference refuses that), so it removes nothing. XPath, XSLT, Base64, STR-Transform
    // and anything unknown stay outside the allowlist.
    const last = i === transforms.length - 1;
    if (last ? alg !== ALG_EXC_C14N : alg !== ALG_ENVELOPED_SIGNATURE) throw unsupported(`transform ${alg}${last ? '' : ' before the final exc-c14n'}`);
    algs.push(alg);
  }
  if (transforms.length > 2) throw malformed(`Reference ${uri}: more than enveloped-signature + exc-c14n`);
  const prefixes = prefixList(transforms[transforms.length - 1] as Element);
  const digestMethod = algorithm(digestEl);
  const hash = SUPPORTED_DIGEST_METHODS.get(digestMethod);
  if (hash === undefined || !policy.digestMethods.has(digestMethod)) throw unsupported(`digest method ${digestMethod}`);
  if (structure(digestEl).length > 0) throw malformed('ds:DigestMethod with child elements');
  const digestValue = base64Value(valueEl);
  if (digestValue.length !== hashLength(hash)) throw malformed(`DigestValue of Reference ${uri} is ${digestValue.length} bytes, ${hash} gives ${hashLength(hash)}`);
  return { element: ref, uri, id: match[1] as string, prefixes, transforms: algs, digestMethod, hash, digestValue };
}

/** Checks the whole shape and algorithm allowlist; throws SIGNATURE_MALFORMED / UNSUPPORTED_ALGORITHM. */
export function parseSignature(sig: Element, policy: SignatureAlgorithmPolicy): ParsedSignature {
  if (!isDs(sig, 'Signature')) throw malformed(`${name(sig)} is not a ds:Signature`);
  scanSubtree(sig);
  const top = structure(sig);
  const signedInfo = top[0];
  if (!isDs(signedInfo, 'SignedInfo')) throw malformed('the first child of ds:Signature is not ds:SignedInfo');
  if (top.filter((e) => localNameOf(e) === 'SignedInfo').length > 1) throw malformed('more than one SignedInfo');
  if (top.some((e) => isDs(e, 'Object'))) throw malformed('ds:Object is not supported (no Object/Manifest references)');
  const valueEl = top[1];
  if (!isDs(valueEl, 'SignatureValue')) throw malformed('ds:SignedInfo is not followed by ds:SignatureValue');
  const keyInfo = top[2];
  if (top.length > 3 || (keyInfo !== undefined && !isDs(keyInfo, 'KeyInfo'))) throw malformed('ds:Signature holds more than SignedInfo, SignatureValue and KeyInfo');

  const parts = structure(signedInfo);
  const c14nEl = parts[0];
  const methodEl = parts[1];
  if (!isDs(c14nEl, 'CanonicalizationMethod') || !isDs(methodEl, 'SignatureMethod')) {
    throw malformed('ds:SignedInfo must start with CanonicalizationMethod, SignatureMethod');
  }
  const refs = parts.slice(2);
  // Counted before any Reference is looked at: bounded work whatever the message holds.
  if (refs.length === 0) throw malformed('ds:SignedInfo has no Reference');
  if (refs.length > policy.maxReferences) throw malformed(`${refs.length} References (limit ${policy.maxReferences})`);
  for (const r of refs) if (!isDs(r, 'Reference')) throw malformed(`${name(r)} inside ds:SignedInfo`);

  const canonicalization = algorithm(c14nEl);
  if (canonicalization !== ALG_EXC_C14N) throw unsupported(`canonicalization ${canonicalization}`);
  const c14nPrefixes = prefixList(c14nEl);
  const signatureMethod = algorithm(methodEl);
  const scheme = SUPPORTED_SIGNATURE_METHODS.get(signatureMethod);
  if (scheme === undefined || !policy.signatureMethods.has(signatureMethod)) throw unsupported(`signature method ${signatureMethod}`);
  if (structure(methodEl).length > 0) throw malformed('ds:SignatureMethod with child elements');

  const references = refs.map((r) => parseReference(r, policy));
  const signatureValue = base64Value(valueEl);
  return { signedInfo, canonicalization, c14nPrefixes, signatureMethod, scheme, references, signatureValue, keyInfo };
}
