import { constants } from 'node:crypto';
import type { Element } from '@xmldom/xmldom';
import { GatewayError } from '../../errors.ts';
import { NS_DS, NS_XENC, NS_XENC11, childElements, localNameOf } from '../../xml/ns.ts';
import type { EncryptionAlgorithmPolicy } from './types.ts';

export const ALG_RSA_1_5 = 'http://www.w3.org/2001/04/xmlenc#rsa-1_5';
export const ALG_RSA_OAEP_MGF1P = 'http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p';
export const ALG_RSA_OAEP = 'http://www.w3.org/2009/xmlenc11#rsa-oaep';
export const ALG_AES128_GCM = 'http://www.w3.org/2009/xmlenc11#aes128-gcm';
export const ALG_AES256_GCM = 'http://www.w3.org/2009/xmlenc11#aes256-gcm';
export const ALG_AES128_CBC = 'http://www.w3.org/2001/04/xmlenc#aes128-cbc';
export const ALG_AES256_CBC = 'http://www.w3.org/2001/04/xmlenc#aes256-cbc';

/** The default: both OAEP forms, AES-GCM only. */
export const defaultEncryptionPolicy: EncryptionAlgorithmPolicy = Object.freeze({
  keyTransport: new Set([ALG_RSA_OAEP_MGF1P, ALG_RSA_OAEP]),
  dataEncryption: new Set([ALG_AES128_GCM, ALG_AES256_GCM]),
});

/** `policy` plus AES-CBC (a service's explicit legacy opt-in; unauthenticated, so sign what is encrypted). */
export function withLegacyCbc(policy: EncryptionAlgorithmPolicy): EncryptionAlgorithmPolicy {
  return Object.freeze({
    keyTransport: policy.keyTransport,
    dataEncryption: new Set([...policy.dataEncryption, ALG_AES128_CBC, ALG_AES256_CBC]),
  });
}

export type OaepHash = 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';

export interface KeyTransport {
  readonly uri: string;
  /** OAEP digest; node:crypto always uses MGF1 with this same digest. */
  readonly oaepHash: OaepHash;
  readonly padding: number;
}

export type DataAlgorithm =
  | { readonly uri: string; readonly mode: 'gcm'; readonly cipher: 'aes-128-gcm' | 'aes-256-gcm'; readonly keyLength: 16 | 32 }
  | { readonly uri: string; readonly mode: 'cbc'; readonly cipher: 'aes-128-cbc' | 'aes-256-cbc'; readonly keyLength: 16 | 32 };

const DIGESTS: ReadonlyMap<string, OaepHash> = new Map([
  ['http://www.w3.org/2000/09/xmldsig#sha1', 'sha1'],
  ['http://www.w3.org/2001/04/xmldsig-more#sha224', 'sha224'],
  ['http://www.w3.org/2001/04/xmlenc#sha256', 'sha256'],
  ['http://www.w3.org/2001/04/xmldsig-more#sha384', 'sha384'],
  ['http://www.w3.org/2001/04/xmlenc#sha512', 'sha512'],
]);

const MGFS: ReadonlyMap<string, OaepHash> = new Map([
  ['http://www.w3.org/2009/xmlenc11#mgf1sha1', 'sha1'],
  ['http://www.w3.org/2009/xmlenc11#mgf1sha224', 'sha224'],
  ['http://www.w3.org/2009/xmlenc11#mgf1sha256', 'sha256'],
  ['http://www.w3.org/2009/xmlenc11#mgf1sha384', 'sha384'],
  ['http://www.w3.org/2009/xmlenc11#mgf1sha512', 'sha512'],
]);

const DATA: ReadonlyMap<string, DataAlgorithm> = new Map([
  [ALG_AES128_GCM, { uri: ALG_AES128_GCM, mode: 'gcm', cipher: 'aes-128-gcm', keyLength: 16 }],
  [ALG_AES256_GCM, { uri: ALG_AES256_GCM, mode: 'gcm', cipher: 'aes-256-gcm', keyLength: 32 }],
  [ALG_AES128_CBC, { uri: ALG_AES128_CBC, mode: 'cbc', cipher: 'aes-128-cbc', keyLength: 16 }],
  [ALG_AES256_CBC, { uri: ALG_AES256_CBC, mode: 'cbc', cipher: 'aes-256-cbc', keyLength: 32 }],
]);

function unsupported(reason: string, uri: string | undefined): GatewayError {
  return new GatewayError('GW_ERR_SEC_UNSUPPORTED_ALGORITHM', reason, { algorithm: (uri ?? '').slice(0, 200) });
}

/** The Algorithm of the `xenc:EncryptionMethod` child (exactly one), or undefined. */
export function encryptionMethodOf(el: Element): { method: Element; uri: string } | undefined {
  const methods = childElements(el).filter((c) => c.namespaceURI === NS_XENC && localNameOf(c) === 'EncryptionMethod');
  const method = methods[0];
  if (methods.length !== 1 || method === undefined) return undefined;
  const uri = method.getAttribute('Algorithm');
  return uri ? { method, uri } : undefined;
}

/**
 * The key transport of an EncryptedKey, checked against the policy and against what node:crypto can
 * do. RSA-1_5 is refused first, whatever the policy says (Bleichenbacher).
 */
export function resolveKeyTransport(ekEl: Element, policy: EncryptionAlgorithmPolicy): KeyTransport {
  const found = encryptionMethodOf(ekEl);
  if (found === undefined) throw unsupported('EncryptedKey has no single EncryptionMethod with an Algorithm', undefined);
  const { method, uri } = found;
  if (uri === ALG_RSA_1_5) throw unsupported('key transport rsa-1_5 is never accepted', uri);
  if (uri !== ALG_RSA_OAEP_MGF1P && uri !== ALG_RSA_OAEP) throw unsupported('unknown key transport', uri);
  if (!policy.keyTransport.has(uri)) throw unsupported('key transport not allowed by the service', uri);

  let digest: OaepHash = 'sha1';
  let mgf: OaepHash = 'sha1';
  for (const child of childElements(method)) {
    const ns = child.namespaceURI ?? '';
    const local = localNameOf(child);
    const alg = child.getAttribute('Algorithm') ?? '';
    if (ns === NS_DS && local === 'DigestMethod') {
      const d = DIGESTS.get(alg);
      if (d === undefined) throw unsupported('OAEP DigestMethod not supported', alg);
      digest = d;
    } else if (ns === NS_XENC11 && local === 'MGF' && uri === ALG_RSA_OAEP) {
      const m = MGFS.get(alg);
      if (m === undefined) throw unsupported('OAEP MGF not supported', alg);
      mgf = m;
    } else if (ns === NS_XENC && local === 'OAEPparams') {
      // A non-empty label is legal but unused by any client we know: refused rather than half-supported.
      if ((child.textContent ?? '').trim() !== '') throw unsupported('non-empty OAEPparams not supported', uri);
    } else if (ns === NS_XENC && local === 'KeySize') {
      continue;
    } else {
      throw unsupported(`unexpected EncryptionMethod child <${child.tagName}>`, uri);
    }
  }
  // rsa-oaep-mgf1p fixes MGF1 to SHA-1; node:crypto uses the OAEP digest for MGF1 as well.
  if (digest !== mgf) throw unsupported(`OAEP digest ${digest} with MGF1-${mgf} is not supported`, uri);
  return { uri, oaepHash: digest, padding: constants.RSA_PKCS1_OAEP_PADDING };
}

/** The block encryption of an EncryptedData, checked against the policy. */
export function resolveDataAlgorithm(edEl: Element, policy: EncryptionAlgorithmPolicy): DataAlgorithm {
  const found = encryptionMethodOf(edEl);
  if (found === undefined) throw unsupported('EncryptedData has no single EncryptionMethod with an Algorithm', undefined);
  const alg = DATA.get(found.uri);
  if (alg === undefined) throw unsupported('unknown data encryption algorithm', found.uri);
  if (!policy.dataEncryption.has(found.uri)) throw unsupported('data encryption algorithm not allowed by the service', found.uri);
  for (const child of childElements(found.method)) {
    if (!(child.namespaceURI === NS_XENC && localNameOf(child) === 'KeySize')) throw unsupported(`unexpected EncryptionMethod child <${child.tagName}>`, found.uri);
  }
  return alg;
}
