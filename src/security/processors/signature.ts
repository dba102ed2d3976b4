import type { KeyObject, X509Certificate } from 'node:crypto';
import type { Element } from '@xmldom/xmldom';
import type { Clock } from '../../clock.ts';
import { GatewayError } from '../../errors.ts';
import { NS_DS } from '../../xml/ns.ts';
import type { EngineState } from '../engine.ts';
import type { SecurityRuntime } from '../runtime.ts';
import { resolveSamlKeyReference } from '../saml/token-reference.ts';
import { verifySignature } from '../signature/index.ts';
import type { BinarySecurityTokenResult, CertReferenceKind, SignatureResult, TrustedCert } from '../types.ts';
import { parseBinarySecurityToken, resolveCertificate } from '../x509/resolve-key.ts';
import { validateCertificate } from '../x509/validate-path.ts';

// X509Certificate#publicKey builds a new KeyObject on every read; certificates are cached and reused.
const publicKeys = new WeakMap<X509Certificate, KeyObject>();

function publicKeyOf(cert: X509Certificate): KeyObject {
  let key = publicKeys.get(cert);
  if (key === undefined) {
    key = cert.publicKey;
    publicKeys.set(cert, key);
  }
  return key;
}

/** A BinarySecurityToken is only parsed here; it is trusted when a signature uses it and its path validates. */
export function processBinarySecurityToken(el: Element): BinarySecurityTokenResult {
  return { kind: 'binarySecurityToken', element: el, cert: parseBinarySecurityToken(el) };
}

interface Signer {
  readonly trusted: TrustedCert;
  readonly reference: CertReferenceKind;
  readonly token: Element | undefined;
}

/**
 * ds:Signature in the Security header: the key named by KeyInfo is resolved (message token or
 * known certificate) and must chain to a trust anchor at the gateway clock before the
 * SignatureValue is checked; References are then bound to their DOM nodes.
 */
export function verifyMessageSignature(el: Element, state: EngineState, runtime: SecurityRuntime, clock: Clock): SignatureResult {
  const verified = verifySignature(el, {
    idIndex: state.idIndex,
    policy: runtime.signaturePolicy,
    resolveKey: (keyInfo) => {
      if (keyInfo === undefined) throw new GatewayError('GW_ERR_SEC_TOKEN_UNRESOLVED', 'signature without ds:KeyInfo');
      // A SAML KeyIdentifier names a holder-of-key assertion processed earlier; anything else is X.509.
      const resolved = resolveSamlKeyReference(keyInfo, state.results, state.idIndex) ?? resolveCertificate(keyInfo, { idIndex: state.idIndex, store: runtime.trustStore });
      const trusted = validateCertificate(resolved.cert, runtime.trustStore, clock.now(), runtime.keyRules);
      const signer: Signer = { trusted, reference: resolved.reference, token: resolved.token };
      return { key: publicKeyOf(resolved.cert), signer };
    },
  });
  const signer = verified.signer as Signer;
  for (const ref of verified.references) {
    if (ref.digestMethod === 'http://www.w3.org/2000/09/xmldsig#sha1') state.legacyUsed.add('sha1');
  }
  if (verified.signatureMethod === 'http://www.w3.org/2000/09/xmldsig#rsa-sha1') state.legacyUsed.add('rsa-sha1');
  if (el.namespaceURI !== NS_DS) throw new GatewayError('GW_ERR_SEC_SIGNATURE_MALFORMED', 'not a ds:Signature');
  return {
    kind: 'signature',
    element: el,
    signatureMethod: verified.signatureMethod,
    canonicalization: verified.canonicalization,
    signer: signer.trusted,
    signerReference: signer.reference,
    signerToken: signer.token,
    references: verified.references,
    signatureValueDigest: verified.signatureValueDigest,
    signedInfoDigest: verified.signedInfoDigest,
  };
}
