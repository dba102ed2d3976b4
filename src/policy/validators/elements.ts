import type { Element } from '@xmldom/xmldom';
import type { SecurityFacts } from '../../security/types.ts';
import { nameOf, violation, within } from '../message-view.ts';
import type { Validator } from '../message-view.ts';
import { selectElements } from '../xpath.ts';

function signedOrInsideSigned(facts: SecurityFacts, el: Element): boolean {
  for (const s of facts.signedElements) if (within(s, el)) return true;
  return false;
}

function encryptedOrInsideEncrypted(facts: SecurityFacts, el: Element): boolean {
  return facts.decryptions.some((d) =>
    d.target === 'content' ? d.decrypted.some((parent) => parent !== el && within(parent, el)) : d.decrypted.some((replaced) => within(replaced, el)),
  );
}

/**
 * sp:SignedElements: every element the XPath selects is covered by a verified signature (it, or
 * an ancestor, was digested). An XPath that selects nothing is satisfied (WS-SecurityPolicy
 * protects what is present; presence is sp:RequiredElements, which the gateway does not import).
 */
export const checkSignedElements: Validator = (r, m) => {
  for (const e of r.signedElements ?? []) {
    const bad = selectElements(m.envelope.doc, e).find((el) => !signedOrInsideSigned(m.facts, el));
    if (bad !== undefined) return violation('GW_ERR_POLICY_SIGNED_PARTS', e.assertion, 'an element the policy protects is not covered by a verified signature', { part: 'element', element: nameOf(bad), xpath: e.xpath });
  }
  return undefined;
};

/** sp:EncryptedElements: every element the XPath selects arrived encrypted (it, or an enclosing element). */
export const checkEncryptedElements: Validator = (r, m) => {
  for (const e of r.encryptedElements ?? []) {
    const bad = selectElements(m.envelope.doc, e).find((el) => !encryptedOrInsideEncrypted(m.facts, el));
    if (bad !== undefined) return violation('GW_ERR_POLICY_ENCRYPTED_PARTS', e.assertion, 'an element the policy protects arrived in clear', { part: 'element', element: nameOf(bad), xpath: e.xpath });
  }
  return undefined;
};
