import type { Element } from '@xmldom/xmldom';
import type { SecurityConfig, SecurityRequirements } from '../config/types.ts';
import { GatewayError } from '../errors.ts';
import type { SecurityFacts } from '../security/types.ts';
import type { Envelope } from '../soap/envelope.ts';

/** The effective requirements of one operation: the service-wide ones, overridden key by key. */
export function requirementsFor(security: SecurityConfig, operation: string): SecurityRequirements {
  return { ...security.require, ...(security.operations[operation] ?? {}) };
}

const CBC = new Set(['http://www.w3.org/2001/04/xmlenc#aes128-cbc', 'http://www.w3.org/2001/04/xmlenc#aes256-cbc']);

function coveredBySignature(el: Element, signed: ReadonlySet<Element>): boolean {
  for (let n: Element | null = el; n !== null; n = n.parentNode as Element | null) {
    if (signed.has(n)) return true;
    if (n.nodeType !== 1) break;
  }
  return false;
}

/**
 * Pure checks of the facts against the requirements, by node identity: "Body signed" means the
 * Envelope's own Body element was among the nodes a verified Reference digested; "Timestamp signed"
 * means the one Timestamp of the gateway's Security header was.
 */
export function enforceRequirements(facts: SecurityFacts, env: Envelope, req: SecurityRequirements): void {
  const needsHeader = req.signature || req.timestamp || req.saml || req.signedParts.length > 0 || req.encryptedParts.length > 0;
  if (facts.header === undefined && needsHeader) throw new GatewayError('GW_ERR_SEC_HEADER_MISSING', 'no wsse:Security header for the gateway');
  if (req.timestamp && facts.timestamp === undefined) throw new GatewayError('GW_ERR_POLICY_TIMESTAMP_REQUIRED', 'the Security header has no Timestamp');
  if ((req.signature || req.signedParts.length > 0) && facts.signatures.length === 0) {
    throw new GatewayError('GW_ERR_POLICY_SIGNATURE_REQUIRED', 'no verified X.509 signature in the Security header');
  }
  if (req.signedParts.includes('body') && !facts.signedElements.has(env.body)) {
    throw new GatewayError('GW_ERR_POLICY_SIGNED_PARTS', "the Envelope's own Body is not among the signed elements", { part: 'body' });
  }
  if (req.signedParts.includes('timestamp')) {
    if (facts.timestamp === undefined) throw new GatewayError('GW_ERR_POLICY_SIGNED_PARTS', 'a signed Timestamp is required and there is none', { part: 'timestamp' });
    if (!facts.signedElements.has(facts.timestamp.element)) throw new GatewayError('GW_ERR_POLICY_SIGNED_PARTS', 'the Timestamp of the Security header is not signed', { part: 'timestamp' });
  }
  if (req.saml && facts.samlAssertions.length === 0) throw new GatewayError('GW_ERR_POLICY_SAML_REQUIRED', 'the operation requires a SAML assertion and the Security header has none');
  if (req.encryptedParts.includes('body')) {
    const bodyDecrypted = facts.decryptions.some((d) => (d.target === 'content' && d.decrypted.includes(env.body)) || (d.target === 'element' && d.decrypted.some((e) => e.parentNode === env.body)));
    if (!bodyDecrypted) throw new GatewayError('GW_ERR_POLICY_ENCRYPTED_PARTS', 'the Body was not encrypted', { part: 'body' });
  }
  // AES-CBC has no integrity of its own: its plaintext must be covered by a verified signature.
  for (const d of facts.decryptions) {
    if (!CBC.has(d.dataAlgorithm)) continue;
    if (!d.decrypted.every((e) => coveredBySignature(e, facts.signedElements))) {
      throw new GatewayError('GW_ERR_POLICY_ENCRYPTED_PARTS', 'AES-CBC encrypted data is not covered by a verified signature', { algorithm: d.dataAlgorithm });
    }
  }
}
