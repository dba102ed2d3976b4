import type { Element } from '@xmldom/xmldom';
import type { SecurityFacts } from '../../security/types.ts';
import { violation } from '../message-view.ts';
import type { Violation } from '../message-view.ts';

const CBC = new Set(['http://www.w3.org/2001/04/xmlenc#aes128-cbc', 'http://www.w3.org/2001/04/xmlenc#aes256-cbc']);

function coveredBySignature(el: Element, signed: ReadonlySet<Element>): boolean {
  for (let n: Element | null = el; n !== null; n = n.parentNode as Element | null) {
    if (signed.has(n)) return true;
    if (n.nodeType !== 1) break;
  }
  return false;
}

/**
 * The gateway's own floor, whatever the policy says: AES-CBC has no integrity of its own, so its
 * plaintext must be covered by a verified signature.
 */
export function checkFloors(facts: SecurityFacts): Violation | undefined {
  for (const d of facts.decryptions) {
    if (!CBC.has(d.dataAlgorithm)) continue;
    if (!d.decrypted.every((e) => coveredBySignature(e, facts.signedElements))) {
      return violation('GW_ERR_POLICY_ENCRYPTED_PARTS', 'gateway floor: AES-CBC only under a signature', 'AES-CBC encrypted data is not covered by a verified signature', { algorithm: d.dataAlgorithm });
    }
  }
  return undefined;
}
