import type { KeyObject, X509Certificate } from 'node:crypto';
import type { SecurityRequirements } from '../../config/types.ts';
import { allowanceUris } from '../algorithm-names.ts';
import { violation } from '../message-view.ts';
import type { Validator } from '../message-view.ts';

const keys = new WeakMap<X509Certificate, KeyObject>();

function rsaBits(cert: X509Certificate): number | undefined {
  let key = keys.get(cert);
  if (key === undefined) {
    key = cert.publicKey;
    keys.set(cert, key);
  }
  return key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'rsa-pss' ? key.asymmetricKeyDetails?.modulusLength : undefined;
}

function allowed(r: SecurityRequirements, category: 'signature' | 'digest' | 'keyTransport' | 'encryption', suite: readonly string[]): (uri: string) => boolean {
  const extra = allowanceUris(r.allowAlgorithms ?? [], category);
  return (uri) => suite.includes(uri) || extra.includes(uri);
}

/**
 * sp:AlgorithmSuite: every message signature, Reference digest, key transport and data encryption
 * is one the suite names (or one service.yaml `allowAlgorithms` adds), and an RSA signing key is
 * within the suite's key-length bounds. The gateway's own allowlist has already been applied.
 */
export const checkAlgorithmSuite: Validator = (r, m) => {
  const suite = r.algorithmSuite;
  if (suite === undefined) return undefined;
  const sig = allowed(r, 'signature', suite.signature);
  const digest = allowed(r, 'digest', suite.digest);
  const transport = allowed(r, 'keyTransport', suite.keyTransport);
  const data = allowed(r, 'encryption', suite.encryption);
  const at = suite.assertion;
  for (const s of m.facts.signatures) {
    if (!sig(s.signatureMethod)) return violation('GW_ERR_POLICY_ALGORITHM', at, 'signature algorithm outside the algorithm suite', { algorithm: s.signatureMethod, element: 'ds:SignatureMethod' });
    const ref = s.references.find((x) => !digest(x.digestMethod));
    if (ref !== undefined) return violation('GW_ERR_POLICY_ALGORITHM', at, 'digest algorithm outside the algorithm suite', { algorithm: ref.digestMethod, element: 'ds:DigestMethod' });
    const bits = rsaBits(s.signer.cert);
    if (bits !== undefined && (bits < suite.minRsaBits || bits > suite.maxRsaBits)) {
      return violation('GW_ERR_POLICY_ALGORITHM', at, `RSA signing key of ${bits} bits outside the suite's ${suite.minRsaBits}..${suite.maxRsaBits}`, { keyBits: bits });
    }
  }
  for (const d of m.facts.decryptions) {
    if (d.keyTransport !== undefined && !transport(d.keyTransport)) return violation('GW_ERR_POLICY_ALGORITHM', at, 'key transport outside the algorithm suite', { algorithm: d.keyTransport, element: 'xenc:EncryptedKey' });
    if (!data(d.dataAlgorithm)) return violation('GW_ERR_POLICY_ALGORITHM', at, 'data encryption outside the algorithm suite', { algorithm: d.dataAlgorithm, element: 'xenc:EncryptedData' });
  }
  return undefined;
};
