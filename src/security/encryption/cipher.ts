import { createDecipheriv } from 'node:crypto';
import type { Element } from '@xmldom/xmldom';
import { GatewayError } from '../../errors.ts';
import { NS_XENC, childElements, localNameOf } from '../../xml/ns.ts';
import type { DataAlgorithm } from './algorithms.ts';

/** The one code for every decryption failure (R-ENCRYPTION): no padding, tag or parse oracle. */
export function decryptionFailed(reason: string, cause?: unknown): GatewayError {
  return new GatewayError('GW_ERR_SEC_DECRYPTION_FAILED', reason, undefined, cause === undefined ? undefined : { cause });
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Strict base64 (XML whitespace allowed between characters, nothing else). */
export function decodeBase64Strict(text: string, what: string): Buffer {
  const compact = text.replace(/[ \t\r\n]+/g, '');
  if (compact.length === 0 || compact.length % 4 !== 0 || !BASE64.test(compact)) throw decryptionFailed(`${what} is not valid base64`);
  return Buffer.from(compact, 'base64');
}

/** The bytes of `xenc:CipherData/xenc:CipherValue`; CipherReference (external data) is refused. */
export function readCipherValue(owner: Element): Buffer {
  const data = childElements(owner).filter((c) => c.namespaceURI === NS_XENC && localNameOf(c) === 'CipherData');
  const cipherData = data[0];
  if (data.length !== 1 || cipherData === undefined) throw decryptionFailed(`<${owner.tagName}> needs exactly one CipherData`);
  const kids = childElements(cipherData);
  const value = kids[0];
  if (kids.length !== 1 || value === undefined || value.namespaceURI !== NS_XENC) throw decryptionFailed('CipherData must hold one CipherValue');
  if (localNameOf(value) === 'CipherReference') throw decryptionFailed('CipherReference (external cipher data) is not supported');
  if (localNameOf(value) !== 'CipherValue' || childElements(value).length > 0) throw decryptionFailed('CipherData must hold one CipherValue');
  return decodeBase64Strict(value.textContent ?? '', 'CipherValue');
}

const GCM_IV = 12;
const GCM_TAG = 16;
const CBC_IV = 16;

export interface AesOutcome {
  /** The plaintext (possibly garbage when `problem` is set: the caller parses it anyway, then fails). */
  readonly plaintext: Buffer;
  readonly problem: string | undefined;
}

/**
 * AES-GCM (IV 12 | ciphertext | tag 16) or AES-CBC (IV 16 | ciphertext, XML Encryption padding:
 * only the last byte, the pad length 1..16, is checked — the other pad bytes are arbitrary, so
 * node's PKCS#7 check is off). Lengths are public and fail at once; secret-dependent checks
 * (tag, padding) return a problem instead of throwing, so the caller does the same work either way.
 */
export function aesDecrypt(alg: DataAlgorithm, key: Buffer, data: Buffer): AesOutcome {
  if (key.length !== alg.keyLength) throw decryptionFailed('content key has the wrong length');
  if (alg.mode === 'gcm') {
    if (data.length < GCM_IV + GCM_TAG) throw decryptionFailed('AES-GCM CipherValue shorter than IV + tag');
    const iv = data.subarray(0, GCM_IV);
    const tag = data.subarray(data.length - GCM_TAG);
    const body = data.subarray(GCM_IV, data.length - GCM_TAG);
    const decipher = createDecipheriv(alg.cipher, key, iv, { authTagLength: GCM_TAG });
    decipher.setAuthTag(tag);
    const out = decipher.update(body);
    try {
      return { plaintext: Buffer.concat([out, decipher.final()]), problem: undefined };
    } catch {
      // Never release unauthenticated plaintext.
      return { plaintext: Buffer.alloc(0), problem: 'AES-GCM authentication tag mismatch' };
    }
  }
  const body = data.subarray(CBC_IV);
  if (body.length === 0 || body.length % 16 !== 0) throw decryptionFailed('AES-CBC ciphertext is not a positive multiple of the block size');
  const decipher = createDecipheriv(alg.cipher, key, data.subarray(0, CBC_IV));
  decipher.setAutoPadding(false);
  const out = Buffer.concat([decipher.update(body), decipher.final()]);
  const pad = out[out.length - 1] ?? 0;
  const padOk = pad >= 1 && pad <= 16;
  // Strip one byte when the padding is bad so the parse below still runs on a comparable input.
  const cut = padOk ? pad : 1;
  return { plaintext: out.subarray(0, out.length - cut), problem: padOk ? undefined : 'AES-CBC padding invalid' };
}
