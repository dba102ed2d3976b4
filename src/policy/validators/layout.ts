import type { Element } from '@xmldom/xmldom';
import { childElements } from '../../xml/ns.ts';
import { nameOf, violation, within } from '../message-view.ts';
import type { Validator, Violation } from '../message-view.ts';
import type { LayoutRequirement } from '../model.ts';
import type { SecurityFacts } from '../../security/types.ts';

/** The position, among the Security header's children, of the child that holds `el`. */
function positionIn(children: readonly Element[], el: Element): number {
  return children.findIndex((c) => within(c, el));
}

/**
 * WS-SecurityPolicy 1.2 §7.7 Strict, the rules the facts can show: (1a) a signing token included
 * in the header comes before the signature that uses it; (2) a signed element inside the header
 * comes before the signature that signs it.
 */
function strict(layout: LayoutRequirement, facts: SecurityFacts, children: readonly Element[]): Violation | undefined {
  for (const s of facts.signatures) {
    const at = positionIn(children, s.element);
    if (s.signerToken !== undefined && positionIn(children, s.signerToken) > at) {
      return violation('GW_ERR_POLICY_LAYOUT', layout.assertion, 'Strict layout: the signing token comes after the signature that uses it', { element: nameOf(s.signerToken) });
    }
    for (const ref of s.references) {
      const pos = positionIn(children, ref.node);
      if (pos > at) return violation('GW_ERR_POLICY_LAYOUT', layout.assertion, 'Strict layout: a signed element of the Security header comes after the signature that signs it', { element: nameOf(ref.node) });
    }
  }
  return undefined;
}

/** sp:Layout: Lax (any order), LaxTsFirst / LaxTsLast (the Timestamp is the first / last child), Strict. */
export const checkLayout: Validator = (r, m) => {
  const layout = r.layout;
  const header = m.facts.header;
  if (layout === undefined || layout.layout === 'Lax' || header === undefined) return undefined;
  const children = childElements(header);
  const ts = m.facts.timestamp?.element;
  if (layout.layout === 'LaxTsFirst' && ts !== undefined && children[0] !== ts) return violation('GW_ERR_POLICY_LAYOUT', layout.assertion, 'the Timestamp is not the first child of the Security header');
  if (layout.layout === 'LaxTsLast' && ts !== undefined && children[children.length - 1] !== ts) return violation('GW_ERR_POLICY_LAYOUT', layout.assertion, 'the Timestamp is not the last child of the Security header');
  return layout.layout === 'Strict' ? strict(layout, m.facts, children) : undefined;
};
