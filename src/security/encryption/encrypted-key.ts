import { privateDecrypt, randomBytes } from 'node:crypto';
import type { Element } from '@xmldom/xmldom';
import { GatewayError } from '../../errors.ts';
import { NS_DS, NS_WSU, NS_XENC, childElements, localNameOf } from '../../xml/ns.ts';
import type { CertReferenceKind, DecryptionResult } from '../types.ts';
import { resolveKeyTransport } from './algorithms.ts';
import type { DataAlgorithm, KeyTransport } from './algorithms.ts';
import { keyInfoNamesCertificate } from './cert-match.ts';
import { decryptionFailed, readCipherValue } from './cipher.ts';
import { decryptPlanned, encryptedDataOf, keyReferenceOf, planEncryptedData } from './encrypted-data.ts';
import type { EncryptedDataPlan } from './encrypted-data.ts';
import type { DecryptContext } from './types.ts';

const EK_CHILDREN = new Set(['EncryptionMethod', 'KeyInfo', 'CipherData', 'ReferenceList', 'CarriedKeyName', 'EncryptionProperties']);

interface CheckedKey {
  readonly transport: KeyTransport;
  /** How the KeyInfo named the gateway certificate. */
  readonly reference: CertReferenceKind;
}

interface UnwrappedKey extends CheckedKey {
  /** The content key, or undefined when the OAEP unwrap failed. */
  readonly key: Buffer | undefined;
}

function idsOf(el: Element): string[] {
  return [el.getAttribute('Id'), el.getAttributeNS(NS_WSU, 'Id')].filter((v): v is string => !!v);
}

function isEncryptedKey(el: Element): boolean {
  return el.namespaceURI === NS_XENC && localNameOf(el) === 'EncryptedKey';
}

/** The `#id` targets of `xenc:ReferenceList/xenc:DataReference` (none without a ReferenceList). */
function dataReferences(ekEl: Element): string[] {
  const lists = childElements(ekEl).filter((c) => c.namespaceURI === NS_XENC && localNameOf(c) === 'ReferenceList');
  if (lists.length > 1) throw decryptionFailed('EncryptedKey has more than one ReferenceList');
  const ids: string[] = [];
  for (const ref of lists[0] === undefined ? [] : childElements(lists[0])) {
    if (ref.namespaceURI !== NS_XENC || localNameOf(ref) !== 'DataReference') throw decryptionFailed(`unsupported ReferenceList entry <${ref.tagName}>`);
    const uri = ref.getAttribute('URI') ?? '';
    if (!uri.startsWith('#') || uri.length < 2) throw decryptionFailed('DataReference URI is not a same-document #id');
    if (ids.includes(uri.slice(1))) throw decryptionFailed('DataReference lists the same EncryptedData twice');
    ids.push(uri.slice(1));
  }
  if (lists[0] !== undefined && ids.length === 0) throw decryptionFailed('empty ReferenceList');
  return ids;
}

/**
 * Algorithm first (rsa-1_5 refused before anything else), then shape, then: does it name our
 * certificate? A key for another certificate is a decryption failure like any other.
 */
function checkEncryptedKey(ekEl: Element, ctx: DecryptContext): CheckedKey {
  const transport = resolveKeyTransport(ekEl, ctx.policy);
  for (const child of childElements(ekEl)) {
    const ok = child.namespaceURI === NS_DS ? localNameOf(child) === 'KeyInfo' : child.namespaceURI === NS_XENC && EK_CHILDREN.has(localNameOf(child));
    if (!ok) throw decryptionFailed(`unexpected EncryptedKey child <${child.tagName}>`);
  }
  const infos = childElements(ekEl).filter((c) => c.namespaceURI === NS_DS && localNameOf(c) === 'KeyInfo');
  if (infos.length > 1) throw decryptionFailed('EncryptedKey has more than one KeyInfo');
  const match = keyInfoNamesCertificate(infos[0], ctx.certificate, (id) => ctx.idIndex.get(id));
  if (!match.ok) throw decryptionFailed(match.reason);
  return { transport, reference: match.reference };
}

function unwrap(ekEl: Element, checked: CheckedKey, ctx: DecryptContext): UnwrappedKey {
  const { transport } = checked;
  const wrapped = readCipherValue(ekEl);
  try {
    return { ...checked, key: privateDecrypt({ key: ctx.privateKey, padding: transport.padding, oaepHash: transport.oaepHash }, wrapped) };
  } catch {
    return { ...checked, key: undefined };
  }
}

/**
 * The content key for one algorithm. When the unwrap failed or gave a key of the wrong length, a
 * random key stands in (as WSS4J does) so the data decryption still runs and fails the same way.
 */
function contentKey(unwrapped: UnwrappedKey, alg: DataAlgorithm): { key: Buffer; problem: string | undefined } {
  if (unwrapped.key === undefined) return { key: randomBytes(alg.keyLength), problem: 'RSA-OAEP key unwrap failed' };
  if (unwrapped.key.length !== alg.keyLength) return { key: randomBytes(alg.keyLength), problem: 'unwrapped key length does not fit the data algorithm' };
  return { key: unwrapped.key, problem: undefined };
}

function decryptOne(element: Element, plan: EncryptedDataPlan, unwrapped: UnwrappedKey, ctx: DecryptContext): DecryptionResult {
  const { key, problem } = contentKey(unwrapped, plan.algorithm);
  const decrypted = decryptPlanned(plan, key, problem, ctx.limits);
  return { kind: 'decryption', element, keyTransport: unwrapped.transport.uri, keyReference: unwrapped.reference, dataAlgorithm: plan.algorithm.uri, target: plan.target, decrypted };
}

/**
 * Process an `xenc:EncryptedKey` child of wsse:Security: check its algorithm and that it names the
 * gateway certificate, unwrap the content key and decrypt every EncryptedData of its
 * ReferenceList in place (in list order). Without a ReferenceList nothing is decrypted here: the
 * EncryptedData that reference this key are handled by {@link processEncryptedDataWithKeyRef}.
 */
export function processEncryptedKey(ekEl: Element, ctx: DecryptContext): DecryptionResult[] {
  const checked = checkEncryptedKey(ekEl, ctx);
  const ekIds = idsOf(ekEl);
  const plans = dataReferences(ekEl).map((id) => {
    const target = ctx.idIndex.get(id);
    if (target === undefined) throw new GatewayError('GW_ERR_SEC_REFERENCE_UNRESOLVED', `DataReference #${id.slice(0, 100)} names no element`);
    const plan = planEncryptedData(target, ctx.policy);
    const keyRef = keyReferenceOf(plan.encryptedData);
    if (keyRef !== undefined && !ekIds.includes(keyRef)) throw decryptionFailed('EncryptedData in the ReferenceList names another key');
    return plan;
  });
  if (plans.length === 0) return [];
  const unwrapped = unwrap(ekEl, checked, ctx);
  return plans.map((plan) => decryptOne(ekEl, plan, unwrapped, ctx));
}

/**
 * Decrypt an EncryptedData (or a wsse11:EncryptedHeader) whose `ds:KeyInfo` references an
 * EncryptedKey elsewhere in the message (`wsse:Reference URI="#EK-id"`), for EncryptedKeys without
 * a ReferenceList. The EncryptedKey gets the same checks as in {@link processEncryptedKey}.
 */
export function processEncryptedDataWithKeyRef(edEl: Element, ctx: DecryptContext): DecryptionResult {
  const keyRef = keyReferenceOf(encryptedDataOf(edEl));
  if (keyRef === undefined) throw decryptionFailed('EncryptedData has no key reference');
  const ekEl = ctx.idIndex.get(keyRef);
  if (ekEl === undefined) throw new GatewayError('GW_ERR_SEC_REFERENCE_UNRESOLVED', `key Reference #${keyRef.slice(0, 100)} names no element`);
  if (!isEncryptedKey(ekEl)) throw decryptionFailed(`key Reference points to <${ekEl.tagName}>, not to an EncryptedKey`);
  const checked = checkEncryptedKey(ekEl, ctx);
  const plan = planEncryptedData(edEl, ctx.policy);
  return decryptOne(edEl, plan, unwrap(ekEl, checked, ctx), ctx);
}
