import type { Element, Node } from '@xmldom/xmldom';
import { GatewayError } from '../../errors.ts';
import { NS_DS, NS_WSSE, NS_WSSE11, NS_XENC, childElements, isElement, localNameOf } from '../../xml/ns.ts';
import type { XmlLimits } from '../../xml/types.ts';
import { resolveDataAlgorithm } from './algorithms.ts';
import type { DataAlgorithm } from './algorithms.ts';
import { aesDecrypt, decryptionFailed, readCipherValue } from './cipher.ts';
import { parsePlaintext } from './plaintext.ts';
import type { EncryptionAlgorithmPolicy } from './types.ts';

const TYPE_CONTENT = 'http://www.w3.org/2001/04/xmlenc#Content';
const TYPE_ELEMENT = 'http://www.w3.org/2001/04/xmlenc#Element';
const TYPE_ENCRYPTED_KEY = 'http://www.w3.org/2001/04/xmlenc#EncryptedKey';
const ED_CHILDREN = new Set(['EncryptionMethod', 'KeyInfo', 'CipherData', 'EncryptionProperties']);

export type DecryptTarget = 'content' | 'element' | 'header';

/** An EncryptedData checked before any key is touched. */
export interface EncryptedDataPlan {
  readonly encryptedData: Element;
  /** What the plaintext replaces: the EncryptedData, or the wsse11:EncryptedHeader around it. */
  readonly replaced: Element;
  readonly target: DecryptTarget;
  readonly algorithm: DataAlgorithm;
  readonly cipherValue: Buffer;
}

function is(el: Element | null | undefined, ns: string, local: string): boolean {
  return el != null && el.namespaceURI === ns && localNameOf(el) === local;
}

function inDocument(el: Element): boolean {
  let n: Node | null = el;
  while (n !== null && n.nodeType === 1) n = n.parentNode;
  return n !== null && n.nodeType === 9;
}

/** The EncryptedData itself, or the one a wsse11:EncryptedHeader wraps (WSS 1.1 §9.3). */
export function encryptedDataOf(target: Element): Element {
  if (is(target, NS_WSSE11, 'EncryptedHeader')) {
    const kids = childElements(target);
    const ed = kids[0];
    if (kids.length !== 1 || ed === undefined || !is(ed, NS_XENC, 'EncryptedData')) throw decryptionFailed('EncryptedHeader must wrap exactly one EncryptedData');
    return ed;
  }
  if (!is(target, NS_XENC, 'EncryptedData')) throw decryptionFailed(`reference points to <${target.tagName}>, not to EncryptedData`);
  return target;
}

/**
 * The Id of the EncryptedKey that the EncryptedData's `ds:KeyInfo` names (undefined when there is
 * no KeyInfo). Two forms are accepted, both a same-document `#id`:
 * - `wsse:SecurityTokenReference/wsse:Reference` (WSS4J, .NET);
 * - `ds:RetrievalMethod` with Type `xenc#EncryptedKey` and no Transforms (xmlsec1 / python-xmlsec
 *   templates). Nothing is ever fetched: an external URI, another Type or any child is refused.
 * Any other KeyInfo form is refused: the key must be an EncryptedKey that this gateway unwraps.
 */
export function keyReferenceOf(ed: Element): string | undefined {
  const infos = childElements(ed).filter((c) => is(c, NS_DS, 'KeyInfo'));
  const info = infos[0];
  if (info === undefined) return undefined;
  const kids = childElements(info);
  const only = kids[0];
  if (infos.length !== 1 || kids.length !== 1 || only === undefined) throw decryptionFailed('EncryptedData KeyInfo must hold exactly one key reference');
  let uri: string;
  if (is(only, NS_DS, 'RetrievalMethod')) {
    if (only.getAttribute('Type') !== TYPE_ENCRYPTED_KEY) throw decryptionFailed('EncryptedData RetrievalMethod Type is not xenc#EncryptedKey');
    if (childElements(only).length !== 0) throw decryptionFailed('EncryptedData RetrievalMethod with Transforms is not supported');
    uri = only.getAttribute('URI') ?? '';
  } else {
    const refs = is(only, NS_WSSE, 'SecurityTokenReference') ? childElements(only) : [];
    const ref = refs[0];
    if (refs.length !== 1 || ref === undefined || !is(ref, NS_WSSE, 'Reference')) {
      throw decryptionFailed('EncryptedData KeyInfo must be one SecurityTokenReference with one Reference, or one RetrievalMethod');
    }
    uri = ref.getAttribute('URI') ?? '';
  }
  if (!uri.startsWith('#') || uri.length < 2) throw decryptionFailed('EncryptedData key reference is not a same-document #id');
  return uri.slice(1);
}

/** Shape, Type and algorithm checks for the EncryptedData that `target` names. */
export function planEncryptedData(target: Element, policy: EncryptionAlgorithmPolicy): EncryptedDataPlan {
  const ed = encryptedDataOf(target);
  const algorithm = resolveDataAlgorithm(ed, policy);
  const header = is(ed.parentNode as Element | null, NS_WSSE11, 'EncryptedHeader') ? (ed.parentNode as Element) : undefined;
  const replaced = header ?? ed;
  if (!inDocument(replaced)) throw new GatewayError('GW_ERR_SEC_REFERENCE_UNRESOLVED', 'EncryptedData is no longer in the message (already decrypted)');
  for (const child of childElements(ed)) {
    if (child.namespaceURI !== NS_XENC && !is(child, NS_DS, 'KeyInfo')) throw decryptionFailed(`unexpected EncryptedData child <${child.tagName}>`);
    if (!ED_CHILDREN.has(localNameOf(child))) throw decryptionFailed(`unexpected EncryptedData child <${child.tagName}>`);
  }
  const type = ed.getAttribute('Type');
  let kind: DecryptTarget;
  if (type === TYPE_ELEMENT) kind = header ? 'header' : 'element';
  else if (type === TYPE_CONTENT && !header) kind = 'content';
  else throw decryptionFailed(`EncryptedData Type ${JSON.stringify((type ?? '').slice(0, 100))} not supported here`);
  keyReferenceOf(ed); // shape check only
  return { encryptedData: ed, replaced, target: kind, algorithm, cipherValue: readCipherValue(ed) };
}

/**
 * Decrypt a planned EncryptedData with `key` and put the plaintext in its place. `keyProblem` is
 * set when the key is a random stand-in for one that failed to unwrap: the work is the same, the
 * failure comes at the end. Every failure is GW_ERR_SEC_DECRYPTION_FAILED.
 */
export function decryptPlanned(plan: EncryptedDataPlan, key: Buffer, keyProblem: string | undefined, limits: XmlLimits): readonly Element[] {
  const parent = plan.replaced.parentNode;
  if (!isElement(parent)) throw decryptionFailed('EncryptedData has no parent element');
  const aes = aesDecrypt(plan.algorithm, key, plan.cipherValue);
  const parsed = parsePlaintext(aes.plaintext, parent, limits);
  const problem = keyProblem ?? aes.problem ?? parsed.problem;
  if (problem !== undefined || parsed.nodes === undefined) throw decryptionFailed(problem ?? 'plaintext did not parse');

  let nodes = parsed.nodes;
  if (plan.target !== 'content') {
    const elements = nodes.filter(isElement);
    const strayText = nodes.some((n) => !isElement(n) && !(n.nodeType === 3 && (n.nodeValue ?? '').trim() === ''));
    if (elements.length !== 1 || strayText) throw decryptionFailed('Element plaintext must be exactly one element');
    nodes = elements;
  }
  for (const node of nodes) parent.insertBefore(node, plan.replaced);
  parent.removeChild(plan.replaced);
  return plan.target === 'content' ? [parent] : nodes.filter(isElement);
}
