import { createHash, timingSafeEqual } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { Element } from '@xmldom/xmldom';
import { GatewayError } from '../../errors.ts';
import { ALG_ENVELOPED_SIGNATURE, ALG_EXC_C14N } from '../signature/algorithms.ts';
import { excC14n, excC14nDigest, type InclusivePrefixes } from '../signature/exc-c14n.ts';
import { parseSignature, type ParsedSignature } from '../signature/shape.ts';
import { verifySignatureValue } from '../signature/verify.ts';
import type { SignatureAlgorithmPolicy } from '../signature/types.ts';

/**
 * The enveloped signature of a SAML assertion (SAML core §5.4): exactly one Reference, whose URI
 * is `#` + the assertion's own ID and resolves (through the message's Id index) to this very
 * element; transforms exactly enveloped-signature then exc-c14n; verified with the PINNED key of
 * the issuer — ds:KeyInfo inside the assertion is never used to find a key.
 */

export interface AssertionSignatureContext {
  readonly idIndex: { get(id: string): Element | undefined };
  readonly policy: SignatureAlgorithmPolicy;
}

function invalid(reason: string): GatewayError {
  return new GatewayError('GW_ERR_SEC_SAML_INVALID', reason);
}

/** The shared signature shape checks; their "malformed" refusals are SAML refusals here. */
function parse(sig: Element, policy: SignatureAlgorithmPolicy): ParsedSignature {
  try {
    return parseSignature(sig, policy);
  } catch (err) {
    if (err instanceof GatewayError && err.code === 'GW_ERR_SEC_SIGNATURE_MALFORMED') throw new GatewayError('GW_ERR_SEC_SAML_INVALID', `assertion signature: ${err.reason}`, undefined, { cause: err });
    throw err;
  }
}

function verifyWithPinnedKey(parsed: ParsedSignature, key: KeyObject): void {
  verifySignatureValue(parsed, key, (reason, cause) =>
    new GatewayError('GW_ERR_SEC_SAML_INVALID', `assertion: ${reason} (pinned certificate of its issuer)`, undefined, cause === undefined ? undefined : { cause }),
  );
}

/**
 * The enveloped-signature transform, in place: `fn` runs while this ds:Signature is out of the
 * assertion, and the very same node goes back to the very same place before anything else runs
 * (synchronous; restored on error too). Canonicalizing the assertion in place, in its real
 * context (PrefixList namespaces from its ancestors included), is then exactly exc-c14n of the
 * assertion minus the signature. A deep copy of the assertion would leave the message untouched
 * but costs 180–300 µs per assertion with xmldom's cloneNode (about five times the c14n itself).
 */
export function withoutSignature<T>(assertion: Element, sig: Element, fn: () => T): T {
  if (sig.parentNode !== assertion) throw invalid('the assertion signature is not a child of the assertion');
  const next = sig.nextSibling;
  assertion.removeChild(sig);
  try {
    return fn();
  } finally {
    assertion.insertBefore(sig, next);
  }
}

/** exc-c14n of the assertion without its enveloped signature (what the issuer digested). */
export function envelopedC14n(assertion: Element, sig: Element, prefixes: InclusivePrefixes = new Set()): string {
  return withoutSignature(assertion, sig, () => excC14n(assertion, prefixes));
}

/** Verifies the assertion's own signature with the pinned key; SignatureValue first, then the digest. */
export function verifyAssertionSignature(assertion: Element, sig: Element, id: string, key: KeyObject, ctx: AssertionSignatureContext): { readonly signatureMethod: string; readonly digestMethod: string } {
  const parsed = parse(sig, ctx.policy);
  const ref = parsed.references[0];
  if (ref === undefined || parsed.references.length !== 1) throw invalid(`the assertion signature has ${parsed.references.length} References (exactly one, to the assertion)`);
  if (ref.transforms.length !== 2 || ref.transforms[0] !== ALG_ENVELOPED_SIGNATURE || ref.transforms[1] !== ALG_EXC_C14N) {
    throw invalid('the assertion signature Reference must have exactly the transforms enveloped-signature, exc-c14n');
  }
  if (ref.id !== id) throw invalid(`the assertion signature references ${JSON.stringify(ref.uri.slice(0, 80))}, not the assertion's own ID`);
  // XSW: the Id must name this element and no other (the index refuses duplicates outright).
  if (ctx.idIndex.get(ref.id) !== assertion) throw invalid('the assertion signature Reference does not resolve to the assertion being processed');
  verifyWithPinnedKey(parsed, key);
  const digest = withoutSignature(assertion, sig, () => excC14nDigest(assertion, ref.prefixes, createHash(ref.hash)).digest());
  if (digest.length !== ref.digestValue.length || !timingSafeEqual(digest, ref.digestValue)) throw invalid('the assertion digest does not match (the assertion was changed after signing)');
  return { signatureMethod: parsed.signatureMethod, digestMethod: ref.digestMethod };
}
