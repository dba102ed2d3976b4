import { constants, createHash, hash as sha, timingSafeEqual, verify } from 'node:crypto';
import type { KeyObject, VerifyKeyObjectInput, VerifyPublicKeyInput } from 'node:crypto';
import type { Element, Node } from '@xmldom/xmldom';
import { GatewayError } from '../../errors.ts';
import type { SignedReference } from '../types.ts';
import { hashLength } from './algorithms.ts';
import type { SignatureScheme } from './algorithms.ts';
import { excC14n, excC14nDigest } from './exc-c14n.ts';
import { parseSignature } from './shape.ts';
import type { ParsedReference, ParsedSignature } from './shape.ts';
import type { VerifiedSignature, VerifyContext } from './types.ts';

/**
 * Verifies one message signature (ds:Signature in wsse:Security) against the DOM it lives in:
 * shape and algorithm allowlist first, then the SignatureValue over exc-c14n(SignedInfo), and only
 * then each Reference, resolved through the Id index and bound to its DOM node. The signing key
 * comes from `ctx.resolveKey`, which also decides whether it is trusted.
 */
export function verifySignature(sigEl: Element, ctx: VerifyContext): VerifiedSignature {
  const parsed = parseSignature(sigEl, ctx.policy);
  const { key, signer } = ctx.resolveKey(parsed.keyInfo);
  const signedInfo = verifySignatureValue(parsed, key);
  const references = parsed.references.map((ref) => verifyReference(ref, sigEl, ctx));
  return {
    // What was signed, independent of how the signature bytes are spelled (ECDSA (r, s) and
    // (r, n−s) both verify): the replay key.
    signedInfoDigest: sha('sha256', signedInfo, 'hex'),
    signatureMethod: parsed.signatureMethod,
    canonicalization: parsed.canonicalization,
    references,
    signatureValueDigest: sha('sha256', parsed.signatureValue, 'hex'),
    keyInfo: parsed.keyInfo,
    signer,
  };
}

function invalid(reason: string): GatewayError {
  return new GatewayError('GW_ERR_SEC_SIGNATURE_INVALID', reason);
}

const KEY_TYPES: Readonly<Record<SignatureScheme['family'], readonly string[]>> = {
  rsa: ['rsa'],
  'rsa-pss': ['rsa', 'rsa-pss'],
  ecdsa: ['ec'],
};

/**
 * Verifies the SignatureValue over exc-c14n(SignedInfo) with `key`; returns the canonical SignedInfo
 * bytes. `fail` makes the error (message signatures and SAML assertions report different codes).
 */
export function verifySignatureValue(parsed: ParsedSignature, key: KeyObject, fail: (reason: string, cause?: unknown) => GatewayError = signatureInvalid): Buffer {
  const { family, hash } = parsed.scheme;
  if (key.type === 'secret' || !KEY_TYPES[family].includes(key.asymmetricKeyType ?? '')) {
    throw fail(`a ${key.asymmetricKeyType ?? key.type} key cannot verify ${parsed.signatureMethod}`);
  }
  const options: VerifyKeyObjectInput | VerifyPublicKeyInput =
    family === 'rsa-pss'
      ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: hashLength(hash) }
      : family === 'ecdsa'
        ? { key, dsaEncoding: 'ieee-p1363' } // XML-DSig carries ECDSA as raw r||s (RFC 4050 / XML-DSig 1.1 §6.4.3)
        : { key, padding: constants.RSA_PKCS1_PADDING };
  const data = Buffer.from(excC14n(parsed.signedInfo, parsed.c14nPrefixes), 'utf8');
  let ok: boolean;
  try {
    ok = verify(hash, data, options, parsed.signatureValue);
  } catch (err) {
    throw fail('SignatureValue could not be verified', err);
  }
  if (!ok) throw fail('SignatureValue does not verify over SignedInfo');
  return data;
}

const signatureInvalid = (reason: string, cause?: unknown): GatewayError => new GatewayError('GW_ERR_SEC_SIGNATURE_INVALID', reason, undefined, cause === undefined ? undefined : { cause });

function contains(ancestor: Node, node: Node): boolean {
  for (let n: Node | null = node; n !== null; n = n.parentNode) if (n === ancestor) return true;
  return false;
}

function verifyReference(ref: ParsedReference, sigEl: Element, ctx: VerifyContext): SignedReference {
  const node = ctx.idIndex.get(ref.id);
  if (node === undefined) throw new GatewayError('GW_ERR_SEC_REFERENCE_UNRESOLVED', `Reference ${ref.uri} names no element of the message`);
  // XSW (R18): a "signed" element hidden in this Signature's KeyInfo, or the Signature itself.
  if (contains(sigEl, node)) throw new GatewayError('GW_ERR_SEC_SIGNATURE_MALFORMED', `Reference ${ref.uri} points into its own ds:Signature`);
  // No enveloped-signature transform is accepted, so an enclosing element is never a valid target.
  if (contains(node, sigEl)) throw new GatewayError('GW_ERR_SEC_SIGNATURE_MALFORMED', `Reference ${ref.uri} encloses its own ds:Signature`);
  const digest = excC14nDigest(node, ref.prefixes, createHash(ref.hash)).digest();
  if (digest.length !== ref.digestValue.length || !timingSafeEqual(digest, ref.digestValue)) {
    throw invalid(`digest of Reference ${ref.uri} does not match`);
  }
  return { node, uri: ref.uri, digestMethod: ref.digestMethod, transforms: ref.transforms };
}
